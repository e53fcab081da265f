// `exitsim run` and `exitsim compare`: one scenario under one or several
// feature sets (with --replications, as a one-point study with CIs).
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../config/errors.js';
import { sweepLabels } from '../../experiment/sweep-spec.js';
import { runScenario } from '../../experiment/runner.js';
import { runStudy } from '../../experiment/study.js';
import { singlePointSweep, type ExpandedSweep } from '../../experiment/sweep-spec.js';
import type { RunSummary } from '../../metrics/summarize.js';
import { writeRunFiles } from '../../output/run-files.js';
import { studyTables, writeStudyOutputs, type StudyTables, STUDY_OUTPUT_NAMES } from '../../output/study-outputs.js';
import { runToCiTarget } from '../../experiment/sequential.js';
import { FEW_UNITS_WARNING, SEQUENTIAL_FIRST_REPLICATIONS } from '../../experiment/settings.js';
import { formatReplicatedTable } from '../../output/study-text.js';
import { formatCompare, formatCrossProfile, formatRun } from '../../output/text.js';
import { progressReporter, simulatedTimeProgress } from '../progress.js';
import { trackStudy } from '../interrupt.js';
import { CLI, addCommon, checkCost, checkCsvTarget, featureLabelsOf, featureSetsOf, numberFlag, resolve, type CommonOptions } from '../options.js';
import { IMPORTED_WAKE_UP_UNIT } from '../../import/derive.js';
import type { ResolvedScenario } from '../../request/scenario.js';

function jsonSummary(runs: RunSummary[]): string {
  return JSON.stringify(runs.length === 1 ? runs[0] : { baseline: runs[0].features, runs }, null, 2) + '\n';
}

type RunOptions = CommonOptions & { ciTarget?: number };

/** A note when a VM finished too few units in the window for one run (or a few) to say much. */
function fewUnitsNote(runs: RunSummary[], replications: number): string {
  // Efficiency is a ratio of cycles per unit: above 100% it is noise, and says so.
  const above = runs.flatMap((s) => s.vms.filter((v) => v.efficiency !== null && v.efficiency > 1).map((v) => ({ s, v })));
  const aboveNote =
    above.length === 0 || replications > 1
      ? ''
      : `\nnote: ${above.map(({ v }) => `${v.vm} ${((v.efficiency as number) * 100).toFixed(4)}% (${v.units.toFixed(0)} units)`).join(', ')}: above 100% only by the noise of one run — ` +
        'the virtualized and bare-metal runs finish different units of varying size; --replications 10 gives the CI\n';
  // An overloaded open VM (it dropped arrivals) is not in a steady state within the window: its queue
  // fills while every accepted arrival's interrupt is paid before its unit is served (docs/estimate.md).
  const dropping = runs.flatMap((s) => s.vms.filter((v) => v.dropped_arrivals > 0).map((v) => `${v.vm} (${s.features})`));
  const overloadNote =
    dropping.length === 0
      ? ''
      : `\nnote: ${[...new Set(dropping)].slice(0, 3).join(', ')}${dropping.length > 3 ? ' and others' : ''} dropped arrivals: overloaded, their queues still filling in the window — their cycles per unit and efficiency depend on --duration (a longer run is nearer the long run)\n`;
  const fewest = Math.min(...runs.flatMap((s) => s.vms.map((v) => v.units)));
  if (!(fewest < FEW_UNITS_WARNING) || replications >= 10) return aboveNote + overloadNote;
  const advice = replications > 1 ? 'more replications (10 or more) or a longer --duration' : '--replications 10, --ci-target 0.5 or a longer --duration';
  return aboveNote + overloadNote + `\nnote: a VM finished only ${fewest.toFixed(0)} units in the window: with so few, efficiency varies from seed to seed more than its digits suggest (idle-guest, ~25 units: ±2.5 pp) — use ${advice}\n`;
}

/**
 * An imported guest's unit is a wake-up: its efficiency is the CPU cost of one (bare metal over
 * virtualized), not a speed — said once, so that a light guest's low figure is not misread.
 */
function wakeUpNote(r: ResolvedScenario): string {
  const names = r.scenario.vms.map((v) => r.workloads.get(v.workload)?.workload).filter((w) => w?.unitName === IMPORTED_WAKE_UP_UNIT).map((w) => w?.name);
  if (names.length === 0) return '';
  return `\nnote: ${[...new Set(names)].join(', ')}: the unit is one wake-up (the work between two halts), so efficiency is the CPU cost of a wake-up on bare metal over its cost virtualized — the exits of a light guest's wake-ups weigh heavily in it; units/s equal to bare metal's say the guest keeps up\n`;
}

/** compare with several --profile: each CPU under the same feature sets, one table (baseline: the first CPU's first set). */
async function crossProfileCommand(file: string, o: RunOptions, profiles: string[]): Promise<void> {
  for (const flag of ['replications', 'ciTarget', 'out'] as const) {
    const name = `--${flag === 'ciTarget' ? 'ci-target' : flag}`;
    if (o[flag] !== undefined) throw new InputError(CLI, name, 'one --profile with --replications, --ci-target or --out (several CPUs compare one replication each)', `${name} ${String(o[flag])} with ${profiles.length} profiles`);
  }
  const resolved = profiles.map((profile) => resolve(file, { ...o, profile }));
  // Rows are labelled by profile name: two files that give one name would be two rows no one can tell apart.
  const byName = new Map<string, string>();
  for (const r of resolved) {
    const other = byName.get(r.profile.name);
    if (other !== undefined && other !== r.profileFile) throw new InputError(CLI, '--profile', 'CPU profiles with distinct names (rows are labelled by name)', `two files named ${r.profile.name}: ${path.relative(process.cwd(), other)} and ${path.relative(process.cwd(), r.profileFile)}`);
    if (other !== undefined) throw new InputError(CLI, '--profile', 'each CPU profile once', `${r.profile.name} twice`);
    byName.set(r.profile.name, r.profileFile);
  }
  const points = resolved.map((r) => ({ r, sets: featureSetsOf(o, r, ['none', 'modern']) }));
  const labels = featureLabelsOf(o);
  checkCost(points, 1, o.allowLong);
  const runs: RunSummary[] = [];
  for (const { r, sets } of points) runs.push(...(await runScenario(r, sets, { workers: o.workers, aggregate: o.aggregate, onProgress: simulatedTimeProgress(`${r.scenario.name} on ${r.profile.name}`) }, labels)).summaries);
  if (o.json) {
    process.stdout.write(JSON.stringify({ baseline: `${runs[0].profile} ${runs[0].features}`, runs }, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatCrossProfile(runs) + '\n' + fewUnitsNote(runs, 1));
}

async function runCommand(file: string, o: RunOptions, compare: boolean): Promise<void> {
  const startedAt = new Date();
  const profiles = Array.isArray(o.profile) ? o.profile : [];
  if (profiles.length > 1) return crossProfileCommand(file, o, profiles);
  const r = resolve(file, o);
  if (!compare && o.features && o.features.length > 1) {
    throw new InputError(CLI, '--features', 'one feature set for run (use compare for several)', `${o.features.length} sets`);
  }
  const fallback = compare ? ['none', 'modern'] : [r.scenario.features];
  const sets = featureSetsOf(o, r, fallback);
  const labels = featureLabelsOf(o);
  if (o.ciTarget !== undefined && o.replications !== undefined) {
    throw new InputError(CLI, '--ci-target', 'either --ci-target or --replications, not both', `--ci-target ${o.ciTarget} with --replications ${o.replications}`);
  }
  checkCost([{ r, sets }], o.ciTarget !== undefined ? SEQUENTIAL_FIRST_REPLICATIONS : o.replications ?? 1, o.allowLong);
  if (o.ciTarget !== undefined) {
    await sequentialCommand(singlePointSweep(r, sets, labels), o, o.ciTarget, compare);
    return;
  }
  if ((o.replications ?? 1) > 1) {
    await replicatedCommand(singlePointSweep(r, sets, labels), o, compare);
    return;
  }
  if (o.out) checkCsvTarget(o.out, o.force ?? false);
  const result = await runScenario(r, sets, { workers: o.workers, aggregate: o.aggregate, onProgress: simulatedTimeProgress(r.scenario.name) }, labels);
  const runs = result.summaries;
  if (o.out) {
    const written = writeRunFiles(o.out, [r], runs, startedAt, o.force ?? false, o.aggregate ?? false, sets);
    if (!o.json) process.stdout.write(`wrote ${written.join(', ')}\n`);
  }
  if (o.json) {
    process.stdout.write(jsonSummary(runs));
    return;
  }
  process.stdout.write((compare ? formatCompare(runs) : formatRun(runs[0])) + '\n' + fewUnitsNote(runs, 1) + wakeUpNote(r));
}

async function sequentialCommand(sweep: ExpandedSweep, o: RunOptions, targetPp: number, compare: boolean): Promise<void> {
  const startedAt = new Date();
  const labels = sweepLabels(sweep);
  const res = await runToCiTarget(sweep, targetPp, {
    outDir: o.out, outputNames: STUDY_OUTPUT_NAMES, workers: o.workers, force: o.force, aggregate: o.aggregate, paired: compare,
    onRound: o.json ? undefined : (n, w) => process.stderr.write(`exitsim: ${n} replications: widest 95% half-width ${Number.isFinite(w) ? w.toFixed(2) : '∞'} pp (target ${targetPp} pp)\n`),
  });
  const t = studyTables(res.records, labels);
  if (o.out) await writeStudyOutputs(o.out, sweep, res.records, labels, [], sweep.spec.name, startedAt);
  const verdict = res.reached
    ? `target reached: every efficiency${compare ? ' and paired difference' : ''} within ±${targetPp} pp (widest ±${res.widestHalfWidthPp.toFixed(2)} pp) after ${res.replications} replications`
    : `target NOT reached: widest ±${res.widestHalfWidthPp.toFixed(2)} pp after ${res.replications} replications (the cap); lengthen --duration to narrow it`;
  if (o.json) {
    process.stdout.write(JSON.stringify({ baseline: labels[0], replications: res.replications, ci_target_pp: targetPp, reached: res.reached, widest_half_width_pp: res.widestHalfWidthPp, summary: t.summary, comparisons: t.comparisons }, null, 2) + '\n');
    return;
  }
  writeReplicated(sweep, t, labels, res.replications, compare);
  process.stdout.write(`\n${verdict}\n`);
}

async function replicatedCommand(sweep: ExpandedSweep, o: CommonOptions, compare: boolean): Promise<void> {
  const startedAt = new Date();
  const labels = sweepLabels(sweep);
  const res = await runStudy(sweep, { outputNames: STUDY_OUTPUT_NAMES, outDir: o.out, workers: o.workers, force: o.force, replications: o.replications ?? 1, aggregate: o.aggregate, onProgress: trackStudy(o.out, o.json ? undefined : progressReporter(sweep.spec.name)) });
  const t = studyTables(res.records, labels);
  if (o.out) await writeStudyOutputs(o.out, sweep, res.records, labels, [], sweep.spec.name, startedAt);
  if (o.json) {
    process.stdout.write(JSON.stringify({ baseline: labels[0], replications: o.replications, summary: t.summary, comparisons: t.comparisons }, null, 2) + '\n');
    return;
  }
  writeReplicated(sweep, t, labels, o.replications ?? 1, compare);
  process.stdout.write(fewUnitsNote(t.runs, o.replications ?? 1));
  if (o.out) process.stdout.write(`\n${res.skipped} jobs reused, ${res.ran} run; wrote ${o.out}\n`);
}

function writeReplicated(sweep: ExpandedSweep, t: StudyTables, labels: string[], replications: number, compare: boolean): void {
  const r0 = sweep.points[0].resolved;
  process.stdout.write(
    `${r0.scenario.name} — profile ${r0.profile.name}, ${replications} replications (seeds ${r0.scenario.seed}…${r0.scenario.seed + replications - 1}), ${r0.scenario.durationSec} s simulated after ${r0.scenario.warmupSec} s warm-up; ` +
      `mean ± 95% CI (Student t)${compare ? `; Δ is the paired difference against ${labels[0]} (common random numbers)` : ''}\n\n` +
      formatReplicatedTable(t, labels, compare) + '\n',
  );
}

const ciTargetFlag = numberFlag('--ci-target', 'percentage points above 0 and at most 100 (e.g. 0.5)', (n) => n > 0 && n <= 100);
const CI_TARGET_HELP = 'add replications until every efficiency (and paired difference) has a 95% CI within ±PP percentage points (default: off)';

export function register(program: Command): void {
  addCommon(program.command('run').argument('<workload-or-scenario>').description('run one scenario and print a summary'), false)
    .option('--ci-target <pp>', CI_TARGET_HELP, ciTargetFlag)
    .action(async (file: string, o: RunOptions) => runCommand(file, o, false));
  addCommon(program.command('compare').argument('<workload-or-scenario>').description('the same scenario under several feature sets (baseline = the first)'), true)
    .option('--ci-target <pp>', CI_TARGET_HELP, ciTargetFlag)
    .action(async (file: string, o: RunOptions) => runCommand(file, o, true));
}
