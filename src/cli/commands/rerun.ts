// `exitsim rerun MANIFEST --out DIR`: repeat a result from its manifest alone (the inputs are
// embedded in it); the CSVs come out byte for byte the same.
import type { Command } from 'commander';
import { readRerun } from '../../experiment/rerun.js';
import { runScenario } from '../../experiment/runner.js';
import { runStudy, studyParameters } from '../../experiment/study.js';
import { writeRunFiles } from '../../output/run-files.js';
import { writeStudyOutputs, STUDY_OUTPUT_NAMES } from '../../output/study-outputs.js';
import { trackStudy } from '../interrupt.js';
import { checkCsvTarget, dirFlag, figureSizeOption, intFlag, relativePaths } from '../options.js';
import type { FigureSize } from '../../output/figures.js';
import { progressReporter, simulatedTimeProgress } from '../progress.js';

interface RerunOptions {
  out: string;
  json?: boolean;
  force?: boolean;
  workers?: number;
  figureSize?: FigureSize;
}

async function rerunCommand(manifest: string, o: RerunOptions): Promise<void> {
  const startedAt = new Date();
  const what = readRerun(manifest);
  if (what.kind === 'runs') {
    checkCsvTarget(o.out, o.force ?? false);
    const res = await runScenario(what.resolved, what.featureSets, { workers: o.workers, aggregate: what.aggregate, onProgress: simulatedTimeProgress(what.resolved.scenario.name) }, what.labels);
    const written = writeRunFiles(o.out, [what.resolved], res.summaries, startedAt, o.force ?? false, what.aggregate, what.featureSets);
    process.stdout.write(
      o.json
        ? JSON.stringify({ kind: 'runs', scenario: what.resolved.scenario.name, feature_sets: res.summaries.map((s) => s.features), runs: res.summaries, wrote: written }, null, 2) + '\n'
        : `reran ${res.summaries.length} run(s) of ${what.resolved.scenario.name} (${res.summaries.map((s) => s.features).join(' / ')}); wrote ${relativePaths(written)}\n`,
    );
    return;
  }
  const { sweep, state } = what;
  const res = await runStudy(sweep, { outputNames: STUDY_OUTPUT_NAMES, outDir: o.out, workers: o.workers, force: o.force, replications: state.replications, shard: state.shard ?? undefined, onProgress: trackStudy(o.out, progressReporter(`rerun ${state.name}`)) });
  const params = studyParameters(state);
  const written = await writeStudyOutputs(o.out, sweep, res.records, state.feature_sets, params, state.name, startedAt, state.shard ? { shard: state.shard } : {}, undefined, o.figureSize);
  process.stdout.write(
    o.json
      ? JSON.stringify({ kind: 'study', name: state.name, ran: res.ran, reused: res.skipped, wrote: written }, null, 2) + '\n'
      : `reran study ${state.name}: ${res.ran} jobs run, ${res.skipped} reused; wrote ${relativePaths(written)}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('rerun')
    .argument('<manifest.json>')
    .description('repeat a result from its manifest alone (inputs, profiles, features and seeds are embedded in it)')
    .requiredOption('--out <dir>', 'output folder (required)', dirFlag('--out'))
    .option('--force', 'replace results already in the --out folder')
    .option('--workers <n>', 'worker threads (default: one per core)', intFlag('--workers', 1))
    .addOption(figureSizeOption())
    .option('--json', 'a machine-readable summary on stdout')
    .action(async (manifest: string, o: RerunOptions) => rerunCommand(manifest, o));
}
