// One simulation job: plain data in, raw counters out. It runs the same in
// the main thread and in a worker thread (no terminal, no files).
import { Simulation, type RawResult } from '../engine/simulation.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { buildRunModel, runId, summaryContext, type RunMode, type RunSpec } from '../request/run-path.js';

export interface Job {
  spec: RunSpec;
  features: number;
  mode: RunMode;
  /** Where the job reports the share of its simulated time done (a cell of shared memory the main thread reads). */
  progress?: { cells: Float64Array; slot: number };
}

/** Slices of a job with progress: each is one runUntil, so reporting costs nothing per event. */
const PROGRESS_SLICES = 200;

export interface JobResult {
  raw: RawResult;
  wallSeconds: number;
}

export function runJob(job: Job): JobResult {
  const model = buildRunModel(job.spec, job.features, job.mode);
  const t0 = process.hrtime.bigint();
  let raw: RawResult;
  if (job.progress) {
    // The same events in the same order as run(): runUntil only stops between timers.
    const sim = new Simulation(model);
    sim.start();
    for (let k = 1; k <= PROGRESS_SLICES; k++) {
      sim.runUntil((model.endCycles * k) / PROGRESS_SLICES);
      job.progress.cells[job.progress.slot] = k / PROGRESS_SLICES;
    }
    raw = sim.finish();
  } else raw = new Simulation(model).run();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { raw, wallSeconds };
}

/** A point of a study: one scenario and seed under several feature sets, sharing one bare-metal run. */
export interface PointJob {
  runIdPrefix: string;
  spec: RunSpec;
  featureSets: number[];
  /** The sets' labels (sweepLabels); absent: canonical. */
  featureLabels?: string[];
  aggregate?: boolean;
}

export interface PointResult {
  summaries: RunSummary[];
  guestEvents: number;
  /** Wall seconds inside the simulation loops (bare metal and every feature set). */
  wallSeconds: number;
  /** Wall seconds of the whole job where it ran: the loops plus building models and summarising. */
  jobSeconds: number;
}

export function runPointJob(job: PointJob): PointResult {
  const t0 = process.hrtime.bigint();
  const native = runJob({ spec: job.spec, features: 0, mode: { nativeMode: true, aggregate: job.aggregate } });
  let events = native.raw.guestEvents;
  let wall = native.wallSeconds;
  const summaries = job.featureSets.map((features, i) => {
    const virt = runJob({ spec: job.spec, features, mode: { aggregate: job.aggregate } });
    events += virt.raw.guestEvents;
    wall += virt.wallSeconds;
    return summarize(virt.raw, native.raw, summaryContext(job.spec, features, runId(job.runIdPrefix, features), job.featureLabels?.[i]));
  });
  return { summaries, guestEvents: events, wallSeconds: wall, jobSeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
