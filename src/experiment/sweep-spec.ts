// Sweep files (SPEC §5): a base scenario, parameters to vary by path (lists,
// ranges, log ranges), feature sets to compare and a replication count.
// Expands into points; each point is a fully resolved scenario.
import crypto from 'node:crypto';
import { vmTypeOf } from '../exits/vm-types/index.js';
import { produce } from 'immer';
import { z } from 'zod';
import { InputError, describeValue } from '../config/errors.js';
import { readDataFile, validate, loadProfile, loadWorkload } from '../config/load.js';
import { Profile, Scenario, SweepFile, SweepParameter, Workload } from '../config/schema.js';
import { resolveScenario, type ResolvedScenario } from '../request/scenario.js';
import { guestOsesOf } from '../request/run-path.js';
import { FeatureParseError, distinctFeatureSetLabel, featureSetLabel, givenFeatureSetLabel, parseFeatureSet } from '../exits/features.js';
import fs from 'node:fs';
import path from 'node:path';

export { SweepFile } from '../config/schema.js';

export const MAX_SWEEP_POINTS = 100_000;
/** Jobs (points × replications) a study may hold; each is a record in memory and a file on disk. */
export const MAX_STUDY_JOBS = 1_000_000;

export interface SweepPoint {
  index: number;
  /** The parameter values of this point, by path. */
  values: Record<string, number | string | boolean>;
  resolved: ResolvedScenario;
}

export interface ExpandedSweep {
  spec: SweepFile;
  file: string;
  featureSets: number[];
  /** The sets' labels as the user wrote them (givenFeatureSetLabel); absent: canonical labels. */
  givenLabels?: string[];
  points: SweepPoint[];
  /** Identity of the sweep (everything but the replication count): shards and resumes must match it. */
  identity: string;
}

type Value = number | string | boolean;

/** A parameter as one axis: the paths it sets and, per point of the axis, a value for each of them. */
function axisOf(p: z.infer<typeof SweepParameter>, file: string, i: number): { paths: string[]; values: Value[][] } {
  if ((p.path === undefined) === (p.paths === undefined)) throw new InputError(file, `parameters[${i}]`, "exactly one of 'path' or 'paths'", p.path === undefined ? 'neither' : 'both');
  if (p.paths !== undefined) {
    if (p.tuples === undefined || p.values !== undefined || p.range !== undefined || p.logRange !== undefined) {
      throw new InputError(file, `parameters[${i}]`, "'paths' with 'tuples' (one value per path in each)", "'paths' without 'tuples', or with values/range/logRange");
    }
    const paths = p.paths;
    p.tuples.forEach((t, k) => {
      if (t.length !== paths.length) throw new InputError(file, `parameters[${i}].tuples[${k}]`, `${paths.length} values, one per path (${paths.join(', ')})`, `${t.length}`);
    });
    return { paths, values: p.tuples };
  }
  if (p.tuples !== undefined) throw new InputError(file, `parameters[${i}].tuples`, "tuples only with 'paths' (several paths varied together)", "'tuples' with one 'path'");
  return { paths: [p.path as string], values: valuesOf(p, file, i).map((v) => [v]) };
}

function valuesOf(p: z.infer<typeof SweepParameter>, file: string, i: number): Array<number | string | boolean> {
  const given = [p.values, p.range, p.logRange].filter((x) => x !== undefined).length;
  if (given !== 1) throw new InputError(file, `parameters[${i}]`, "exactly one of 'values', 'range' or 'logRange'", `${given}`);
  let vs: Array<number | string | boolean>;
  if (p.values) vs = p.values;
  else if (p.range) {
    const { from, to, step } = p.range;
    if (to < from) throw new InputError(file, `parameters[${i}].range.to`, `a value ≥ from (${from})`, String(to));
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > 100000) throw new InputError(file, `parameters[${i}].range`, 'at most 100000 values', String(n));
    vs = Array.from({ length: n }, (_, k) => Number((from + k * step).toPrecision(12)));
  } else {
    const { from, to, points } = p.logRange!;
    vs = Array.from({ length: points }, (_, k) => Number((from * Math.pow(to / from, k / (points - 1))).toPrecision(6)));
  }
  if (p.integer && vs.some((v) => typeof v !== 'number')) {
    throw new InputError(file, `parameters[${i}].integer`, 'integer: true on numeric values only (it rounds them)', `a parameter with the value ${JSON.stringify(vs.find((v) => typeof v !== 'number'))}`);
  }
  return p.integer ? [...new Set(vs.map((v) => Math.round(v as number)))] : vs;
}

const PATH_TOKEN = /([^.[\]]+)|\[(\d+)\]/g;

function tokens(p: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of p.matchAll(PATH_TOKEN)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** Sets `value` at `path` in a draft (objects and arrays only; the path must exist up to its parent). */
function setPath(draft: unknown, p: string, value: unknown, file: string, field: string): void {
  const ts = tokens(p);
  // Only the input's own fields: never an object's prototype machinery.
  const forbidden = ts.find((t) => t === '__proto__' || t === 'constructor' || t === 'prototype');
  if (forbidden !== undefined) throw new InputError(file, field, 'a path through the input\'s own fields', `'${forbidden}' in ${describeValue(p)}`);
  let cur = draft as Record<string | number, unknown>;
  for (let k = 0; k < ts.length - 1; k++) {
    const next = cur[ts[k]];
    if (next === null || typeof next !== 'object') {
      throw new InputError(file, field, `a path that exists in the base (${ts.slice(0, k + 1).join('.')} is not an object or array)`, describeValue(p));
    }
    cur = next as Record<string | number, unknown>;
  }
  cur[ts[ts.length - 1]] = value;
}

/** Every path a sweep's parameters set, in order (a `paths` parameter gives several). */
export function parameterPaths(spec: SweepFile): string[] {
  return spec.parameters.flatMap((p) => p.paths ?? (p.path === undefined ? [] : [p.path]));
}

export function loadSweep(file: string): ExpandedSweep {
  const data = readDataFile(file);
  // A migration study (src/migration/study.ts) is not a sweep of runs: say where it runs.
  if (typeof data === 'object' && data !== null && 'migration' in data && !('base' in data)) throw new InputError(file, 'migration', 'a sweep (base, parameters, featureSets)', 'a migration study', ` — run it with exitsim migrate ${file}`);
  const spec = validate(SweepFile, data, file);
  return expandSweep(spec, file);
}

export function expandSweep(spec: SweepFile, file: string): ExpandedSweep {
  const featureSets = spec.featureSets.map((f, i) => {
    try {
      return parseFeatureSet(f);
    } catch (err) {
      if (err instanceof FeatureParseError) throw new InputError(file, `featureSets[${i}]`, 'feature names or presets', `'${err.found}'`, err.hint);
      throw err;
    }
  });
  // The base scenario, as data.
  let baseData: unknown;
  let baseFile = file;
  if (typeof spec.base === 'string') {
    const candidate = path.resolve(path.dirname(file), spec.base);
    const ref = fs.existsSync(candidate) ? candidate : spec.base;
    const r = resolveScenario(ref, {});
    baseData = r.scenario;
    baseFile = r.file;
  } else baseData = validate(Scenario, spec.base, `${file} (base)`);
  const axes = spec.parameters.map((p, i) => axisOf(p, file, i));
  const total = axes.reduce((a, x) => a * x.values.length, 1);
  // Checked before any point is built: 100,000 points take ~680 MB while they expand (measured).
  if (total > MAX_SWEEP_POINTS) throw new InputError(file, 'parameters', `at most ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points (the product of the parameters' value counts)`, total.toLocaleString('en-US'));
  const points: SweepPoint[] = [];
  // Points share the workload and profile objects they load (a 20,000-point sweep held 20,000
  // copies of each: 2.6 GB); a point that changes one gets its own (immer copies on write).
  const loads: LoadCache = { workloads: new Map(), profiles: new Map() };
  // The identity is the hash of {name, featureSets, points: [...]} as one JSON text, fed point by
  // point so that the text of a large sweep is never built whole (same bytes, same hash).
  const hash = crypto.createHash('sha256');
  hash.update(`{"name":${JSON.stringify(spec.name)},"featureSets":${JSON.stringify(featureSets)},"points":[`);
  const jsonOf = new WeakMap<object, string>();
  const cachedJson = (o: object) => {
    let t = jsonOf.get(o);
    if (t === undefined) jsonOf.set(o, (t = JSON.stringify(o)));
    return t;
  };
  for (let index = 0; index < total; index++) {
    let rest = index;
    const values: Record<string, number | string | boolean> = {};
    // The last parameter varies fastest.
    for (let a = axes.length - 1; a >= 0; a--) {
      const n = axes[a].values.length;
      const tuple = axes[a].values[rest % n];
      axes[a].paths.forEach((p, k) => (values[p] = tuple[k]));
      rest = Math.floor(rest / n);
    }
    const resolved = resolvePoint(baseData, baseFile, values, file, loads);
    points.push({ index, values, resolved });
    hash.update(
      `${index > 0 ? ',' : ''}{"values":${JSON.stringify(values)},"scenario":${JSON.stringify(resolved.scenario)},"workloads":[${[...resolved.workloads.values()].map((w) => cachedJson(w.workload)).join(',')}],"profile":${cachedJson(resolved.profile)}${resolved.guestOses && resolved.guestOses.size > 0 ? `,"guestOses":[${[...resolved.guestOses.values()].map((g) => cachedJson(g.guestOs)).join(',')}]` : ''}}`,
    );
  }
  hash.update(']}');
  const identity = hash.digest('hex').slice(0, 16);
  return { spec, file, featureSets, givenLabels: spec.featureSets.map(givenFeatureSetLabel), points, identity };
}

interface LoadCache {
  workloads: Map<string, { workload: Workload; file: string }>;
  profiles: Map<string, { profile: Profile; file: string }>;
}

function resolvePoint(baseData: unknown, baseFile: string, values: Record<string, number | string | boolean>, file: string, loads: LoadCache): ResolvedScenario {
  const scenarioPaths = Object.entries(values).filter(([p]) => !p.startsWith('workload:') && !p.startsWith('profile:'));
  const data = produce(baseData as object, (d) => {
    for (const [p, v] of scenarioPaths) setPath(d, p, v, file, `parameters (${p})`);
  });
  const scenario = validate(Scenario, data, `${file} (point ${JSON.stringify(values)})`);
  // Resolve workloads and profile of this point, then apply workload: and profile: paths.
  const workloads = new Map<string, { workload: Workload; file: string }>();
  for (const vm of scenario.vms) {
    if (!workloads.has(vm.workload)) {
      const candidate = path.resolve(path.dirname(baseFile), vm.workload);
      const ref = fs.existsSync(candidate) ? candidate : vm.workload;
      let loaded = loads.workloads.get(ref);
      if (!loaded) loads.workloads.set(ref, (loaded = loadWorkload(ref)));
      workloads.set(vm.workload, loaded);
    }
  }
  let loaded = loads.profiles.get(scenario.host.profile);
  if (!loaded) loads.profiles.set(scenario.host.profile, (loaded = loadProfile(scenario.host.profile)));
  let profile = loaded.profile;
  for (const [p, v] of Object.entries(values)) {
    if (p.startsWith('profile:')) {
      const rest = p.slice('profile:'.length);
      profile = validate(Profile, produce(profile, (d) => setPath(d, rest, v, file, `parameters (${p})`)), `${file} (${p})`);
    } else if (p.startsWith('workload:')) {
      const rest = p.slice('workload:'.length);
      const dot = rest.search(/[.[]/);
      const name = dot < 0 ? rest : rest.slice(0, dot);
      const inner = dot < 0 ? '' : rest.slice(dot).replace(/^\./, '');
      const key = [...workloads.keys()].find((k) => k === name || workloads.get(k)!.workload.name === name);
      if (!key || !inner) throw new InputError(file, `parameters (${p})`, `workload:<name>.<field> naming a workload of the scenario (${[...workloads.values()].map((w) => w.workload.name).join(', ')})`, describeValue(p));
      const entry = workloads.get(key)!;
      workloads.set(key, { ...entry, workload: validate(Workload, produce(entry.workload, (d) => setPath(d, inner, v, file, `parameters (${p})`)), `${file} (${p})`) });
    }
  }
  return { scenario, file: baseFile, workloads, profile, profileFile: loaded.file, guestOses: guestOsesOf(scenario, workloads) };
}

/** One scenario as a study of a single point (for run/compare with replications). */
export function singlePointSweep(resolved: ResolvedScenario, featureSets: number[], givenLabels?: string[]): ExpandedSweep {
  const spec: SweepFile = { name: resolved.scenario.name.replace(/[^A-Za-z0-9_.-]/g, '_'), base: resolved.scenario as unknown as Record<string, unknown>, parameters: [], featureSets: featureSets.map(String), replications: 1 };
  const identity = crypto
    .createHash('sha256')
    .update(JSON.stringify({ name: spec.name, featureSets, scenario: resolved.scenario, workloads: [...resolved.workloads.values()].map((w) => w.workload), profile: resolved.profile }))
    .digest('hex')
    .slice(0, 16);
  return { spec, file: resolved.file, featureSets, ...(givenLabels ? { givenLabels } : {}), points: [{ index: 0, values: {}, resolved }], identity };
}

/**
 * The labels of a sweep's feature sets: as the user wrote them; else in VT-x words (a sweep may mix vendors), naming the nested-only
 * features when some point is a nested guest (they mean nothing to a plain VM's label).
 */
export function sweepLabels(sweep: ExpandedSweep): string[] {
  // Asked once per point job: computed once per sweep.
  let labels = LABELS.get(sweep);
  if (!labels) LABELS.set(sweep, (labels = labelsOf(sweep)));
  return labels;
}

const LABELS = new WeakMap<ExpandedSweep, string[]>();

function labelsOf(sweep: ExpandedSweep): string[] {
  // What the user wrote, unless two sets were written alike ("modern" twice).
  const given = sweep.givenLabels;
  if (given && given.length === sweep.featureSets.length && new Set(given).size === given.length) return given;
  const nested = sweep.points.some((p) => vmTypeOf(p.resolved.scenario.vmType).nested);
  // In the words of the sweep's one architecture (an AMD-only sweep's "modern,-vmcb-clean"), VT-x's
  // when it mixes vendors; and never one label for two sets (VT-x words have no name for an SVM-only
  // feature): those fall back to a label that names every feature.
  const arches = new Set(sweep.points.map((p) => p.resolved.profile.arch ?? 'vmx'));
  const arch = arches.size === 1 ? [...arches][0] : 'vmx';
  const labels = sweep.featureSets.map((s) => featureSetLabel(s, arch, nested));
  return labels.map((l, i) => (labels.indexOf(l) !== labels.lastIndexOf(l) ? distinctFeatureSetLabel(sweep.featureSets[i]) : l));
}
