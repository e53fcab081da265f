// Runs a scenario under one or more feature sets plus its bare-metal twin,
// on worker threads when there is more than one job, and summarises each run.
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { runJob, type Job, type JobResult } from './job.js';
import { runOnWorkers, workerCount } from './pool.js';
import { buildRunModel, runId, summaryContext, type RunSpec } from '../request/run-path.js';

export interface RunOptions {
  workers?: number;
  /** Aggregated fast mode. */
  aggregate?: boolean;
  /** Called about four times a second with the share of the jobs' simulated time done (0–1); the jobs then run on worker threads. */
  onProgress?: (fraction: number) => void;
}

const PROGRESS_POLL_MS = 250;

/** Runs jobs in order: in this thread when one worker would do, else on the pool. */
export async function runJobs(jobs: Job[], opts: RunOptions = {}): Promise<JobResult[]> {
  const workers = workerCount(opts.workers, jobs.length);
  const onProgress = opts.onProgress;
  if (!onProgress) {
    if (workers <= 1) return jobs.map(runJob);
    return runOnWorkers<Job, JobResult>(jobs, workers, 'job');
  }
  // Progress: the jobs write their share done into shared memory; this thread, free while they
  // run on workers (even one), reads it on a timer.
  const cells = new Float64Array(new SharedArrayBuffer(8 * jobs.length));
  const timer = setInterval(() => onProgress(cells.reduce((a, x) => a + x, 0) / jobs.length), PROGRESS_POLL_MS);
  try {
    const results = await runOnWorkers<Job, JobResult>(jobs.map((j, slot) => ({ ...j, progress: { cells, slot } })), workers, 'job');
    onProgress(1);
    return results;
  } finally {
    clearInterval(timer);
  }
}

export interface ScenarioRun {
  summaries: RunSummary[];
  wallSeconds: number;
  guestEvents: number;
}

/** Runs `r` under each feature set (common random numbers: same seed) and once on bare metal. */
export async function runScenario(r: RunSpec, featureSets: number[], opts: RunOptions = {}, labels?: string[]): Promise<ScenarioRun> {
  return (await runScenarios([{ resolved: r, featureSets, labels }], opts))[0];
}

/** Several scenarios at once, so every job shares one worker pool. */
export async function runScenarios(items: Array<{ resolved: RunSpec; featureSets: number[]; labels?: string[] }>, opts: RunOptions = {}): Promise<ScenarioRun[]> {
  const jobs: Job[] = [];
  for (const { resolved: r, featureSets } of items) {
    // Build every model first so bad input fails before any simulation starts.
    for (const f of featureSets) buildRunModel(r, f);
    jobs.push({ spec: r, features: 0, mode: { nativeMode: true, aggregate: opts.aggregate } }, ...featureSets.map((f) => ({ spec: r, features: f, mode: { aggregate: opts.aggregate } })));
  }
  const results = await runJobs(jobs, opts);
  let k = 0;
  return items.map(({ resolved: r, featureSets, labels }) => {
    const mine = results.slice(k, k + featureSets.length + 1);
    k += featureSets.length + 1;
    const native = mine[0].raw;
    const summaries = featureSets.map((f, i) => summarize(mine[i + 1].raw, native, summaryContext(r, f, runId(r.scenario.name, f, r.scenario.seed), labels?.[i])));
    return {
      summaries,
      wallSeconds: mine.reduce((a, x) => a + x.wallSeconds, 0),
      guestEvents: mine.reduce((a, x) => a + x.raw.guestEvents, 0),
    };
  });
}
