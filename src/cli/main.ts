// The command line (SPEC §8): turns argv and files into configuration, runs
// the simulation through the experiment layer, prints and writes results.
// Exit codes: 0 success, 2 bad input or usage, 1 runtime failure, 130 interrupted.
import path from 'node:path';
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { InputError, describeValue } from '../config/errors.js';
import { loadProfile, packageRoot, shippedProfileNames, shippedWorkloadNames, loadWorkload, looksLikeScenario, readDataFile, validate } from '../config/load.js';
import { DEFAULT_MSR_LISTS, Profile } from '../config/schema.js';
import { DECISION_TABLE } from '../exits/decision-table.js';
import { FEATURES, FEATURE_BIT, FeatureParseError, PRESETS, didYouMean, featureSetLabel, parseFeatureSet } from '../exits/features.js';
import { EXIT_REASON_NAMES, allExitReasonNames, exitReasonName, parseExitReason } from '../exits/reasons.js';
import { stageMeans, totalCycles } from '../exits/cost.js';
import { buildModel, checkFeaturesAgainstProfile, estimateGuestEvents } from '../model/build.js';
import { DEFAULT_HOST, resolveScenario, type ResolvedScenario, type ScenarioOverrides } from '../experiment/scenario.js';
import { runScenario } from '../experiment/runner.js';
import { writeResultFiles } from '../output/atomic.js';
import { writeRunFiles } from '../output/run-files.js';
import { formatCompare, formatRun, num, pct, table } from '../output/text.js';
import type { RunSummary } from '../metrics/summarize.js';
import { MICROBENCH_NOT_SIMULATED, runMicrobench } from '../validation/microbench.js';
import { PUBLISHED_MICRO } from '../validation/published.js';
import { sensitivity } from '../experiment/sensitivity.js';
import { renderSvg, tornadoSpec } from '../output/charts.js';
import { stringify } from 'csv-stringify/sync';
import { expandSweep, loadSweep, singlePointSweep, type ExpandedSweep } from '../experiment/sweep-spec.js';
import { parseShard, readRecords, readState, runStudy, type StudyRecord } from '../experiment/study.js';
import { mergeShards, writeMergedRuns } from '../experiment/merge.js';
import { studyCsvFiles, studyFigures, studyTables } from '../output/study-outputs.js';
import { progressReporter } from './progress.js';
import { readMeasurement } from '../import/detect.js';
import { deriveWorkload } from '../import/derive.js';
import { perfReport } from '../output/perf-report.js';
import { status as slurmStatus, submit as slurmSubmit } from '../cluster/slurm.js';
import { capacitySearch, parseSla, type CapacityResult } from '../experiment/capacity.js';
import { packageVersion } from '../output/manifest.js';

const CLI = 'command line';

/** Events per wall second the estimate assumes (a conservative figure from npm run bench). */
const ASSUMED_EVENTS_PER_SECOND = 1.5e6;
const WARN_EVENTS = 3e8;
const REFUSE_EVENTS = 2e10;

/**
 * Estimates a run's cost before anything starts: refuses one that would take
 * hours (unless --allow-long) and warns, with the estimate, about a long one.
 */
function checkCost(runs: Array<{ r: ResolvedScenario; sets: number[] }>, repeat: number, allowLong: boolean | undefined): void {
  let events = 0;
  for (const { r, sets } of runs) {
    for (const f of [0, ...sets]) {
      const model = buildModel({ scenario: r.scenario, scenarioFile: r.file, workloads: r.workloads, profile: r.profile, features: f, nativeMode: f === 0 });
      events += estimateGuestEvents(model) * repeat;
    }
  }
  const seconds = events / ASSUMED_EVENTS_PER_SECOND;
  const human = seconds < 120 ? `${seconds.toFixed(0)} s` : seconds < 7200 ? `${(seconds / 60).toFixed(0)} min` : `${(seconds / 3600).toFixed(1)} h`;
  if (events > REFUSE_EVENTS && !allowLong) {
    throw new InputError(CLI, '--duration', `a run of at most ~${(REFUSE_EVENTS / 1e9).toFixed(0)}e9 guest events (or --allow-long)`, `~${events.toExponential(1)} events, about ${human} of CPU time`, ' — shorten --duration, lower the rates, or use --aggregate');
  }
  if (events > WARN_EVENTS) process.stderr.write(`exitsim: warning: ~${events.toExponential(1)} guest events, about ${human} of CPU time (spread over the worker threads)\n`);
}

function intFlag(flag: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      throw new InputError(CLI, flag, `an integer ≥ ${min}`, describeValue(text));
    }
    return n;
  };
}

function secondsFlag(flag: string, allowZero: boolean) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
      throw new InputError(CLI, flag, `a ${allowZero ? 'non-negative' : 'positive'} number of seconds`, describeValue(text));
    }
    return n;
  };
}

function featuresFlag(text: string): number {
  try {
    return parseFeatureSet(text);
  } catch (err) {
    if (err instanceof FeatureParseError) {
      throw new InputError(CLI, '--features', `feature names or presets (${[...Object.keys(PRESETS), ...FEATURES.map(([n]) => n)].join(', ')})`, `'${err.found}'`, err.hint);
    }
    throw err;
  }
}

interface CommonOptions {
  features?: string[];
  profile?: string;
  pcpus?: number;
  vms?: number;
  vcpus?: number;
  scheduler?: 'pinned' | 'round-robin' | 'fair';
  duration?: number;
  warmup?: number;
  seed?: number;
  hostTick?: number;
  json?: boolean;
  csv?: string;
  force?: boolean;
  quick?: boolean;
  workers?: number;
  replications?: number;
  aggregate?: boolean;
  allowLong?: boolean;
}

function addCommon(cmd: Command, multiFeatures: boolean): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  return cmd
    .option('--features <list>', multiFeatures ? 'a feature set; repeat for each set to compare (the first is the baseline)' : 'feature names and/or presets, comma-separated', collect)
    .option('--profile <name>', 'CPU profile (exitsim list profiles)')
    .option('--pcpus <n>', 'host pCPUs', intFlag('--pcpus', 1))
    .option('--vms <n>', 'VMs of the workload', intFlag('--vms', 1))
    .option('--vcpus <n>', 'vCPUs per VM', intFlag('--vcpus', 1))
    .addOption(new Option('--scheduler <policy>', 'host scheduler').choices(['pinned', 'round-robin', 'fair']))
    .option('--duration <seconds>', 'simulated seconds (after warm-up)', secondsFlag('--duration', false))
    .option('--warmup <seconds>', 'simulated warm-up seconds, discarded', secondsFlag('--warmup', true))
    .option('--seed <n>', 'random seed', intFlag('--seed', 0))
    .option('--host-tick <hz>', 'host timer tick (0 = none)', intFlag('--host-tick', 0))
    .option('--quick', 'a short run for smoke tests (0.1 s)')
    .option('--workers <n>', 'worker threads', intFlag('--workers', 1))
    .option('--replications <n>', 'independent seeds (seed, seed+1, …); figures get a mean and a 95% CI', intFlag('--replications', 1))
    .option('--aggregate', 'aggregated fast mode: batch non-interacting guest events (exact is the default)')
    .option('--allow-long', 'run even when the cost estimate says hours')
    .option('--json', 'print a machine-readable summary on stdout (nothing else)')
    .option('--csv <dir>', 'write runs.csv, vms.csv, exits.csv and manifest.json to DIR')
    .option('--force', 'replace results already in the --csv folder');
}

function overrides(o: CommonOptions): ScenarioOverrides {
  return {
    pcpus: o.pcpus,
    vms: o.vms,
    vcpus: o.vcpus,
    profile: o.profile,
    scheduler: o.scheduler,
    durationSec: o.quick ? 0.1 : o.duration,
    warmupSec: o.quick ? 0.01 : o.warmup,
    seed: o.seed,
    hostTickHz: o.hostTick,
  };
}

function resolve(file: string, o: CommonOptions): ResolvedScenario {
  const r = resolveScenario(file, overrides(o));
  return r;
}

function featureSetsOf(o: CommonOptions, r: ResolvedScenario, fallback: string[]): number[] {
  const fromFlags = Boolean(o.features && o.features.length > 0);
  const texts = fromFlags ? (o.features as string[]) : fallback;
  const sets = texts.map(featuresFlag);
  // A feature the CPU lacks is the flag's fault, or the scenario file's.
  for (const s of sets) checkFeaturesAgainstProfile(s, r.profile, fromFlags ? CLI : r.file);
  return sets;
}

function jsonSummary(runs: RunSummary[]): string {
  return JSON.stringify(runs.length === 1 ? runs[0] : { baseline: runs[0].features, runs }, null, 2) + '\n';
}

async function runCommand(file: string, o: CommonOptions, compare: boolean): Promise<void> {
  const startedAt = new Date();
  const r = resolve(file, o);
  if (!compare && o.features && o.features.length > 1) {
    throw new InputError(CLI, '--features', 'one feature set for run (use compare for several)', `${o.features.length} sets`);
  }
  const fallback = compare ? ['none', 'modern'] : [r.scenario.features];
  const sets = featureSetsOf(o, r, fallback);
  checkCost([{ r, sets }], o.replications ?? 1, o.allowLong);
  if ((o.replications ?? 1) > 1) {
    await replicatedCommand(singlePointSweep(r, sets), o, compare);
    return;
  }
  if (o.csv) checkCsvTarget(o.csv, o.force ?? false);
  const result = await runScenario(r, sets, { workers: o.workers, aggregate: o.aggregate });
  const runs = result.summaries;
  if (o.csv) {
    const written = writeRunFiles(o.csv, [r], runs, startedAt, o.force ?? false);
    if (!o.json) process.stdout.write(`wrote ${written.join(', ')}\n`);
  }
  if (o.json) {
    process.stdout.write(jsonSummary(runs));
    return;
  }
  process.stdout.write((compare ? formatCompare(runs) : formatRun(runs[0])) + '\n');
}

/** Refuses an output folder with earlier results before any simulation runs. */
function checkCsvTarget(dir: string, force: boolean, names = ['runs.csv', 'vms.csv', 'exits.csv', 'manifest.json']): void {
  if (force) return;
  for (const name of names) {
    if (fs.existsSync(path.join(dir, name))) {
      throw new InputError(dir, '--csv', 'a folder without earlier results (or --force to replace them)', `an existing ${name}`);
    }
  }
}

function explainCommand(reasonText: string, o: { profile?: string; features?: string[]; json?: boolean }): void {
  const reason = parseExitReason(reasonText);
  if (reason === undefined) {
    throw new InputError(CLI, 'EXIT_REASON', 'an exit reason name, alias or number (exitsim list exit-reasons)', describeValue(reasonText), didYouMean(reasonText.toUpperCase(), allExitReasonNames()));
  }
  const name = exitReasonName(reason);
  const profile: Profile = loadProfile(o.profile ?? 'sapphire-rapids').profile;
  const features = featuresFlag((o.features ?? ['modern']).join(','));
  checkFeaturesAgainstProfile(features, profile, CLI);
  const rules = DECISION_TABLE.filter((rule) => rule.exits.some((e) => e.reason === name));
  const enabled = (rule: (typeof rules)[number]) =>
    !rule.when?.features || Object.entries(rule.when.features).every(([f, want]) => ((features & FEATURE_BIT[f as keyof typeof FEATURE_BIT]) !== 0) === want);
  const rule = rules.find(enabled) ?? rules[0];
  const spec = rule?.exits.find((e) => e.reason === name);
  const handler = spec?.handler ?? 'raw-exit';
  const location = spec?.location ?? 'kernel';
  const b = stageMeans(profile, DEFAULT_MSR_LISTS, handler, location);
  const total = totalCycles(b);
  const ghz = profile.frequencyGHz.value;
  const ns = (c: number) => (c / ghz).toFixed(1);
  const rows: Array<[string, number, string]> = [
    ['1 record exit information (exit reason, qualification)', b.recordExitInfo, 'SDM §28.2'],
    ['2 save guest state (CRs, DRs, segments, RIP/RSP/RFLAGS)', b.saveGuestState, 'SDM §28.3'],
    [`3 VM-exit MSR-store area (${DEFAULT_MSR_LISTS.exitStore} MSRs)`, b.msrStore, 'SDM §28.4'],
    ['4 load host state', b.loadHostState, 'SDM §28.5'],
    [`5 VM-exit MSR-load area (${DEFAULT_MSR_LISTS.exitLoad} MSRs)`, b.msrLoad, 'SDM §28.6'],
    [location === 'user' ? `handler '${handler}' in user space (+ kernel↔user round trip)` : `handler '${handler}' in the kernel`, b.handlerKernel + b.handlerUser, 'profile handlerCycles'],
    [`VM entry (checks, guest state, ${DEFAULT_MSR_LISTS.entryLoad} MSR loads)`, b.entry, 'SDM ch. 27'],
  ];
  if (o.json) {
    process.stdout.write(JSON.stringify({ exit_reason: name, number: reason, profile: profile.name, features: featureSetLabel(features), handler, location, stages: Object.fromEntries(rows.map(([k, c]) => [k, c])), total_cycles: total }, null, 2) + '\n');
    return;
  }
  const out = [
    `${name} (basic exit reason ${reason}) on ${profile.name} (${profile.generation}, ${ghz} GHz), features ${featureSetLabel(features)}`,
    rule ? `caused by guest event '${rule.event}': ${rule.why}${enabled(rule) ? '' : ' — note: with these features this exit does not happen; shown as it would be'}` : 'no decision-table rule produces it: it reaches the engine only from imported workloads (raw exits)',
    '',
    table(['stage', 'cycles', 'ns', 'share', 'what'], [...rows.map(([k, c, src]) => [k, c, ns(c), pct(c / total), src]), ['round trip', total, ns(total), '100.00%', '']]),
    '',
    `Means of lognormal draws (stage CV ${profile.stageCv.value}, handler CV ${profile.handlerCv.value}). Calibration: ${profile.calibration.target} = ${profile.calibration.cycles} cycles (${profile.calibration.source}).`,
  ];
  process.stdout.write(out.join('\n') + '\n');
}

function listCommand(what: string): void {
  switch (what) {
    case 'workloads':
      process.stdout.write(
        table(['workload', 'kind', 'description'], shippedWorkloadNames().map((n) => {
          const w = loadWorkload(n).workload;
          return [n, w.kind, w.description];
        })) + '\n',
      );
      return;
    case 'profiles':
      process.stdout.write(
        table(['profile', 'generation', 'launch', 'GHz', 'calibrated to', 'features it lacks'], shippedProfileNames().map((n) => {
          const p = loadProfile(n).profile;
          const lacks = (['ept', 'vpid', 'apicv', 'ipiv', 'ple'] as const).filter((c) => !p.capabilities[c]);
          return [n, p.generation, p.launch, p.frequencyGHz.value, `${p.calibration.target} ${p.calibration.cycles}`, lacks.join(',') || '-'];
        })) + '\n',
      );
      return;
    case 'features':
      process.stdout.write(table(['feature', 'what it does'], FEATURES.map(([n, d]) => [n, d])) + '\n\n');
      process.stdout.write(table(['preset', 'features'], Object.entries(PRESETS).map(([n, p]) => [n, p.features.join(',') || '(none)'])) + '\n');
      return;
    case 'exit-reasons':
      process.stdout.write(table(['#', 'exit reason'], EXIT_REASON_NAMES.map(([n, s]) => [String(n), s]), 0) + '\n');
      return;
    default:
      throw new InputError(CLI, 'list', 'one of workloads, profiles, features, exit-reasons', describeValue(what), didYouMean(what, ['workloads', 'profiles', 'features', 'exit-reasons']));
  }
}

const STUDY_PRESETS = ['none', 'nehalem', 'modern'];

async function studyCommand(o: { quick?: boolean; workers?: number; out?: string; replications?: number }): Promise<void> {
  const startedAt = new Date();
  const names = shippedWorkloadNames();
  const sweep = expandSweep(
    {
      name: 'default-study',
      base: {
        name: 'default-study',
        host: { pcpus: DEFAULT_HOST.pcpus, profile: DEFAULT_HOST.profile, scheduler: DEFAULT_HOST.scheduler },
        vms: [{ workload: names[0], vcpus: DEFAULT_HOST.vcpus, count: DEFAULT_HOST.vms }],
        durationSec: o.quick ? 0.1 : DEFAULT_HOST.durationSec,
        warmupSec: o.quick ? 0.01 : DEFAULT_HOST.warmupSec,
      },
      parameters: [{ path: 'vms[0].workload', values: names }],
      featureSets: STUDY_PRESETS,
      replications: o.replications ?? 1,
    },
    'default study',
  );
  const base = sweep.points[0].resolved.scenario;
  process.stdout.write(
    `Default study: every shipped workload on the default host (${base.host.pcpus} pCPUs, ${base.host.profile}, ${base.host.scheduler}, ` +
      `${base.vms[0].count} VMs × ${base.vms[0].vcpus} vCPUs), ${base.durationSec} s simulated after ${base.warmupSec} s warm-up, presets ${STUDY_PRESETS.join(' / ')}; baseline none` +
      `${(o.replications ?? 1) > 1 ? `; ${o.replications} replications, mean ± 95% CI` : ''}.\n\n`,
  );
  const dir = o.out ?? path.join(packageRoot(), 'results', 'default-study');
  // The default study owns its folder and replaces it each time (SPEC §8).
  fs.rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  const res = await runStudy(sweep, { outDir: dir, workers: o.workers, force: true, replications: o.replications ?? 1, onProgress: progressReporter('default study') });
  const labels = sweep.featureSets.map(featureSetLabel);
  const t = studyTables(res.records, labels);
  const eff = (e: { mean: number | null; ci95: number | null }) => (e.mean === null ? 'n/a' : `${(e.mean * 100).toFixed(2)}%${e.ci95 === null ? '' : ` ± ${(e.ci95 * 100).toFixed(2)}`}`);
  const rows = sweep.points.map((p) => {
    const rows = t.summary.filter((x) => x.point === p.index);
    const cmp = t.comparisons.find((x) => x.point === p.index && x.features === labels[labels.length - 1]);
    const last = res.records.find((r) => r.point === p.index)!.summaries[labels.length - 1];
    const top = Object.entries(last.total.exits).sort((a, b) => b[1].count - a[1].count).slice(0, 3).map(([k, e]) => `${k} ${num(e.rate_per_s, 0)}/s`);
    return [String(p.values['vms[0].workload']), ...rows.map((x) => eff(x.efficiency)), cmp?.efficiency_diff_pct.mean == null ? 'n/a' : `${cmp.efficiency_diff_pct.mean >= 0 ? '+' : ''}${cmp.efficiency_diff_pct.mean.toFixed(1)}%`, top.join(', ')];
  });
  const text = table(['workload', ...STUDY_PRESETS.map((p) => `${p} eff.`), `${STUDY_PRESETS[2]} vs ${STUDY_PRESETS[0]}`, `top exits under ${STUDY_PRESETS[2]}`], rows);
  const wall = (Date.now() - t0) / 1000;
  process.stdout.write(text + '\n\nefficiency = bare-metal cycles per unit ÷ virtualized host cycles per unit (SPEC §10)\n');
  const written = await finishStudy(dir, sweep, res.records, labels, paramsOf(sweep), 'default study', startedAt);
  fs.writeFileSync(path.join(dir, '.summary.txt.tmp'), text + '\n');
  fs.renameSync(path.join(dir, '.summary.txt.tmp'), path.join(dir, 'summary.txt'));
  process.stdout.write(`\n${res.records.length * labels.length} runs, ${res.guestEvents.toLocaleString('en-US')} guest events in ${wall.toFixed(1)} s wall; wrote ${[...written, path.join(dir, 'summary.txt')].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}

function microbenchCommand(o: { profile: string; features?: string[]; json?: boolean; csv?: string; force?: boolean }): void {
  const profile = loadProfile(o.profile).profile;
  const features = featuresFlag((o.features ?? ['modern']).join(','));
  checkFeaturesAgainstProfile(features, profile, CLI);
  if (o.csv) checkCsvTarget(o.csv, o.force ?? false, ['microbench.csv']);
  const rows = runMicrobench(profile, features).map((r) => {
    const pub = PUBLISHED_MICRO.filter((p) => p.test === r.test && p.profile === profile.name);
    return { ...r, published: pub.map((p) => `${p.published} (${p.source.split(',')[0]})`).join('; ') };
  });
  if (o.csv) {
    const csv = stringify([
      ['test', 'cycles_per_iteration', 'exits_per_iteration', 'exit_reasons', 'published_cycles_per_iteration', 'profile', 'features'],
      ...rows.map((r) => [r.test, r.cycles_per_iteration, r.exits_per_iteration, r.exit_reasons, r.published, profile.name, featureSetLabel(features)]),
    ], { record_delimiter: '\n' });
    writeResultFiles(o.csv, { 'microbench.csv': csv }, { force: o.force ?? false });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ profile: profile.name, features: featureSetLabel(features), tests: rows }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`kvm-unit-tests vmexit, simulated on ${profile.name} (${profile.generation}), features ${featureSetLabel(features)}; cycles per iteration\n\n`);
  process.stdout.write(table(['test', 'cycles', 'exits', 'exit reasons', 'published (same profile)'], rows.map((r) => [r.test, r.cycles_per_iteration, r.exits_per_iteration, r.exit_reasons, r.published || '-'])) + '\n\n');
  process.stdout.write(`not simulated: ${MICROBENCH_NOT_SIMULATED.map(([t]) => t).join(', ')} (see docs/validation.md)\n`);
}

async function sensitivityCommand(file: string, o: CommonOptions & { delta: number; out?: string }): Promise<void> {
  const r = resolve(file, o);
  const [features] = featureSetsOf(o, r, [r.scenario.features]);
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['sensitivity.csv', 'tornado.svg']);
  const rows = await sensitivity(r, features, o.delta, { workers: o.workers });
  const title = `${r.scenario.name}, ${r.profile.name}, ${featureSetLabel(features)}: efficiency at ±${o.delta}%`;
  if (o.out) {
    const csv = stringify([
      ['parameter', 'efficiency_minus', 'efficiency_base', 'efficiency_plus', 'swing_pp', 'delta_pct'],
      ...rows.map((x) => [x.parameter, x.efficiency_minus ?? '', x.efficiency_base ?? '', x.efficiency_plus ?? '', x.swing_pp, o.delta]),
    ], { record_delimiter: '\n' });
    const svg = await renderSvg(tornadoSpec(rows, title, o.delta));
    writeResultFiles(o.out, { 'sensitivity.csv': csv, 'tornado.svg': svg }, { force: o.force ?? false });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ scenario: r.scenario.name, delta_pct: o.delta, rows }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`${title} (one parameter at a time, same seed), ranked by swing\n\n`);
  const shown = rows.filter((x) => x.swing_pp > 0).slice(0, 25);
  const maxSwing = Math.max(...shown.map((x) => x.swing_pp), 1e-9);
  process.stdout.write(
    table(['parameter', `−${o.delta}%`, 'base', `+${o.delta}%`, 'swing (pp)', ''], shown.map((x) => [
      x.parameter, pct(x.efficiency_minus), pct(x.efficiency_base), pct(x.efficiency_plus), x.swing_pp.toFixed(3), '#'.repeat(Math.max(1, Math.round((x.swing_pp / maxSwing) * 30))),
    ])) + '\n',
  );
  const none = rows.length - shown.length;
  if (none > 0) process.stdout.write(`\n${none} parameters moved efficiency by less than 0.0001 pp\n`);
  if (o.out) process.stdout.write(`wrote ${path.join(o.out, 'sensitivity.csv')}, ${path.join(o.out, 'tornado.svg')}\n`);
}

/** Writes a finished study's CSV, figures and manifest into its own folder (atomically, replacing its earlier outputs). */
async function finishStudy(dir: string, sweep: ExpandedSweep | undefined, records: StudyRecord[], labels: string[], params: string[], name: string, startedAt: Date, extra: Record<string, unknown> = {}): Promise<string[]> {
  const files: Record<string, string> = { ...studyCsvFiles(records, labels, params), ...(await studyFigures(records, labels, params, name)) };
  const inputs = sweep
    ? sweep.points.map((p) => ({ values: p.values, scenario: p.resolved.scenario, profile: p.resolved.profile.name, workloads: [...p.resolved.workloads.values()].map((w) => ({ file: w.file, workload: w.workload })) }))
    : undefined;
  files['manifest.json'] = JSON.stringify({
    tool: 'exitsim', version: packageVersion(), node: process.version, command_line: process.argv.slice(1),
    started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), study: readState(dir), seeds: records.map((r) => ({ key: r.key, seed: r.seed })),
    profiles: sweep ? Object.fromEntries(sweep.points.map((p) => [p.resolved.profile.name, p.resolved.profile])) : undefined,
    inputs, ...extra,
  }, null, 2) + '\n';
  return writeResultFiles(dir, files, { force: true });
}

function paramsOf(sweep: ExpandedSweep): string[] {
  return sweep.spec.parameters.map((p) => p.path);
}

async function replicatedCommand(sweep: ExpandedSweep, o: CommonOptions, compare: boolean): Promise<void> {
  const startedAt = new Date();
  const labels = sweep.featureSets.map(featureSetLabel);
  const res = await runStudy(sweep, { outDir: o.csv, workers: o.workers, force: o.force, replications: o.replications ?? 1, aggregate: o.aggregate, onProgress: o.json ? undefined : progressReporter(sweep.spec.name) });
  const t = studyTables(res.records, labels);
  if (o.csv) await finishStudy(o.csv, sweep, res.records, labels, [], sweep.spec.name, startedAt);
  if (o.json) {
    process.stdout.write(JSON.stringify({ baseline: labels[0], replications: o.replications, summary: t.summary, comparisons: t.comparisons }, null, 2) + '\n');
    return;
  }
  const ci = (e: { mean: number | null; ci95: number | null }, scale = 100, digits = 2) =>
    e.mean === null ? 'n/a' : `${(e.mean * scale).toFixed(digits)} ± ${e.ci95 === null ? '?' : (e.ci95 * scale).toFixed(digits)}`;
  const rows = t.summary.map((s) => {
    const c = t.comparisons.find((x) => x.features === s.features);
    return [s.features + (s.features === labels[0] ? ' (baseline)' : ''), `${ci(s.efficiency)}%`, c ? `${ci(c.efficiency_diff_pct, 1)}%` : '', ci(s.throughput_units_per_s, 1, 1), ci(s.exits_per_s, 1, 0)];
  });
  const r0 = sweep.points[0].resolved;
  process.stdout.write(
    `${r0.scenario.name} — profile ${r0.profile.name}, ${o.replications} replications (seeds ${r0.scenario.seed}…${r0.scenario.seed + (o.replications ?? 1) - 1}), ${r0.scenario.durationSec} s simulated after ${r0.scenario.warmupSec} s warm-up; ` +
      `mean ± 95% CI (Student t)${compare ? `; Δ is the paired difference against ${labels[0]} (common random numbers)` : ''}\n\n` +
      table(['features', 'efficiency', compare ? 'Δ efficiency vs baseline' : '', 'units/s', 'exits/s'], rows) + '\n',
  );
  if (o.csv) process.stdout.write(`\n${res.skipped} jobs reused, ${res.ran} run; wrote ${o.csv}\n`);
}

async function sweepCommand(file: string, o: { workers?: number; shard?: string; out?: string; replications?: number; force?: boolean; json?: boolean; allowLong?: boolean }): Promise<void> {
  const startedAt = new Date();
  const sweep = loadSweep(file);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  checkCost(sweep.points.map((p) => ({ r: p.resolved, sets: sweep.featureSets })), (o.replications ?? sweep.spec.replications) / (shard?.count ?? 1), o.allowLong);
  const replications = o.replications ?? sweep.spec.replications;
  const out = o.out ?? path.join('results', shard ? `${sweep.spec.name}.shard-${shard.index}-of-${shard.count}` : sweep.spec.name);
  const labels = sweep.featureSets.map(featureSetLabel);
  const res = await runStudy(sweep, { outDir: out, workers: o.workers, shard, force: o.force, replications, onProgress: progressReporter(`${sweep.spec.name}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`) });
  const written = await finishStudy(out, sweep, res.records, labels, paramsOf(sweep), sweep.spec.name, startedAt, shard ? { shard } : {});
  const t = studyTables(res.records, labels);
  if (o.json) {
    process.stdout.write(JSON.stringify({ name: sweep.spec.name, identity: sweep.identity, out, ran: res.ran, reused: res.skipped, summary: t.summary, comparisons: t.comparisons }, null, 2) + '\n');
    return;
  }
  const params = paramsOf(sweep);
  const show = t.summary.slice(0, 40);
  process.stdout.write(
    `${sweep.spec.name}: ${sweep.points.length} points × ${labels.length} feature sets × ${replications} replications${shard ? `, shard ${shard.index}/${shard.count}` : ''}; ${res.ran} jobs run, ${res.skipped} reused\n\n` +
      table([...params, 'features', 'efficiency (mean ± 95% CI)', 'units/s'], show.map((s) => [
        ...params.map((p) => String(s.values[p])), s.features,
        s.efficiency.mean === null ? 'n/a' : `${(s.efficiency.mean * 100).toFixed(2)}%${s.efficiency.ci95 === null ? '' : ` ± ${(s.efficiency.ci95 * 100).toFixed(2)}`}`,
        num(s.throughput_units_per_s.mean),
      ]), params.length + 1) +
      (t.summary.length > show.length ? `\n… ${t.summary.length - show.length} more rows in summary.csv` : '') +
      `\n\nwrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`,
  );
}

async function mergeCommand(dirs: string[], o: { out: string; force?: boolean }): Promise<void> {
  const startedAt = new Date();
  const merged = mergeShards(dirs);
  writeMergedRuns(o.out, merged, o.force ?? false);
  const params = merged.state.points.length > 0 ? Object.keys(merged.state.points[0]) : [];
  const records = [...readRecords(o.out).values()];
  const written = await finishStudy(o.out, undefined, records, merged.state.feature_sets, params, merged.state.name, startedAt, { merged_from: dirs });
  process.stdout.write(`merged ${dirs.length} shard(s) of ${merged.state.name} (${records.length} jobs); wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}

async function capacityCommand(file: string, o: CommonOptions & { sla: string[]; vary: 'vms' | 'vcpus'; max: number }): Promise<void> {
  const r = resolve(file, o);
  const slas = (o.sla ?? []).map(parseSla);
  if (slas.length === 0) throw new InputError(CLI, '--sla', 'at least one SLA, e.g. --sla "efficiency>=0.9"', 'none');
  const sets = featureSetsOf(o, r, [r.scenario.features]);
  if (o.csv) checkCsvTarget(o.csv, o.force ?? false, ['capacity.csv']);
  const results: CapacityResult[] = sets.map((f) => capacitySearch(r, f, slas, { vary: o.vary, max: o.max, replications: o.replications ?? 3 }));
  if (o.csv) {
    const header = ['features', 'vary', 'n', 'replications', 'fits', 'failed', ...slas.map((x) => `${x.metric}_worst_vm_mean`), 'max_fitting'];
    const rows = results.flatMap((c) => c.evaluations.map((e) => [c.features, c.vary, e.n, e.replications, e.fits, e.failed, ...slas.map((x) => e.metrics[x.metric] ?? ''), c.max]));
    writeResultFiles(o.csv, { 'capacity.csv': stringify([header, ...rows], { record_delimiter: '\n' }) }, { force: o.force ?? false });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ scenario: r.scenario.name, slas: slas.map((x) => x.text), results }, null, 2) + '\n');
    return;
  }
  const wname = r.workloads.get(r.scenario.vms[0].workload)?.workload.name ?? r.scenario.vms[0].workload;
  const what = o.vary === 'vms' ? `VMs of ${wname} (${r.scenario.vms[0].vcpus} vCPUs each)` : `vCPUs per VM`;
  process.stdout.write(
    `Capacity of ${r.scenario.host.pcpus} pCPUs (${r.profile.name}, ${r.scenario.host.scheduler}): most ${what} with every VM meeting ${slas.map((x) => x.text).join(' and ')}; ` +
      `worst VM's mean over ${o.replications ?? 3} replications, boundary re-checked with ${(o.replications ?? 3) * 2}\n\n` +
      table(['features', `max ${o.vary}`, ...slas.map((x) => `${x.metric} at max`), 'first failure above max'], results.map((c) => {
        const above = c.evaluations.filter((e) => e.n === c.max + 1).pop();
        return [c.features, c.max, ...slas.map((x) => (c.atMax?.metrics[x.metric] === undefined || c.atMax?.metrics[x.metric] === null ? 'n/a' : Number((c.atMax.metrics[x.metric] as number).toPrecision(4)))), above ? `${above.n}: ${above.failed}` : c.max >= o.max ? `reached --max ${o.max}` : ''];
      })) + '\n',
  );
}

async function tuiCommand(file: string, o: CommonOptions & { speed?: number; plain?: boolean }): Promise<void> {
  const r = resolve(file, o);
  const sets = featureSetsOf(o, r, [r.scenario.features]);
  const total = r.scenario.durationSec + r.scenario.warmupSec;
  // By default a run takes about 20 s of wall time, slow enough to watch.
  const speed = o.speed ?? total / 20;
  const { runPlain, runTui } = await import('../tui/run.js');
  const opts = { resolved: r, featureSets: sets, speed, resultsDir: path.join(packageRoot(), 'results') };
  // Keys need a terminal on stdin too; without one (a pipe, CI) print plain lines.
  if (o.plain || !process.stdout.isTTY || !process.stdin.isTTY || process.env.CI === 'true') await runPlain({ ...opts, speed: o.speed ?? 0 });
  else await runTui(opts);
}

function importCommand(file: string, o: { output: string; features?: string[]; profile?: string; duration?: number; vcpus?: number; base?: string; unobserved?: string; table?: number; busyFraction?: number; apicMode?: 'xapic' | 'x2apic'; hostTick?: number; name?: string; force?: boolean; json?: boolean }): void {
  const m = readMeasurement(file, o.table);
  const profile = loadProfile(o.profile ?? 'sapphire-rapids').profile;
  const features = featuresFlag((o.features ?? ['modern']).join(','));
  checkFeaturesAgainstProfile(features, profile, CLI);
  if (o.unobserved !== undefined && o.unobserved !== 'zero') throw new InputError(CLI, '--unobserved', "'zero'", describeValue(o.unobserved));
  const name = o.name ?? path.basename(o.output).replace(/\.(json|ya?ml)$/, '');
  const d = deriveWorkload(m, {
    name, features, profile, durationSec: o.duration, vcpus: o.vcpus, base: o.base ? loadWorkload(o.base).workload : undefined,
    unobserved: o.unobserved as 'zero' | undefined, busyFraction: o.busyFraction, apicMode: o.apicMode, hostTickHz: o.hostTick,
  });
  if (fs.existsSync(o.output) && !o.force) throw new InputError(o.output, '-o', 'a new file (or --force to replace it)', 'an existing file');
  writeResultFiles(path.dirname(path.resolve(o.output)), { [path.basename(o.output)]: JSON.stringify(d.workload, null, 2) + '\n' }, { force: true });
  if (o.json) {
    process.stdout.write(JSON.stringify({ file: o.output, format: m.format, workload: d.workload, notes: d.notes, unobservable: d.unobservable }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`imported ${m.format} from ${file}${m.tables > 1 ? ` (table ${m.table} of ${m.tables})` : ''}: ${m.exits.length} exit reasons → ${o.output} (${d.workload.kind} workload, ${d.workload.events.length} events)\n`);
  for (const n of d.notes) process.stdout.write(`  note: ${n}\n`);
}

/** `exitsim validate`: checks any input file — workload, scenario, sweep, CPU profile or measurement — without running it. */
function validateCommand(file: string): void {
  const isData = /\.(json|ya?ml)$/i.test(file);
  if (!isData) {
    if (!fs.existsSync(file)) {
      const r = resolveScenario(file, {}); // a shipped workload name
      process.stdout.write(`${file}: valid workload (${r.file})\n`);
      return;
    }
    const m = readMeasurement(file);
    process.stdout.write(`${file}: valid ${m.format} measurement (${m.exits.length} exit reasons${m.tables > 1 ? `, ${m.tables} tables` : ''})\n`);
    return;
  }
  const data = readDataFile(file) as Record<string, unknown>;
  if (data && typeof data === 'object' && 'featureSets' in data && 'base' in data) {
    const sweep = loadSweep(file);
    process.stdout.write(`${file}: valid sweep (${sweep.points.length} points × ${sweep.featureSets.length} feature sets × ${sweep.spec.replications} replications)\n`);
    return;
  }
  if (data && typeof data === 'object' && 'stages' in data && 'calibration' in data) {
    const p = validate(Profile, data, file);
    process.stdout.write(`${file}: valid CPU profile (${p.generation})\n`);
    return;
  }
  const r = resolveScenario(file, {});
  for (const f of [r.scenario.features]) checkFeaturesAgainstProfile(parseFeatureSet(f), r.profile, r.file);
  buildModel({ scenario: r.scenario, scenarioFile: r.file, workloads: r.workloads, profile: r.profile, features: parseFeatureSet(r.scenario.features), nativeMode: false });
  process.stdout.write(`${file}: valid ${looksLikeScenario(data) ? 'scenario' : 'workload'} (${r.scenario.vms.length} VM placement(s), profile ${r.profile.name})\n`);
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('exitsim')
    .description('Discrete-event simulator of hardware-virtualization (VT-x) exit overhead')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  addCommon(program.command('run').argument('<workload-or-scenario>').description('run one scenario and print a summary'), false).action(async (file: string, o: CommonOptions) => runCommand(file, o, false));
  addCommon(program.command('compare').argument('<workload-or-scenario>').description('the same scenario under several feature sets (baseline = the first)'), true).action(async (file: string, o: CommonOptions) => runCommand(file, o, true));
  program
    .command('explain')
    .argument('<EXIT_REASON>')
    .description('one exit of that reason, stage by stage, with cycles')
    .option('--profile <name>', 'CPU profile', 'sapphire-rapids')
    .option('--features <list>', 'feature set', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'machine-readable output')
    .action((reason: string, o: { profile?: string; features?: string[]; json?: boolean }) => explainCommand(reason, o));
  program.command('list').argument('<what>', 'workloads | profiles | features | exit-reasons').description('what is available').action((what: string) => listCommand(what));
  program
    .command('study')
    .description('the default study: every shipped workload across presets none / nehalem / modern (npm start)')
    .option('--quick', 'short runs')
    .option('--workers <n>', 'worker threads', intFlag('--workers', 1))
    .option('--out <dir>', 'output folder (default results/default-study, replaced each time)')
    .option('--replications <n>', 'independent seeds per run', intFlag('--replications', 1))
    .action(async (o: { quick?: boolean; workers?: number; out?: string; replications?: number }) => studyCommand(o));
  program
    .command('microbench')
    .description('kvm-unit-tests vmexit tests simulated: cycles per iteration, with published figures beside')
    .option('--profile <name>', 'CPU profile', 'sapphire-rapids')
    .option('--features <list>', 'feature set (default modern)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'machine-readable output')
    .option('--csv <dir>', 'write microbench.csv to DIR')
    .option('--force', 'replace an existing microbench.csv')
    .action((o: { profile: string; features?: string[]; json?: boolean; csv?: string; force?: boolean }) => microbenchCommand(o));
  addCommon(program.command('sensitivity').argument('<workload-or-scenario>').description('perturb every cost and rate ±x% and rank them by their effect on efficiency'), false)
    .option('--delta <pct>', 'perturbation in percent', (t: string) => {
      const n = Number(t);
      if (!Number.isFinite(n) || n <= 0 || n >= 100) throw new InputError(CLI, '--delta', 'a percentage between 0 and 100', describeValue(t));
      return n;
    }, 20)
    .option('--out <dir>', 'write sensitivity.csv and tornado.svg to DIR')
    .action(async (file: string, o: CommonOptions & { delta: number; out?: string }) => sensitivityCommand(file, o));
  program
    .command('sweep')
    .argument('<sweep-file>')
    .description('a parameter sweep on every core: resumable, shardable, byte-identical CSV for any worker count')
    .option('--workers <n>', 'worker threads (default: all cores)', intFlag('--workers', 1))
    .option('--shard <i/N>', 'run only the i-th of N deterministic slices')
    .option('--out <dir>', 'output folder (default results/<name>)')
    .option('--replications <n>', 'replications (default: the sweep file\'s); raising it adds runs to an earlier study', intFlag('--replications', 1))
    .option('--force', 'replace a different study in the output folder')
    .option('--json', 'machine-readable summary on stdout')
    .option('--allow-long', 'run even when the cost estimate says hours')
    .action(async (file: string, o: { workers?: number; shard?: string; out?: string; replications?: number; force?: boolean; json?: boolean; allowLong?: boolean }) => sweepCommand(file, o));
  program
    .command('merge')
    .argument('<dirs...>')
    .description('join the shard folders of one sweep (refuses mixed sweeps, duplicates and gaps)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--force', 'replace files in the output folder')
    .action(async (dirs: string[], o: { out: string; force?: boolean }) => mergeCommand(dirs, o));
  addCommon(program.command('capacity').argument('<workload-or-scenario>').description('the most VMs (or vCPUs) a host takes while every VM keeps an SLA, per feature set'), true)
    .option('--sla <condition>', 'e.g. "efficiency>=0.9" or "p99_latency_us<=500"; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--vary <what>', 'what grows').choices(['vms', 'vcpus']).default('vms'))
    .option('--max <n>', 'largest count to try', intFlag('--max', 1), 64)
    .action(async (file: string, o: CommonOptions & { sla: string[]; vary: 'vms' | 'vcpus'; max: number }) => capacityCommand(file, o));
  addCommon(program.command('tui').argument('<workload-or-scenario>').description('watch a run live; several --features run side by side (paired)'), true)
    .option('--speed <sim-s-per-s>', 'simulated seconds per wall second (0 = as fast as possible; default: the run takes ~20 s)', (t: string) => {
      const n = Number(t);
      if (!Number.isFinite(n) || n < 0) throw new InputError(CLI, '--speed', 'a non-negative number', describeValue(t));
      return n;
    })
    .option('--plain', 'plain progress lines instead of the full-screen view')
    .action(async (file: string, o: CommonOptions & { speed?: number; plain?: boolean }) => tuiCommand(file, o));
  program
    .command('import')
    .argument('<measurement-file>')
    .description('perf kvm stat / kvm_stat / bcc kvmexit / SystemTap / trace-cmd output → a workload with the same exit mix')
    .requiredOption('-o, --output <workload.json>', 'the workload file to write')
    .option('--features <list>', 'the feature set the measurement was taken with (default modern)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--profile <name>', 'the CPU profile of the measured host (default sapphire-rapids)')
    .option('--duration <seconds>', 'the measured window, when the file does not say', secondsFlag('--duration', false))
    .option('--vcpus <n>', 'vCPUs the counts cover, when the file does not say', intFlag('--vcpus', 1))
    .option('--table <n>', 'which table of a file with several', intFlag('--table', 1))
    .option('--base <workload>', 'where events the measurement cannot show come from')
    .option('--unobserved <zero>', "assume the unobservable events are absent ('zero')")
    .option('--busy-fraction <x>', 'share of time the guest runs, when HLT times are missing', (t: string) => {
      const n = Number(t);
      if (!(n > 0 && n <= 1)) throw new InputError(CLI, '--busy-fraction', 'a number in (0, 1]', describeValue(t));
      return n;
    })
    .addOption(new Option('--apic-mode <mode>', 'the guest APIC mode').choices(['xapic', 'x2apic']))
    .option('--host-tick <hz>', 'host tick of the measured host (its exits are subtracted)', intFlag('--host-tick', 0))
    .option('--name <name>', 'workload name (default: the output file name)')
    .option('--force', 'replace an existing output file')
    .option('--json', 'machine-readable output')
    .action((file: string, o: Parameters<typeof importCommand>[1]) => importCommand(file, o));
  program
    .command('report')
    .argument('<results-dir>')
    .description('a simulated run printed in perf kvm stat report layout')
    .option('--run <id>', 'one run of the folder (default: every run)')
    .action((dir: string, o: { run?: string }) => void process.stdout.write(perfReport(dir, o.run)));
  const slurm = program.command('slurm').description('a sweep as a Slurm array job: one shard per task, then a merge');
  slurm
    .command('submit')
    .argument('<sweep-file>')
    .description('write and submit the array job (resubmits only incomplete shards) and a dependent merge job')
    .requiredOption('--shards <n>', 'array tasks (shards)', intFlag('--shards', 1))
    .option('--out <dir>', 'shared output folder (default results/<sweep name>.slurm)')
    .option('--replications <n>', 'replications (default: the sweep file\'s)', intFlag('--replications', 1))
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'Slurm time limit per task, e.g. 01:00:00')
    .option('--cpus-per-task <n>', 'cores per shard (worker threads)', intFlag('--cpus-per-task', 1))
    .option('--sbatch-arg <arg>', 'extra #SBATCH line, repeatable (e.g. --sbatch-arg=--account=lab)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--dry-run', 'write the job scripts, submit nothing')
    .action((file: string, o: { shards: number; out?: string; replications?: number; partition?: string; time?: string; cpusPerTask?: number; sbatchArg?: string[]; dryRun?: boolean }) => {
      const out = o.out ?? path.join('results', `${loadSweep(file).spec.name}.slurm`);
      const r = slurmSubmit({ sweepFile: file, out, shards: o.shards, replications: o.replications, partition: o.partition, timeLimit: o.time, cpusPerTask: o.cpusPerTask, sbatchArgs: o.sbatchArg, dryRun: o.dryRun });
      process.stdout.write(`${r.note}\nfolder: ${r.submission.out}\nfollow with: exitsim slurm status ${out}\n`);
    });
  slurm
    .command('status')
    .argument('<dir>')
    .description('progress of a submitted sweep, from the shard folders (and squeue)')
    .option('--json', 'machine-readable output')
    .action((dir: string, o: { json?: boolean }) => {
      const st = slurmStatus(dir);
      if (o.json) {
        process.stdout.write(JSON.stringify(st, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        table(['shard', 'jobs done', 'of'], st.shards.map((x) => [x.shard, x.done, x.total])) +
          `\n\n${st.done}/${st.total} jobs done; ${Object.entries(st.jobs).map(([id, s]) => `job ${id} ${s}`).join(', ') || 'no job in squeue'}; ` +
          `${st.merged ? `merged into ${path.join(dir, 'merged')}` : 'not merged yet'}\n`,
      );
    });
  program.command('validate').argument('<file>').description('check an input file without running it').action((file: string) => validateCommand(file));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`exitsim: ${err.message}\n`);
      code = 2;
    } else if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? 0 : 2;
    } else {
      process.stderr.write(`exitsim: internal error: ${(err as Error).stack ?? String(err)}\n`);
      code = 1;
    }
  }
  return code;
}

process.on('SIGINT', () => process.exit(130));
const code = await main(process.argv.slice(2));
process.exitCode = code;
