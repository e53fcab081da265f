// A sweep as a Slurm array job (issue 9): one shard per array task, writing to
// a shared folder through the same atomic, resumable study machinery; a job
// that depends on the array (afterok) merges the shards. Resubmitting runs
// only the shards that are not complete. No scheduler of our own: sbatch,
// squeue and the shard/merge commands do the work.
import { writeOwnedFile } from '../io/atomic.js';
import { checkReplaceable, claimFolder } from '../io/output-folder.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../config/errors.js';
import { packageRoot } from '../config/load.js';
import { readStateJson } from '../config/read-input.js';
import { loadSweep } from '../experiment/sweep-spec.js';
import { MAX_SHARDS, readRecords, shardJobs, studyJobs } from '../experiment/study.js';

export interface SubmitOptions {
  sweepFile: string;
  out: string;
  shards: number;
  replications?: number;
  partition?: string;
  timeLimit?: string;
  cpusPerTask?: number;
  /** The node binary the job scripts run (default: `node` on the compute node's PATH). */
  node?: string;
  sbatchArgs?: string[];
  dryRun?: boolean;
  sbatch?: string;
}

export interface Submission {
  tool: 'exitsim';
  kind: 'slurm-submission';
  sweep_file: string;
  sweep_identity: string;
  shards: number;
  replications: number;
  out: string;
  submissions: Array<{ at: string; array_job: string | null; merge_job: string | null; tasks: number[] }>;
}

const SUBMISSION_FIELDS = ['sweep_file', 'sweep_identity', 'shards', 'replications', 'submissions'];

export const shardDir = (out: string, i: number, n: number) => path.join(out, `shard-${i}-of-${n}`);
export const mergedDir = (out: string) => path.join(out, 'merged');

/** How many of its jobs each shard has finished. */
export function shardProgress(sweepFile: string, out: string, shards: number, replications?: number): Array<{ shard: number; done: number; total: number }> {
  const sweep = loadSweep(sweepFile);
  const reps = replications ?? sweep.spec.replications;
  const all = studyJobs(sweep, reps);
  return Array.from({ length: shards }, (_, k) => {
    const shard = { index: k + 1, count: shards };
    const mine = shardJobs(all, shard);
    const dir = shardDir(out, shard.index, shards);
    const have = fs.existsSync(dir) ? readRecords(dir, sweep.identity) : new Map();
    return { shard: shard.index, done: mine.filter((j) => have.has(j.key)).length, total: mine.length };
  });
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function scripts(o: SubmitOptions, sweepFile: string, out: string, replications: number): { array: string; merge: string } {
  // The node a compute node finds on its PATH (after `module load`, nvm, …) unless --node names one:
  // the submitting machine's own path may not exist there.
  const node = o.node ?? 'node';
  const bin = path.join(packageRoot(), 'bin', 'exitsim.js');
  const common = [
    '#!/bin/sh',
    o.partition ? `#SBATCH --partition=${o.partition}` : '',
    o.timeLimit ? `#SBATCH --time=${o.timeLimit}` : '',
    ...(o.sbatchArgs ?? []).map((a) => `#SBATCH ${a}`),
    'set -e',
    `cd ${q(packageRoot())}`,
    'export CI=true', // plain progress lines in the job log
  ].filter((l) => l !== '');
  const array = [
    ...common.slice(0, 1),
    `#SBATCH --job-name=exitsim-shard`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 1}`,
    `#SBATCH --output=${path.join(out, 'slurm', 'shard-%a.log')}`,
    ...common.slice(1),
    `${q(node)} ${q(bin)} sweep ${q(sweepFile)} --replications ${replications} --shard "$SLURM_ARRAY_TASK_ID/${o.shards}" ` +
      `--out ${q(out)}/shard-"$SLURM_ARRAY_TASK_ID"-of-${o.shards} --workers "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ].join('\n');
  const merge = [
    ...common.slice(0, 1),
    `#SBATCH --job-name=exitsim-merge`,
    `#SBATCH --output=${path.join(out, 'slurm', 'merge.log')}`,
    ...common.slice(1),
    `${q(node)} ${q(bin)} merge ${Array.from({ length: o.shards }, (_, k) => q(shardDir(out, k + 1, o.shards))).join(' ')} --out ${q(mergedDir(out))} --force`,
    '',
  ].join('\n');
  return { array, merge };
}

function sbatch(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split(';')[0];
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new InputError('command line', 'slurm submit', 'a machine with Slurm (sbatch on the PATH)', 'no sbatch', ' — use --dry-run to write the job scripts only');
    throw new Error(`sbatch failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

const CLI = 'command line';
const CONTROL = /[\u0000-\u001f\u007f]/;
/** What an #SBATCH line may carry: sbatch reads those lines itself, so a newline would start a shell line of its own. */
const SBATCH_ARG = /^--?[A-Za-z][A-Za-z0-9-]*(=[A-Za-z0-9_.,:/@%+=-]+)?$/;
/** Slurm's time formats: minutes, m:s, h:m:s, d-h, d-h:m, d-h:m:s, or unlimited. */
const SLURM_TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|unlimited|infinite|UNLIMITED|INFINITE)$/;

/** Every value that reaches a job script, checked before anything is written: the scripts run on a cluster. */
export function checkSubmitValues(o: SubmitOptions): void {
  if (!Number.isSafeInteger(o.shards) || o.shards < 1 || o.shards > MAX_SHARDS) throw new InputError(CLI, '--shards', `a whole number from 1 to ${MAX_SHARDS.toLocaleString('en-US')}`, String(o.shards));
  if (o.partition !== undefined && !/^[A-Za-z0-9_.,-]{1,128}$/.test(o.partition)) throw new InputError(CLI, '--partition', 'a Slurm partition name (letters, digits, _ . , -)', JSON.stringify(o.partition));
  if (o.timeLimit !== undefined && !SLURM_TIME.test(o.timeLimit)) throw new InputError(CLI, '--time', 'a Slurm time limit (minutes, h:mm:ss, d-hh:mm:ss or unlimited, e.g. 01:00:00)', JSON.stringify(o.timeLimit));
  for (const a of o.sbatchArgs ?? []) {
    if (!SBATCH_ARG.test(a)) throw new InputError(CLI, '--sbatch-arg', "one sbatch option, --name or --name=value (letters, digits and _ . , : / @ % + = - in the value; no spaces, quotes, newlines or shell characters)", JSON.stringify(a));
  }
  if (o.node !== undefined && (o.node === '' || CONTROL.test(o.node))) throw new InputError(CLI, '--node', 'the path of a node binary (no control characters)', JSON.stringify(o.node));
  // The output folder appears in #SBATCH --output=…, which sbatch splits at white space.
  if (/[\s'"`$\\]/.test(path.resolve(o.out)) || CONTROL.test(o.out)) throw new InputError(CLI, '--out', 'a folder path without spaces, quotes, $, backslashes or control characters (it goes into #SBATCH --output)', JSON.stringify(o.out));
  if (CONTROL.test(path.resolve(o.sweepFile))) throw new InputError(CLI, 'sweep-file', 'a path without control characters', JSON.stringify(o.sweepFile));
}

export function submit(o: SubmitOptions): { submission: Submission; arrayScript: string; mergeScript: string; tasks: number[]; note: string } {
  checkSubmitValues(o);
  const sweepFile = path.resolve(o.sweepFile);
  const sweep = loadSweep(sweepFile);
  const out = path.resolve(o.out);
  const replications = o.replications ?? sweep.spec.replications;
  claimFolder(o.out);
  const slurmDir = path.join(out, 'slurm');
  claimFolder(slurmDir);
  const file = path.join(slurmDir, 'submission.json');
  // The scripts are exitsim's to rewrite on each submission — unless the user edited them since.
  checkReplaceable(slurmDir, ['submission.json', 'array.sh', 'merge.sh'], true);
  let previous: Submission | undefined;
  if (fs.existsSync(file)) {
    previous = readStateJson<Submission>(file, 'a slurm submission record', SUBMISSION_FIELDS);
    if (previous.sweep_identity !== sweep.identity || previous.shards !== o.shards || previous.replications !== replications) {
      throw new InputError(out, '--out', `a folder for this sweep with ${previous.shards} shards and ${previous.replications} replications (or a new folder)`, `sweep ${sweep.spec.name} (${sweep.identity}) with ${o.shards} shards and ${replications} replications`);
    }
  }
  // Resubmission: only the shards that are not complete.
  const progress = shardProgress(sweepFile, out, o.shards, replications);
  const tasks = progress.filter((p) => p.done < p.total).map((p) => p.shard);
  const { array, merge } = scripts(o, sweepFile, out, replications);
  const arrayScript = path.join(out, 'slurm', 'array.sh');
  const mergeScript = path.join(out, 'slurm', 'merge.sh');
  for (const [f, text] of [[arrayScript, array], [mergeScript, merge]] as const) writeOwnedFile(slurmDir, path.basename(f), text, true, 0o755);
  let arrayJob: string | null = null;
  let mergeJob: string | null = null;
  let note: string;
  const cmd = o.sbatch ?? 'sbatch';
  if (o.dryRun) {
    note =
      `dry run: wrote ${arrayScript} and ${mergeScript}; submit them with\n` +
      (tasks.length > 0 ? `  ARRAY=$(sbatch --parsable --array=${tasks.join(',')} ${q(arrayScript)})\n  sbatch --dependency=afterok:$ARRAY ${q(mergeScript)}` : `  sbatch ${q(mergeScript)}   (every shard is complete)`);
  }
  else if (tasks.length === 0 && fs.existsSync(path.join(mergedDir(out), 'runs.csv'))) note = 'every shard is complete and merged: nothing to submit';
  else {
    if (tasks.length > 0) arrayJob = sbatch(cmd, ['--parsable', `--array=${tasks.join(',')}`, arrayScript]);
    mergeJob = sbatch(cmd, ['--parsable', ...(arrayJob ? [`--dependency=afterok:${arrayJob}`] : []), mergeScript]);
    note = `submitted ${tasks.length} shard task(s) as job ${arrayJob ?? '-'} and the merge as job ${mergeJob} (after they all succeed)`;
  }
  const submission: Submission = {
    tool: 'exitsim', kind: 'slurm-submission', sweep_file: sweepFile, sweep_identity: sweep.identity, shards: o.shards, replications, out,
    submissions: [...(previous?.submissions ?? []), { at: new Date().toISOString(), array_job: arrayJob, merge_job: mergeJob, tasks }],
  };
  // Recorded for a dry run too (no job ids), so `slurm status` can follow shards run by hand.
  writeOwnedFile(slurmDir, 'submission.json', JSON.stringify(submission, null, 2) + '\n', true);
  return { submission, arrayScript, mergeScript, tasks, note };
}

export interface Status {
  shards: Array<{ shard: number; done: number; total: number }>;
  jobs: Record<string, string>;
  merged: boolean;
  done: number;
  total: number;
}

export function status(out: string, squeue = 'squeue'): Status {
  const file = path.join(out, 'slurm', 'submission.json');
  if (!fs.existsSync(file)) throw new InputError(out, 'slurm/submission.json', 'a folder written by exitsim slurm submit', 'no submission.json');
  const sub = readStateJson<Submission>(file, 'a slurm submission record', SUBMISSION_FIELDS);
  const shards = shardProgress(sub.sweep_file, out, sub.shards, sub.replications);
  const last = sub.submissions[sub.submissions.length - 1];
  const jobs: Record<string, string> = {};
  const ids = [last?.array_job, last?.merge_job].filter((x): x is string => Boolean(x));
  if (ids.length > 0) {
    try {
      const text = execFileSync(squeue, ['-h', '-j', ids.join(','), '-o', '%i %T'], { encoding: 'utf8' });
      for (const line of text.trim().split('\n').filter(Boolean)) {
        const [id, st] = line.trim().split(/\s+/);
        jobs[id] = st;
      }
    } catch {
      // squeue forgets finished jobs and is absent off the cluster: the shard folders are the truth.
    }
  }
  return {
    shards,
    jobs,
    merged: fs.existsSync(path.join(mergedDir(out), 'runs.csv')),
    done: shards.reduce((a, s) => a + s.done, 0),
    total: shards.reduce((a, s) => a + s.total, 0),
  };
}
