// A study: points × replications, each a job that runs every feature set on
// one seed (common random numbers) plus its bare-metal twin. Jobs run on a
// worker pool; each finished job is saved at once (runs/<key>.json, written
// atomically), so an interrupted study resumes where it stopped, more
// replications can be added later, and shards of one study merge into the
// same result. The CSV is assembled from the saved jobs in a fixed order, so it
// is byte-identical whatever the worker count or the order jobs finished in.
import fs from 'node:fs';
import path from 'node:path';
import { runOnWorkers, workerCount } from './pool.js';
import { writeFileAtomic, writeOwnedFile } from '../io/atomic.js';
import { checkReplaceable, claimFolder, ownership, readLedger, removeOwned } from '../io/output-folder.js';
import { InputError } from '../config/errors.js';
import { readStateJson } from '../config/read-input.js';
import { parameterPaths, sweepLabels } from './sweep-spec.js';
import type { RunSummary } from '../metrics/summarize.js';
import type { PointJob, PointResult } from './job.js';
import { MAX_STUDY_JOBS, type ExpandedSweep } from './sweep-spec.js';

export interface StudyJob {
  key: string;
  point: number;
  replication: number;
  seed: number;
}

export interface StudyRecord {
  /** The identity of the study the record belongs to: a record copied in from another folder is refused, never reused. */
  study: string;
  key: string;
  point: number;
  replication: number;
  seed: number;
  values: Record<string, number | string | boolean>;
  summaries: RunSummary[];
  guest_events: number;
}

export interface Shard {
  index: number; // 1-based
  count: number;
}

export interface StudyOptions {
  outDir?: string;
  workers?: number;
  shard?: Shard;
  force?: boolean;
  replications: number;
  aggregate?: boolean;
  onProgress?: (done: number, total: number, skipped: number) => void;
  /** Jobs already done (by key), e.g. by an earlier round of a sequential run: reused, not run again. */
  reuse?: Iterable<StudyRecord>;
  /** The result files the study will write into outDir: checked before any job runs (a user's file of such a name is refused). */
  outputNames?: string[];
}

export interface StudyState {
  tool: 'exitsim';
  kind: 'study';
  name: string;
  identity: string;
  sweep_file: string;
  feature_sets: string[];
  /** The parameter paths in the sweep file's order (CSV columns and figure axes follow it); absent in folders of earlier versions. */
  parameters?: string[];
  points: Array<Record<string, number | string | boolean>>;
  replications: number;
  shard: Shard | null;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Every replication's seed is an exact integer and distinct (past 2^53, seed + r rounds onto its neighbour). */
export function checkSeeds(sweep: ExpandedSweep, replications: number): void {
  for (const p of sweep.points) {
    if (!Number.isSafeInteger(p.resolved.scenario.seed + replications - 1)) {
      throw new InputError(p.resolved.file, 'seed', `a seed at most ${(Number.MAX_SAFE_INTEGER - replications + 1).toLocaleString('en-US')} (2^53 − 1 less the replications, so that seed + r stays exact and distinct)`, String(p.resolved.scenario.seed));
    }
  }
}

export function studyJobs(sweep: ExpandedSweep, replications: number): StudyJob[] {
  // Counted before any job is built (a million replications once allocated 2 GB before the first run).
  const count = sweep.points.length * replications;
  if (count > MAX_STUDY_JOBS) {
    throw new InputError(sweep.file, 'replications', `at most ${MAX_STUDY_JOBS.toLocaleString('en-US')} jobs (points × replications)`, `${sweep.points.length.toLocaleString('en-US')} × ${replications.toLocaleString('en-US')}`);
  }
  checkSeeds(sweep, replications);
  const pw = Math.max(4, String(sweep.points.length - 1).length);
  const rw = Math.max(3, String(replications - 1).length);
  const jobs: StudyJob[] = [];
  for (const p of sweep.points) {
    for (let r = 0; r < replications; r++) {
      jobs.push({ key: `p${pad(p.index, pw)}-r${pad(r, rw)}`, point: p.index, replication: r, seed: p.resolved.scenario.seed + r });
    }
  }
  return jobs;
}

/** The jobs of shard i/N: every N-th job in study order, a deterministic slice. */
export function shardJobs(jobs: StudyJob[], shard: Shard | undefined): StudyJob[] {
  if (!shard) return jobs;
  return jobs.filter((_, k) => k % shard.count === shard.index - 1);
}

/** More shards than this is a typo (each is a job of its own). */
export const MAX_SHARDS = 100_000;

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > MAX_SHARDS) throw new InputError('command line', '--shard', `i/N with 1 ≤ i ≤ N ≤ ${MAX_SHARDS} (e.g. 2/8)`, JSON.stringify(text));
  return { index, count };
}

export function readState(dir: string): StudyState | undefined {
  const f = path.join(dir, 'study.json');
  if (!fs.existsSync(f)) return undefined;
  return readStateJson<StudyState>(f, 'a study state', ['name', 'identity', 'points', 'replications']);
}

/** The name of a job's record in runs/: anything else there (a temporary file, a user's file) is not a record. */
export const RECORD_NAME = /^p\d{4,}-r\d{3,}\.json$/;

const isInt = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

/** A record as exitsim writes it: a damaged or foreign one is refused by name, not read into a wrong result. */
function checkRecord(file: string, name: string, rec: StudyRecord, identity: string | undefined): StudyRecord {
  const bad = (field: string, expected: string, found: unknown) => new InputError(file, field, expected, typeof found === 'string' ? JSON.stringify(found.slice(0, 60)) : found === undefined ? 'nothing' : String(found), ' — move the file away to run that job again');
  if (rec.key !== name.slice(0, -'.json'.length)) throw bad('key', `the job key of the file name (${name.slice(0, -5)})`, rec.key);
  if (identity !== undefined && rec.study !== identity) {
    throw new InputError(file, 'study', `a run record of this study (${identity})`, rec.study === undefined ? 'a record without a study identity (written by an earlier exitsim)' : `a record of study ${String(rec.study).slice(0, 40)}`, ' — it was copied from another folder: move it away');
  }
  for (const f of ['point', 'replication', 'seed', 'guest_events'] as const) if (!isInt(rec[f])) throw bad(f, 'a whole number ≥ 0', rec[f]);
  if (!Array.isArray(rec.summaries) || rec.summaries.length === 0) throw bad('summaries', 'the runs of the job (a non-empty array)', rec.summaries);
  rec.summaries.forEach((sm, i) => {
    const t = (sm as unknown as { total?: { exits?: unknown; cycles_by_stage?: unknown; exit_count?: unknown } } | null)?.total;
    if (typeof sm?.run_id !== 'string' || typeof sm.features !== 'string' || !t || typeof t !== 'object' || typeof t.exits !== 'object' || typeof t.cycles_by_stage !== 'object' || typeof t.exit_count !== 'number' || !['number', 'object'].includes(typeof (t as { efficiency?: unknown }).efficiency) || !Array.isArray(sm.vms)) {
      throw bad(`summaries[${i}]`, 'a run summary as exitsim writes it (run_id, features, efficiency, total)', 'a damaged one');
    }
  });
  if (rec.values === null || typeof rec.values !== 'object') throw bad('values', "the point's parameter values (an object)", rec.values);
  return rec;
}

/** The finished jobs in `dir`/runs (of study `identity`, when given: a record of another study is refused). */
export function readRecords(dir: string, identity?: string): Map<string, StudyRecord> {
  const runs = path.join(dir, 'runs');
  const out = new Map<string, StudyRecord>();
  if (!fs.existsSync(runs)) return out;
  for (const f of fs.readdirSync(runs).sort()) {
    if (!RECORD_NAME.test(f)) continue; // temporary files of runs in flight, a user's notes: not results
    const file = path.join(runs, f);
    const rec = readStateJson<StudyRecord>(file, 'a study run record', ['study', 'key', 'point', 'replication', 'seed', 'summaries']);
    out.set(rec.key, checkRecord(file, f, rec, identity));
  }
  return out;
}

/** Removes the records of study `identity` from `dir`/runs — and nothing else there. */
export function removeRecords(dir: string, identity: string): void {
  const runs = path.join(dir, 'runs');
  if (!fs.existsSync(runs)) return;
  for (const f of fs.readdirSync(runs)) {
    if (!RECORD_NAME.test(f)) continue;
    try {
      const rec = JSON.parse(fs.readFileSync(path.join(runs, f), 'utf8')) as Partial<StudyRecord>;
      if (rec.study === identity && rec.key === f.slice(0, -5)) fs.rmSync(path.join(runs, f), { force: true });
    } catch {
      // not a record of ours: kept
    }
  }
}

/** Writes a job's record; a file of that name that is not a record of the same study is refused, never replaced. */
export function writeRecord(dir: string, rec: StudyRecord): void {
  const file = path.join(dir, 'runs', `${rec.key}.json`);
  if (fs.existsSync(file)) {
    let theirs: Partial<StudyRecord> | undefined;
    try {
      theirs = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StudyRecord>;
    } catch {
      theirs = undefined;
    }
    if (theirs?.study !== rec.study) throw new InputError(file, '--out', 'no file of a job record\'s name that exitsim did not write for this study', 'another file', ' — move it away');
  }
  writeFileAtomic(file, JSON.stringify(rec) + '\n');
}

/** Prepares (or reopens) a study folder; refuses one that holds a different study unless forced, and never removes a user's file. */
function openStudyDir(dir: string, state: StudyState, force: boolean, outputNames: string[]): void {
  claimFolder(dir);
  const runs = path.join(dir, 'runs');
  if (fs.existsSync(runs) && !fs.lstatSync(runs).isDirectory()) throw new InputError(runs, '--out', 'a folder for the run records', 'a file of that name');
  const existing = ownership(dir, 'study.json') === 'absent' ? undefined : readState(dir);
  const shardOf = (s: StudyState) => JSON.stringify(s.shard);
  const other = existing && (existing.identity !== state.identity || shardOf(existing) !== shardOf(state));
  if (other) {
    if (!force) {
      throw new InputError(dir, '--out', `a new folder or one holding this same study (${state.name}, ${state.identity}${state.shard ? `, shard ${state.shard.index}/${state.shard.count}` : ''})`, `study ${existing.name} (${existing.identity}${existing.shard ? `, shard ${existing.shard.index}/${existing.shard.count}` : ''}); use --force to replace it`);
    }
  } else if (!existing && fs.readdirSync(dir).some((f) => !f.startsWith('.') && f !== 'runs') && !force) {
    throw new InputError(dir, '--out', 'an empty folder, or one holding this study (or --force)', 'a folder with other files');
  }
  // A finished result (its manifest is there) is not rewritten with fewer replications than it holds
  // unless asked: that would replace a result with a weaker one.
  const finished = ownership(dir, 'manifest.json') === 'ours';
  if (existing && !other && finished && state.replications < existing.replications && !force) {
    throw new InputError(dir, '--replications', `at least the ${existing.replications} replications this finished study holds (or --force to write a result of ${state.replications})`, String(state.replications));
  }
  // Every file it will write is checked now, before any job runs: a user's file of such a name stops it here.
  checkReplaceable(dir, ['study.json', ...outputNames], true);
  if (other) {
    // The earlier study's records and result files go (exitsim's own, unedited); nothing else does.
    removeRecords(dir, existing.identity);
    const owned = readLedger(dir);
    for (const name of Object.keys(owned)) if (name !== 'study.json') removeOwned(dir, name, owned);
  }
  try {
    fs.mkdirSync(runs, { recursive: true });
  } catch (err) {
    throw new InputError(dir, '--out', 'a folder that can be created', `an unusable path (${(err as NodeJS.ErrnoException).code})`);
  }
  const prev = existing && !other ? existing.replications : 0;
  const replications = force ? state.replications : Math.max(prev, state.replications);
  writeOwnedFile(dir, 'study.json', JSON.stringify({ ...state, replications }, null, 2) + '\n', true);
}

export function pointJobOf(sweep: ExpandedSweep, job: StudyJob, aggregate = false): PointJob {
  const r = sweep.points[job.point].resolved;
  return {
    runIdPrefix: `${sweep.spec.name}.p${job.key.slice(1, job.key.indexOf('-'))}.r${job.key.slice(job.key.indexOf('-r') + 2)}`,
    spec: { scenario: { ...r.scenario, seed: job.seed }, file: r.file, workloads: r.workloads, profile: r.profile, guestOses: r.guestOses },
    featureSets: sweep.featureSets,
    featureLabels: sweepLabels(sweep),
    aggregate,
  };
}

/** A point job's relative cost, for ordering: simulated vCPU-seconds (guest events grow with both), per run. */
export function jobCost(job: PointJob): number {
  const vcpus = job.spec.scenario.vms.reduce((a, v) => a + v.vcpus * v.count, 0);
  return vcpus * (job.spec.scenario.durationSec + job.spec.scenario.warmupSec) * (job.featureSets.length + 1);
}

export interface StudyRun {
  records: StudyRecord[];
  ran: number;
  skipped: number;
  guestEvents: number;
  complete: boolean;
}

/** A study's parameter paths in its sweep file's order (a folder of an earlier version: a point's keys). */
export function studyParameters(state: StudyState): string[] {
  const keys = state.points.length > 0 ? Object.keys(state.points[0]) : [];
  const stated = state.parameters;
  return Array.isArray(stated) && stated.length === keys.length && stated.every((p) => typeof p === 'string' && keys.includes(p)) ? stated : keys;
}

export function stateOf(sweep: ExpandedSweep, replications: number, shard?: Shard): StudyState {
  return {
    tool: 'exitsim',
    kind: 'study',
    name: sweep.spec.name,
    identity: sweep.identity,
    sweep_file: sweep.file,
    feature_sets: sweepLabels(sweep),
    parameters: parameterPaths(sweep.spec),
    points: sweep.points.map((p) => p.values),
    replications,
    shard: shard ?? null,
  };
}

export async function runStudy(sweep: ExpandedSweep, opts: StudyOptions): Promise<StudyRun> {
  const all = studyJobs(sweep, opts.replications);
  const mine = shardJobs(all, opts.shard);
  const done = new Map<string, StudyRecord>([...(opts.reuse ?? [])].map((rec) => [rec.key, rec]));
  if (opts.outDir) {
    openStudyDir(opts.outDir, stateOf(sweep, opts.replications, opts.shard), opts.force ?? false, opts.outputNames ?? []);
    for (const [k, rec] of readRecords(opts.outDir, sweep.identity)) done.set(k, rec);
  }
  const todo = mine.filter((j) => !done.has(j.key));
  const skipped = mine.length - todo.length;
  let finished = 0;
  let events = 0;
  opts.onProgress?.(0, todo.length, skipped);
  const save = (job: StudyJob, res: PointResult) => {
    const rec: StudyRecord = {
      study: sweep.identity, key: job.key, point: job.point, replication: job.replication, seed: job.seed, values: sweep.points[job.point].values,
      summaries: res.summaries, guest_events: res.guestEvents,
    };
    if (opts.outDir) writeRecord(opts.outDir, rec);
    done.set(job.key, rec);
    events += res.guestEvents;
    finished++;
    opts.onProgress?.(finished, todo.length, skipped);
  };
  // Always on worker threads (even one): the main thread stays free to answer Ctrl-C at once.
  // Longest first (LPT): the pool ends with short jobs instead of one long job running alone.
  const tasks = todo.map((job) => ({ job, point: pointJobOf(sweep, job, opts.aggregate) }));
  tasks.sort((a, b) => jobCost(b.point) - jobCost(a.point));
  const byPoint = new Map(tasks.map((t) => [t.point, t.job]));
  await runOnWorkers<PointJob, PointResult>(tasks.map((t) => t.point), workerCount(opts.workers, todo.length), 'point', (point, res) => save(byPoint.get(point)!, res));
  const records = mine.map((j) => done.get(j.key)!).filter(Boolean);
  return { records, ran: todo.length, skipped, guestEvents: events, complete: records.length === mine.length };
}
