// `exitsim sweep` and `exitsim merge`: parameter sweeps on worker threads
// (resumable, shardable) and the join of a sharded sweep's folders.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parameterPaths, sweepLabels } from '../../experiment/sweep-spec.js';
import { mergeShards, writeMergedRuns } from '../../experiment/merge.js';
import { parseShard, readRecords, runStudy, studyParameters } from '../../experiment/study.js';
import { loadSweep } from '../../experiment/sweep-spec.js';
import { studyTables, writeStudyOutputs, STUDY_OUTPUT_NAMES } from '../../output/study-outputs.js';
import { formatSweepTable } from '../../output/study-text.js';
import { progressReporter } from '../progress.js';
import { trackStudy } from '../interrupt.js';
import { readStateJson } from '../../config/read-input.js';
import type { StudyInputs } from '../../output/manifest.js';
import type { FigureSize } from '../../output/figures.js';
import { figureSizeOption, MAX_REPLICATIONS, checkCost, dirFlag, intFlag, relativePaths } from '../options.js';

interface SweepOptions {
  workers?: number;
  shard?: string;
  out?: string;
  replications?: number;
  force?: boolean;
  json?: boolean;
  allowLong?: boolean;
  figureSize?: FigureSize;
}

async function sweepCommand(file: string, o: SweepOptions): Promise<void> {
  const startedAt = new Date();
  const sweep = loadSweep(file);
  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
  checkCost(sweep.points.map((p) => ({ r: p.resolved, sets: sweep.featureSets })), (o.replications ?? sweep.spec.replications) / (shard?.count ?? 1), o.allowLong);
  const replications = o.replications ?? sweep.spec.replications;
  const out = o.out ?? path.join('results', shard ? `${sweep.spec.name}.shard-${shard.index}-of-${shard.count}` : sweep.spec.name);
  const labels = sweepLabels(sweep);
  const res = await runStudy(sweep, { outputNames: STUDY_OUTPUT_NAMES, outDir: out, workers: o.workers, shard, force: o.force, replications, onProgress: trackStudy(out, progressReporter(`${sweep.spec.name}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`)) });
  const params = parameterPaths(sweep.spec);
  const written = await writeStudyOutputs(out, sweep, res.records, labels, params, sweep.spec.name, startedAt, shard ? { shard } : {}, undefined, o.figureSize);
  const t = studyTables(res.records, labels);
  if (o.json) {
    process.stdout.write(JSON.stringify({ name: sweep.spec.name, identity: sweep.identity, out, ran: res.ran, reused: res.skipped, summary: t.summary, comparisons: t.comparisons }, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    `${sweep.spec.name}: ${sweep.points.length} points × ${labels.length} feature sets × ${replications} replications${shard ? `, shard ${shard.index}/${shard.count}` : ''}; ${res.ran} jobs run, ${res.skipped} reused\n\n` +
      formatSweepTable(t, params) +
      `\n\nwrote ${relativePaths(written)}\n`,
  );
}

async function mergeCommand(dirs: string[], o: { out: string; force?: boolean; figureSize?: FigureSize; json?: boolean }): Promise<void> {
  const startedAt = new Date();
  const merged = mergeShards(dirs);
  writeMergedRuns(o.out, merged, o.force ?? false, STUDY_OUTPUT_NAMES);
  const params = studyParameters(merged.state);
  const records = [...readRecords(o.out, merged.state.identity).values()];
  // The shards ran one sweep (merge checked their identity): the first one's manifest holds its inputs.
  const first = path.join(dirs[0], 'manifest.json');
  const carried = fs.existsSync(first) ? readStateJson<StudyInputs>(first, "a shard's manifest.json", ['tool']) : undefined;
  const written = await writeStudyOutputs(o.out, undefined, records, merged.state.feature_sets, params, merged.state.name, startedAt, { merged_from: dirs }, carried?.inputs ? { inputs: carried.inputs, workloads: carried.workloads, profiles: carried.profiles, ...(carried.guest_oses ? { guest_oses: carried.guest_oses } : {}) } : undefined, o.figureSize);
  process.stdout.write(
    o.json
      ? JSON.stringify({ name: merged.state.name, shards: dirs, jobs: records.length, wrote: written }, null, 2) + '\n'
      : `merged ${dirs.length} shard(s) of ${merged.state.name} (${records.length} jobs); wrote ${relativePaths(written)}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('sweep')
    .argument('<sweep-file>')
    .description('a parameter sweep on every core: resumable, shardable, byte-identical CSV for any worker count')
    .option('--workers <n>', 'worker threads (default: all cores)', intFlag('--workers', 1))
    .option('--shard <i/N>', 'run only the i-th of N deterministic slices (default: all of it)')
    .option('--out <dir>', 'output folder (default results/<name>)', dirFlag('--out'))
    .option('--replications <n>', "replications (default: the sweep file's); raising it adds runs to an earlier study", intFlag('--replications', 1, MAX_REPLICATIONS))
    .option('--force', 'replace a different study in the output folder')
    .option('--json', 'machine-readable summary on stdout')
    .option('--allow-long', 'run even when the cost estimate says hours')
    .addOption(figureSizeOption())
    .action(async (file: string, o: SweepOptions) => sweepCommand(file, o));
  program
    .command('merge')
    .argument('<dirs...>')
    .description('join the shard folders of one sweep (refuses mixed sweeps, duplicates and gaps)')
    .requiredOption('--out <dir>', 'output folder (required)', dirFlag('--out'))
    .option('--force', 'replace files in the output folder')
    .addOption(figureSizeOption())
    .option('--json', 'a machine-readable summary on stdout')
    .action(async (dirs: string[], o: { out: string; force?: boolean; figureSize?: FigureSize; json?: boolean }) => mergeCommand(dirs, o));
}
