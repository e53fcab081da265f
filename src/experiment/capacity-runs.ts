// The runs of a capacity search, each (count n, replication k) simulated once
// and kept: a count re-checked with more replications reuses the ones it has,
// jobs run in parallel on a pool that stays up, and, when the VM count varies,
// the bare-metal runs are shared across counts — with a pCPU per vCPU and
// streams named by VM, bare-metal VM i does the same work whatever the number
// of VMs beside it (a test holds this), so one bare-metal run of the largest
// count serves every smaller one.
import { N_CAT } from '../exits/cost.js';
import type { RawResult } from '../engine/result.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { runJob, type Job, type JobResult } from './job.js';
import { WorkerPool } from './pool.js';
import { runId, summaryContext, type RunSpec } from './run-path.js';
import { withCount } from './capacity.js';
import type { ResolvedScenario } from './scenario.js';

/** The bare-metal counters of the first `vms` VMs of a bare-metal run (what summarize reads of it). */
export function firstVms(native: RawResult, vms: number): RawResult {
  return { ...native, vmUnits: native.vmUnits.subarray(0, vms), vmCycles: native.vmCycles.subarray(0, vms * N_CAT) };
}

export class CapacityRuns {
  private readonly pool: WorkerPool;
  private readonly summaries = new Map<string, RunSummary>();
  /** Per replication: the bare-metal run with the most VMs so far (vary = vms). */
  private readonly natives = new Map<number, { n: number; raw: RawResult }>();
  /** Simulations run so far (bare-metal ones included). */
  simulations = 0;

  constructor(
    private readonly r: ResolvedScenario,
    private readonly features: number,
    private readonly vary: 'vms' | 'vcpus',
    workers: number,
  ) {
    this.pool = new WorkerPool(workers);
  }

  private spec(n: number, k: number): RunSpec {
    const scenario = withCount(this.r, this.vary, n);
    return { scenario: { ...scenario, seed: scenario.seed + k }, file: this.r.file, workloads: this.r.workloads, profile: this.r.profile };
  }

  has(n: number, k: number): boolean {
    return this.summaries.has(`${n}/${k}`);
  }

  /** The runs of count n, replications 0 … reps − 1, simulating the missing ones (all at once). */
  async runs(n: number, reps: number): Promise<RunSummary[]> {
    await this.ensure(Array.from({ length: reps }, (_, k) => ({ n, k })));
    return Array.from({ length: reps }, (_, k) => this.summaries.get(`${n}/${k}`) as RunSummary);
  }

  /** Simulates every (n, k) not yet run, in one batch on the pool. */
  async ensure(wanted: Array<{ n: number; k: number }>): Promise<void> {
    const missing = wanted.filter(({ n, k }) => !this.has(n, k));
    if (missing.length === 0) return;
    const jobs: Job[] = [];
    const nativeFor: Array<{ k: number; n: number } | null> = [];
    if (this.vary === 'vms') {
      // One bare-metal run per replication, of the largest count wanted (unless one is at hand).
      const largest = new Map<number, number>();
      for (const { n, k } of missing) largest.set(k, Math.max(largest.get(k) ?? 0, n));
      for (const [k, n] of largest) {
        if ((this.natives.get(k)?.n ?? 0) >= n) continue;
        jobs.push({ spec: this.spec(n, k), features: 0, mode: { nativeMode: true } });
        nativeFor.push({ k, n });
      }
    } else {
      for (const { n, k } of missing) {
        jobs.push({ spec: this.spec(n, k), features: 0, mode: { nativeMode: true } });
        nativeFor.push(null);
      }
    }
    const nativeJobs = jobs.length;
    for (const { n, k } of missing) jobs.push({ spec: this.spec(n, k), features: this.features, mode: {} });
    // Longest first: a batch ends with its longest job, so it should start first.
    const order = jobs.map((_, i) => i).sort((a, b) => jobSize(jobs[b]) - jobSize(jobs[a]) || a - b);
    const done = await this.pool.run<Job, JobResult>(order.map((i) => jobs[i]), 'job', runJob);
    const results: JobResult[] = new Array(jobs.length);
    order.forEach((i, j) => (results[i] = done[j]));
    this.simulations += jobs.length;
    const perPairNative = new Map<string, RawResult>();
    results.slice(0, nativeJobs).forEach((res, i) => {
      const tag = nativeFor[i];
      if (tag) this.natives.set(tag.k, { n: tag.n, raw: res.raw });
      else perPairNative.set(`${missing[i].n}/${missing[i].k}`, res.raw);
    });
    missing.forEach(({ n, k }, i) => {
      const spec = this.spec(n, k);
      const vms = spec.scenario.vms.reduce((a, v) => a + v.count, 0);
      const native = this.vary === 'vms' ? firstVms((this.natives.get(k) as { raw: RawResult }).raw, vms) : (perPairNative.get(`${n}/${k}`) as RawResult);
      const summary = summarize(results[nativeJobs + i].raw, native, summaryContext(spec, this.features, runId(`capacity.n${n}.r${k}`, this.features)));
      this.summaries.set(`${n}/${k}`, summary);
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** A job's size for ordering: its vCPUs (events grow with them). */
function jobSize(job: Job): number {
  return job.spec.scenario.vms.reduce((a, v) => a + v.count * v.vcpus, 0);
}
