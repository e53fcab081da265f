// Runs a scenario under one or more feature sets plus its bare-metal twin,
// on worker threads when there is more than one job, and summarises each run.
import os from 'node:os';
import { Tinypool } from 'tinypool';
import { buildModel } from '../model/build.js';
import { featureSetLabel } from '../exits/features.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { runJob, vmLayout, type Job, type JobResult } from './job.js';
import type { ResolvedScenario } from './scenario.js';

export interface RunOptions {
  workers?: number;
  /** Aggregated fast mode. */
  aggregate?: boolean;
}

export async function runJobs(jobs: Job[], opts: RunOptions = {}): Promise<JobResult[]> {
  const workers = Math.max(1, Math.min(opts.workers ?? os.availableParallelism(), jobs.length));
  if (workers <= 1) return jobs.map(runJob);
  const pool = new Tinypool({ filename: new URL('./worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers });
  try {
    return await Promise.all(jobs.map((job) => pool.run(job) as Promise<JobResult>));
  } finally {
    await pool.destroy();
  }
}

export function runId(r: ResolvedScenario, features: number): string {
  return `${r.scenario.name}.${featureSetLabel(features)}.s${r.scenario.seed}`.replace(/[^A-Za-z0-9_.,+-]/g, '_');
}

export interface ScenarioRun {
  summaries: RunSummary[];
  wallSeconds: number;
  guestEvents: number;
}

/** Runs `r` under each feature set (common random numbers: same seed) and once on bare metal. */
export async function runScenario(r: ResolvedScenario, featureSets: number[], opts: RunOptions = {}): Promise<ScenarioRun> {
  return (await runScenarios([{ resolved: r, featureSets }], opts))[0];
}

/** Several scenarios at once, so every job shares one worker pool. */
export async function runScenarios(items: Array<{ resolved: ResolvedScenario; featureSets: number[] }>, opts: RunOptions = {}): Promise<ScenarioRun[]> {
  const jobs: Job[] = [];
  for (const { resolved: r, featureSets } of items) {
    // Build every model first so bad input fails before any simulation starts.
    for (const f of featureSets) buildModel({ scenario: r.scenario, scenarioFile: r.file, workloads: r.workloads, profile: r.profile, features: f, nativeMode: false });
    const base = { scenario: r.scenario, scenarioFile: r.file, workloads: [...r.workloads.entries()], profile: r.profile, aggregate: opts.aggregate };
    jobs.push({ ...base, features: 0, nativeMode: true }, ...featureSets.map((f) => ({ ...base, features: f, nativeMode: false })));
  }
  const results = await runJobs(jobs, opts);
  let k = 0;
  return items.map(({ resolved: r, featureSets }) => {
    const mine = results.slice(k, k + featureSets.length + 1);
    k += featureSets.length + 1;
    const native = mine[0].raw;
    const layout = vmLayout(r.scenario, r.workloads);
    const summaries = featureSets.map((f, i) =>
      summarize(mine[i + 1].raw, native, {
        runId: runId(r, f),
        scenario: r.scenario.name,
        profile: r.profile.name,
        features: featureSetLabel(f),
        seed: r.scenario.seed,
        durationSec: r.scenario.durationSec,
        warmupSec: r.scenario.warmupSec,
        vmNames: layout.names,
        vmWorkloads: layout.workloads,
        vmVcpus: layout.vcpus,
      }),
    );
    return {
      summaries,
      wallSeconds: mine.reduce((a, x) => a + x.wallSeconds, 0),
      guestEvents: mine.reduce((a, x) => a + x.raw.guestEvents, 0),
    };
  });
}
