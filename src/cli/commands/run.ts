// `exitsim run` and `exitsim compare`: one scenario under one or several
// feature sets (with --replications, as a one-point study with CIs).
import type { Command } from 'commander';
import { InputError } from '../../config/errors.js';
import { featureSetLabel } from '../../exits/features.js';
import { runScenario } from '../../experiment/runner.js';
import { runStudy } from '../../experiment/study.js';
import { singlePointSweep, type ExpandedSweep } from '../../experiment/sweep-spec.js';
import type { RunSummary } from '../../metrics/summarize.js';
import { writeRunFiles } from '../../output/run-files.js';
import { studyTables, writeStudyOutputs } from '../../output/study-outputs.js';
import { formatReplicatedTable } from '../../output/study-text.js';
import { formatCompare, formatRun } from '../../output/text.js';
import { progressReporter } from '../progress.js';
import { CLI, addCommon, checkCost, checkCsvTarget, featureSetsOf, resolve, type CommonOptions } from '../options.js';

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

async function replicatedCommand(sweep: ExpandedSweep, o: CommonOptions, compare: boolean): Promise<void> {
  const startedAt = new Date();
  const labels = sweep.featureSets.map(featureSetLabel);
  const res = await runStudy(sweep, { outDir: o.csv, workers: o.workers, force: o.force, replications: o.replications ?? 1, aggregate: o.aggregate, onProgress: o.json ? undefined : progressReporter(sweep.spec.name) });
  const t = studyTables(res.records, labels);
  if (o.csv) await writeStudyOutputs(o.csv, sweep, res.records, labels, [], sweep.spec.name, startedAt);
  if (o.json) {
    process.stdout.write(JSON.stringify({ baseline: labels[0], replications: o.replications, summary: t.summary, comparisons: t.comparisons }, null, 2) + '\n');
    return;
  }
  const r0 = sweep.points[0].resolved;
  process.stdout.write(
    `${r0.scenario.name} — profile ${r0.profile.name}, ${o.replications} replications (seeds ${r0.scenario.seed}…${r0.scenario.seed + (o.replications ?? 1) - 1}), ${r0.scenario.durationSec} s simulated after ${r0.scenario.warmupSec} s warm-up; ` +
      `mean ± 95% CI (Student t)${compare ? `; Δ is the paired difference against ${labels[0]} (common random numbers)` : ''}\n\n` +
      formatReplicatedTable(t, labels, compare) + '\n',
  );
  if (o.csv) process.stdout.write(`\n${res.skipped} jobs reused, ${res.ran} run; wrote ${o.csv}\n`);
}

export function register(program: Command): void {
  addCommon(program.command('run').argument('<workload-or-scenario>').description('run one scenario and print a summary'), false).action(async (file: string, o: CommonOptions) => runCommand(file, o, false));
  addCommon(program.command('compare').argument('<workload-or-scenario>').description('the same scenario under several feature sets (baseline = the first)'), true).action(async (file: string, o: CommonOptions) => runCommand(file, o, true));
}
