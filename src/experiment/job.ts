// One simulation job: plain data in, raw counters out. It runs the same in
// the main thread and in a worker thread (no terminal, no files).
import { buildModel } from '../model/build.js';
import { Simulation, type RawResult } from '../engine/simulation.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { featureSetLabel } from '../exits/features.js';
import type { Profile, Scenario, Workload } from '../config/schema.js';

export interface Job {
  scenario: Scenario;
  scenarioFile: string;
  workloads: Array<[string, { workload: Workload; file: string }]>;
  profile: Profile;
  features: number;
  nativeMode: boolean;
  /** Aggregated fast mode (exact when absent). */
  aggregate?: boolean;
}

/** Aggregated mode batches up to ten milliseconds of guest compute per draw (about a time slice). */
export function aggregateBatchCycles(job: { aggregate?: boolean; profile: Profile }): number {
  return job.aggregate ? Math.round(job.profile.frequencyGHz.value * 1e7) : 0;
}

export interface JobResult {
  raw: RawResult;
  wallSeconds: number;
}

export function runJob(job: Job): JobResult {
  const model = buildModel({ ...job, workloads: new Map(job.workloads), aggregateBatchCycles: aggregateBatchCycles(job) });
  const t0 = process.hrtime.bigint();
  const raw = new Simulation(model).run();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { raw, wallSeconds };
}

/** The VM names, workloads and vCPU counts in the order the engine numbers VMs. */
export function vmLayout(scenario: Scenario, workloads: Map<string, { workload: Workload }>): { names: string[]; workloads: string[]; vcpus: number[] } {
  const names: string[] = [];
  const wl: string[] = [];
  const vcpus: number[] = [];
  for (const placement of scenario.vms) {
    const w = workloads.get(placement.workload)?.workload.name ?? placement.workload;
    for (let k = 0; k < placement.count; k++) {
      names.push(placement.count > 1 ? `${w}#${k + 1}` : w);
      wl.push(w);
      vcpus.push(placement.vcpus);
    }
  }
  return { names, workloads: wl, vcpus };
}

/** A point of a study: one scenario and seed under several feature sets, sharing one bare-metal run. */
export interface PointJob {
  runIdPrefix: string;
  scenario: Scenario;
  scenarioFile: string;
  workloads: Array<[string, { workload: Workload; file: string }]>;
  profile: Profile;
  featureSets: number[];
  aggregate?: boolean;
}

export interface PointResult {
  summaries: RunSummary[];
  guestEvents: number;
  wallSeconds: number;
}

export function runPointJob(job: PointJob): PointResult {
  const base = { scenario: job.scenario, scenarioFile: job.scenarioFile, workloads: job.workloads, profile: job.profile, aggregate: job.aggregate };
  const native = runJob({ ...base, features: 0, nativeMode: true });
  const layout = vmLayout(job.scenario, new Map(job.workloads));
  let events = native.raw.guestEvents;
  let wall = native.wallSeconds;
  const summaries = job.featureSets.map((features) => {
    const virt = runJob({ ...base, features, nativeMode: false });
    events += virt.raw.guestEvents;
    wall += virt.wallSeconds;
    const label = featureSetLabel(features);
    return summarize(virt.raw, native.raw, {
      runId: `${job.runIdPrefix}.${label}`.replace(/[^A-Za-z0-9_.,+-]/g, '_'),
      scenario: job.scenario.name,
      profile: job.profile.name,
      features: label,
      seed: job.scenario.seed,
      durationSec: job.scenario.durationSec,
      warmupSec: job.scenario.warmupSec,
      vmNames: layout.names,
      vmWorkloads: layout.workloads,
      vmVcpus: layout.vcpus,
    });
  });
  return { summaries, guestEvents: events, wallSeconds: wall };
}
