// `exitsim slurm submit|status`: a sweep as a Slurm array job with a dependent merge.
import path from 'node:path';
import type { Command } from 'commander';
import { status as slurmStatus, submit as slurmSubmit } from '../../cluster/slurm.js';
import { loadSweep } from '../../experiment/sweep-spec.js';
import { table } from '../../output/text.js';
import { collect, dirFlag, intFlag } from '../options.js';

interface SubmitOptions {
  shards: number;
  out?: string;
  replications?: number;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  sbatchArg?: string[];
  dryRun?: boolean;
  node?: string;
}

export function register(program: Command): void {
  const slurm = program.command('slurm').description('a sweep as a Slurm array job: one shard per task, then a merge');
  slurm
    .command('submit')
    .argument('<sweep-file>')
    .description('write and submit the array job (resubmits only incomplete shards) and a dependent merge job')
    .requiredOption('--shards <n>', 'array tasks (shards); required', intFlag('--shards', 1))
    .option('--out <dir>', 'shared output folder (default results/<sweep name>.slurm)', dirFlag('--out'))
    .option('--replications <n>', "replications (default: the sweep file's)", intFlag('--replications', 1))
    .option('--partition <name>', "Slurm partition (default: the cluster's)")
    .option('--time <limit>', "Slurm time limit per task, e.g. 01:00:00 (default: the partition's)")
    .option('--cpus-per-task <n>', 'cores per shard, its worker threads (default: 1)', intFlag('--cpus-per-task', 1))
    .option('--sbatch-arg <arg>', 'extra #SBATCH line, repeatable, e.g. --sbatch-arg=--account=lab (default: none)', collect)
    .option('--node <path>', "the node binary on the compute nodes (default: node on their PATH)")
    .option('--dry-run', 'write the job scripts and print the sbatch commands, submit nothing')
    .action((file: string, o: SubmitOptions) => {
      const out = o.out ?? path.join('results', `${loadSweep(file).spec.name}.slurm`);
      const r = slurmSubmit({ sweepFile: file, out, shards: o.shards, replications: o.replications, partition: o.partition, timeLimit: o.time, cpusPerTask: o.cpusPerTask, sbatchArgs: o.sbatchArg, dryRun: o.dryRun, node: o.node });
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
}
