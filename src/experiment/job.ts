// One simulation job: plain data in, raw counters out. It runs the same in
// the main thread and in a worker thread (no terminal, no files).
import { buildModel } from '../model/build.js';
import { Simulation, type RawResult } from '../engine/simulation.js';
import type { Profile, Scenario, Workload } from '../config/schema.js';

export interface Job {
  scenario: Scenario;
  scenarioFile: string;
  workloads: Array<[string, { workload: Workload; file: string }]>;
  profile: Profile;
  features: number;
  nativeMode: boolean;
}

export interface JobResult {
  raw: RawResult;
  wallSeconds: number;
}

export function runJob(job: Job): JobResult {
  const model = buildModel({ ...job, workloads: new Map(job.workloads) });
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
