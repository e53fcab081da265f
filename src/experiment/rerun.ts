// `exitsim rerun MANIFEST`: a result's manifest embeds every input it ran on (scenarios, workloads,
// CPU profiles, feature sets, seeds), so the run can be repeated anywhere without the files it was
// made from. This turns a manifest back into what the runners take.
import fs from 'node:fs';
import { InputError } from '../config/errors.js';
import { inputsDigest } from '../io/manifest-digest.js';
import { GuestOs } from '../config/guest-os.js';
import { validate } from '../config/load.js';
import { MAX_STATE_FILE_BYTES, readStateJson } from '../config/read-input.js';
import { Profile, Scenario, Workload, type SweepFile } from '../config/schema.js';
import { FeatureParseError, parseFeatureSet } from '../exits/features.js';
import type { ResolvedScenario } from '../request/scenario.js';
import type { StudyState } from './study.js';
import type { ExpandedSweep } from './sweep-spec.js';

export interface RunsToRepeat {
  kind: 'runs';
  resolved: ResolvedScenario;
  featureSets: number[];
  /** The runs' labels as first shown (the user's words); absent: canonical. */
  labels?: string[];
  aggregate: boolean;
}

export interface StudyToRepeat {
  kind: 'study';
  sweep: ExpandedSweep;
  state: StudyState;
}

interface RunsManifest {
  kind?: string;
  aggregate?: boolean;
  runs: Array<{ features: string; requested_features?: string; seed: number; profile?: string }>;
  inputs: Array<{ scenario_file: string; scenario: unknown; profile_file: string; profile: unknown; workloads: Record<string, { file: string; workload: unknown }>; guest_oses?: Record<string, { file: string; guest_os: unknown }> }>;
}

interface StudyManifest {
  kind: 'study';
  study: StudyState;
  inputs?: Array<{ values: Record<string, number | string | boolean>; scenario: unknown; scenario_file: string; profile: number; workloads: Record<string, number>; guest_oses?: Record<string, number> }>;
  workloads?: Array<{ file: string; workload: unknown }>;
  profiles?: Array<{ file: string; profile: unknown }>;
  guest_oses?: Array<{ file: string; guest_os: unknown }>;
}

function features(file: string, field: string, label: string): number {
  try {
    return parseFeatureSet(label);
  } catch (err) {
    if (err instanceof FeatureParseError) throw new InputError(file, field, 'feature names or presets', `'${err.found}'`);
    throw err;
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** An embedded input that must be there: a removed one is named, not validated as defaults. */
function present(file: string, field: string, x: unknown, what: string): unknown {
  if (!isObject(x)) throw new InputError(file, field, `the embedded ${what} (an object)`, x === undefined ? 'nothing (the field is missing)' : Array.isArray(x) ? 'an array' : JSON.stringify(x));
  return x;
}

/** An input file given to rerun (a workload, scenario or sweep): what to run instead. */
function inputInsteadOfManifest(file: string): string | undefined {
  if (/\.ya?ml$/i.test(file)) return 'a sweep or scenario file: run it with exitsim sweep FILE or exitsim run FILE';
  // Only a regular file of a sane size is looked into (a FIFO would block, a huge file stall): the
  // manifest reader below refuses the rest with its own message.
  let data: unknown;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_STATE_FILE_BYTES) return undefined;
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || 'tool' in data) return undefined;
  if ('featureSets' in data && 'base' in data) return 'a sweep file: run it with exitsim sweep FILE';
  if ('vms' in data || 'host' in data) return 'a scenario file: run it with exitsim run FILE';
  if ('events' in data || 'cyclesPerUnit' in data) return 'a workload file: run it with exitsim run FILE';
  return undefined;
}

export function readRerun(file: string): RunsToRepeat | StudyToRepeat {
  const notManifest = fs.existsSync(file) ? inputInsteadOfManifest(file) : undefined;
  if (notManifest) throw new InputError(file, '(top level)', 'the manifest.json of a result folder (rerun repeats a result from it)', notManifest);
  const m = readStateJson<{ tool?: string; kind?: string; inputs_sha256?: unknown }>(file, 'an exitsim manifest.json', ['tool']);
  if (m.tool !== 'exitsim') throw new InputError(file, 'tool', "an exitsim manifest ('tool': 'exitsim')", JSON.stringify(m.tool));
  if (m.kind !== undefined && m.kind !== 'runs' && m.kind !== 'study') throw new InputError(file, 'kind', "the manifest of runs or of a study ('runs' or 'study')", JSON.stringify(m.kind));
  // The inputs are hashed when written: a manifest edited since (a profile swapped, a value changed) is refused.
  if (m.inputs_sha256 !== undefined && m.inputs_sha256 !== inputsDigest(m as Record<string, unknown>)) {
    throw new InputError(file, 'inputs_sha256', 'the embedded inputs as they were written (their SHA-256)', 'inputs changed since — the manifest was edited; rerun the original command instead');
  }
  if (m.kind === 'study') return studyOf(file, m as unknown as StudyManifest);
  const r = m as unknown as RunsManifest;
  if (!Array.isArray(r.runs) || !Array.isArray(r.inputs) || r.inputs.length !== 1 || r.runs.length === 0) {
    throw new InputError(file, 'inputs', 'the manifest of a run, a comparison or a study, with the inputs it ran on embedded', 'a manifest without them (written by an exitsim older than the rerun command)');
  }
  const input = present(file, 'inputs[0]', r.inputs[0], 'inputs') as RunsManifest['inputs'][number];
  present(file, 'inputs[0].workloads', input.workloads, 'workloads');
  const workloads = new Map(Object.entries(input.workloads).map(([key, w]) => [key, { file: String(w?.file), workload: validate(Workload, present(file, `inputs[0].workloads.${key}.workload`, w?.workload, 'workload'), `${file} (inputs[0].workloads.${key})`) }]));
  const resolved: ResolvedScenario = {
    scenario: validate(Scenario, present(file, 'inputs[0].scenario', input.scenario, 'scenario'), `${file} (inputs[0].scenario)`),
    file: String(input.scenario_file),
    workloads,
    profile: validate(Profile, present(file, 'inputs[0].profile', input.profile, 'CPU profile'), `${file} (inputs[0].profile)`),
    profileFile: String(input.profile_file),
    // The guest OS profiles as they were (a manifest from before they were embedded loads them by name).
    ...(input.guest_oses !== undefined
      ? {
          guestOses: new Map(
            Object.entries(present(file, 'inputs[0].guest_oses', input.guest_oses, 'guest OS profiles') as Record<string, { file: string; guest_os: unknown }>).map(([key, g]) => [
              key,
              { file: String(g?.file), guestOs: validate(GuestOs, present(file, `inputs[0].guest_oses.${key}.guest_os`, g?.guest_os, 'guest OS profile'), `${file} (inputs[0].guest_oses.${key})`) },
            ]),
          ),
        }
      : {}),
  };
  r.runs.forEach((run, i) => {
    if (!isObject(run)) throw new InputError(file, `runs[${i}]`, 'a run entry (an object)', JSON.stringify(run));
    if (run.seed !== resolved.scenario.seed) throw new InputError(file, `runs[${i}].seed`, `the scenario's seed (${resolved.scenario.seed})`, JSON.stringify(run.seed));
    if (run.profile !== undefined && run.profile !== resolved.profile.name) throw new InputError(file, `runs[${i}].profile`, `the embedded profile's name (${resolved.profile.name})`, JSON.stringify(run.profile));
  });
  const featureSets = r.runs.map((run, i) => (run.requested_features !== undefined ? features(file, `runs[${i}].requested_features`, run.requested_features) : features(file, `runs[${i}].features`, run.features)));
  // The labels the runs were shown with (as the user typed them): a rerun shows them again.
  const labels = r.runs.map((run) => run.features);
  return { kind: 'runs', resolved, featureSets, ...(labels.every((l): l is string => typeof l === 'string') && new Set(labels).size === labels.length ? { labels } : {}), aggregate: r.aggregate === true };
}

/** The study state a manifest embeds, as exitsim writes it: a damaged value is named, never run. */
function checkState(file: string, st: StudyState, inputs: number): void {
  if (!isObject(st)) throw new InputError(file, 'study', 'the study state (an object)', JSON.stringify(st));
  if (!Number.isSafeInteger(st.replications) || st.replications < 1 || st.replications > 10_000) throw new InputError(file, 'study.replications', 'a whole number from 1 to 10,000', JSON.stringify(st.replications));
  if (typeof st.name !== 'string' || !/^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/.test(st.name)) throw new InputError(file, 'study.name', 'a study name (letters, digits, _ . -)', JSON.stringify(st.name));
  if (typeof st.identity !== 'string' || st.identity === '') throw new InputError(file, 'study.identity', 'the study identity', JSON.stringify(st.identity));
  if (!Array.isArray(st.points) || st.points.length !== inputs) throw new InputError(file, 'study.points', `one entry per embedded input (${inputs})`, Array.isArray(st.points) ? String(st.points.length) : JSON.stringify(st.points));
  if (!Array.isArray(st.feature_sets) || st.feature_sets.length === 0 || st.feature_sets.some((f) => typeof f !== 'string')) throw new InputError(file, 'study.feature_sets', 'a non-empty list of feature sets', JSON.stringify(st.feature_sets));
  const sh = st.shard;
  if (sh !== null && sh !== undefined && !(isObject(sh) && Number.isSafeInteger(sh.count) && Number.isSafeInteger(sh.index) && sh.index >= 1 && sh.index <= sh.count)) throw new InputError(file, 'study.shard', 'null or a shard {index, count} with 1 ≤ index ≤ count', JSON.stringify(sh));
}

function studyOf(file: string, m: StudyManifest): StudyToRepeat {
  const state = m.study;
  if (!state || !Array.isArray(m.inputs) || !Array.isArray(m.workloads) || !Array.isArray(m.profiles)) {
    throw new InputError(file, 'inputs', "a study manifest with the inputs it ran on embedded (every point's scenario, its workloads and profile)", 'a manifest without them (written by an exitsim older than the rerun command)');
  }
  checkState(file, state, m.inputs.length);
  const workloads = m.workloads.map((w, i) => ({ file: w.file, workload: validate(Workload, w.workload, `${file} (workloads[${i}])`) }));
  const profiles = m.profiles.map((p, i) => ({ file: p.file, profile: validate(Profile, p.profile, `${file} (profiles[${i}])`) }));
  if (m.guest_oses !== undefined && !Array.isArray(m.guest_oses)) throw new InputError(file, 'guest_oses', 'a list of the embedded guest OS profiles', JSON.stringify(m.guest_oses));
  const guestOses = (m.guest_oses ?? []).map((g, i) => ({ file: String(g?.file), guestOs: validate(GuestOs, present(file, `guest_oses[${i}].guest_os`, g?.guest_os, 'guest OS profile'), `${file} (guest_oses[${i}])`) }));
  const points = m.inputs.map((p, index) => {
    const at = <T>(list: T[], k: number, field: string, listName = field.split('.')[1] ?? field) => {
      if (!(k >= 0 && k < list.length)) throw new InputError(file, field, list.length === 0 ? `no index: the manifest embeds no ${listName}` : `an index into ${listName} (0–${list.length - 1})`, String(k));
      return list[k];
    };
    const profile = at(profiles, p.profile, `inputs[${index}].profile`);
    return {
      index,
      values: p.values,
      resolved: {
        scenario: validate(Scenario, present(file, `inputs[${index}].scenario`, p.scenario, 'scenario'), `${file} (inputs[${index}].scenario)`),
        file: p.scenario_file,
        workloads: new Map(Object.entries(p.workloads).map(([key, k]) => [key, at(workloads, k, `inputs[${index}].workloads.${key}`)])),
        profile: profile.profile,
        profileFile: profile.file,
        ...(p.guest_oses !== undefined
          ? { guestOses: new Map(Object.entries(present(file, `inputs[${index}].guest_oses`, p.guest_oses, 'guest OS indexes') as Record<string, number>).map(([key, k]) => [key, at(guestOses, k, `inputs[${index}].guest_oses.${key}`)])) }
          : {}),
      },
    };
  });
  const featureSets = state.feature_sets.map((label, i) => features(file, `study.feature_sets[${i}]`, label));
  const spec: SweepFile = { name: state.name, base: {}, parameters: [], featureSets: state.feature_sets, replications: state.replications };
  return { kind: 'study', state, sweep: { spec, file: state.sweep_file, featureSets, points, identity: state.identity } };
}
