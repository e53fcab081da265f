// The runs of a capacity search, each (count n, replication k) simulated once
// and kept: a count re-checked with more replications reuses the ones it has,
// jobs run in parallel on a pool that stays up, and, when the VM count varies,
// the bare-metal runs are shared across counts — with a pCPU per vCPU and
// streams named by VM, bare-metal VM i does the same work whatever the number
// of VMs beside it (a test holds this), so bare-metal VMs are run once each:
// a larger count runs only its new VMs (named by their index in the scenario).
import { N_CAT } from '../exits/cost.js';
import type { RawResult } from '../engine/result.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { runJob, type Job, type JobResult } from './job.js';
import { WorkerPool } from './pool.js';
import { runId, summaryContext, type RunSpec } from '../request/run-path.js';
import { withCount } from './capacity.js';
import type { ResolvedScenario } from '../request/scenario.js';

/** Bare-metal counters of VMs 0 … n − 1, gathered from runs of consecutive VMs (what summarize reads of them). */
class NativeVms {
  count = 0;
  private units = new Float64Array(0);
  private cycles = new Float64Array(0);
  private base: RawResult | null = null;

  /** Appends a run of the next VMs. */
  add(raw: RawResult): void {
    const n = raw.vmUnits.length;
    const units = new Float64Array(this.count + n);
    units.set(this.units);
    units.set(raw.vmUnits, this.count);
    const cycles = new Float64Array((this.count + n) * N_CAT);
    cycles.set(this.cycles);
    cycles.set(raw.vmCycles, this.count * N_CAT);
    this.units = units;
    this.cycles = cycles;
    this.count += n;
    this.base ??= raw;
  }

  /** VMs 0 … n − 1 as one bare-metal result. */
  first(n: number): RawResult {
    return { ...(this.base as RawResult), vmUnits: this.units.subarray(0, n), vmCycles: this.cycles.subarray(0, n * N_CAT) };
  }
}

export class CapacityRuns {
  private readonly pool: WorkerPool;
  private readonly summaries = new Map<string, RunSummary>();
  /** Per replication: its bare-metal VMs so far (when only the count of one kind of VM varies). */
  private readonly natives = new Map<number, NativeVms>();
  private readonly sharedNatives: boolean;
  /** Simulations run so far (bare-metal ones included). */
  simulations = 0;

  constructor(
    private readonly r: ResolvedScenario,
    private readonly features: number,
    private readonly vary: 'vms' | 'vcpus',
    workers: number,
  ) {
    this.pool = new WorkerPool(workers);
    // Later placements' VMs are numbered after the varied ones, so their streams move with the count.
    this.sharedNatives = vary === 'vms' && r.scenario.vms.length === 1;
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
    const nativeFor: Array<{ k: number } | null> = [];
    if (this.sharedNatives) {
      // Per replication, the VMs not yet run on bare metal, up to the largest count wanted.
      const largest = new Map<number, number>();
      for (const { n, k } of missing) largest.set(k, Math.max(largest.get(k) ?? 0, n));
      for (const [k, n] of largest) {
        const have = this.natives.get(k)?.count ?? 0;
        if (have >= n) continue;
        const spec = this.spec(n - have, k);
        jobs.push({ spec, features: 0, mode: { nativeMode: true, firstVmIndex: have } });
        nativeFor.push({ k });
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
      if (tag) {
        const vms = this.natives.get(tag.k) ?? new NativeVms();
        vms.add(res.raw);
        this.natives.set(tag.k, vms);
      } else perPairNative.set(`${missing[i].n}/${missing[i].k}`, res.raw);
    });
    missing.forEach(({ n, k }, i) => {
      const spec = this.spec(n, k);
      const vms = spec.scenario.vms.reduce((a, v) => a + v.count, 0);
      const native = this.sharedNatives ? (this.natives.get(k) as NativeVms).first(vms) : (perPairNative.get(`${n}/${k}`) as RawResult);
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
