// Time to answer (issue 18): capacity with exact runs only (today's search)
// against the multi-fidelity search on a 64-pCPU host, the estimate's time
// against an exact run, and sweep scaling with a per-job profile. Each figure
// is measured in a process of its own (bench/run.ts's inChild), cold, as a user's
// command would be.
import { resolveScenario } from '../src/request/scenario.js';
import { parseFeatureSet } from '../src/exits/features.js';
import { capacitySearch, parseSla } from '../src/experiment/capacity.js';
import { multiFidelitySearch } from '../src/experiment/capacity-search.js';
import { estimateRun } from '../src/estimate/analytic.js';
import { ERROR_BANDS } from '../src/estimate/error-bands.js';
import { runPointJob, type PointResult } from '../src/experiment/job.js';
import { runOnWorkers } from '../src/experiment/pool.js';
import { expandSweep } from '../src/experiment/sweep-spec.js';
import { pointJobOf, studyJobs } from '../src/experiment/study.js';

/** The capacity question: kernel-build VMs of 2 vCPUs on a 64-pCPU host (fair scheduler), every VM at 90% or better. */
export const CAPACITY_CASE = {
  workload: 'kernel-build', pcpus: 64, vcpus: 2, scheduler: 'fair' as const, durationSec: 0.2, warmupSec: 0.02,
  sla: 'efficiency>=90%', features: 'modern', max: 64, replications: 3,
};

function capacityScenario() {
  const c = CAPACITY_CASE;
  return resolveScenario(c.workload, { pcpus: c.pcpus, vcpus: c.vcpus, vms: 1, scheduler: c.scheduler, durationSec: c.durationSec, warmupSec: c.warmupSec });
}

export interface CapacityRun { wall_s: number; max: number; simulations: number; evaluations: string }

export async function capacityRun(search: 'exact' | 'multi-fidelity', workers: number): Promise<CapacityRun> {
  const c = CAPACITY_CASE;
  const r = capacityScenario();
  const slas = [parseSla(c.sla)];
  const t0 = process.hrtime.bigint();
  const opts = { vary: 'vms' as const, max: c.max, replications: c.replications };
  const res = search === 'exact' ? capacitySearch(r, parseFeatureSet(c.features), slas, opts) : await multiFidelitySearch(r, parseFeatureSet(c.features), slas, { ...opts, workers });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall_s: wall, max: res.max, simulations: res.simulations ?? 0, evaluations: res.evaluations.map((e) => `${e.n}/${e.replications}${e.fits ? '+' : '-'}`).join(' ') };
}

/** The estimate of the capacity host at 38 VMs (near its boundary) against one exact run of it, 1 simulated second. */
export function estimateVsExact(): { wall_s: number; exact_wall_s: number; worst_error_pp: number; estimate_efficiency: number; exact_efficiency: number } {
  const r = resolveScenario(CAPACITY_CASE.workload, { pcpus: 64, vcpus: 2, vms: 38, scheduler: 'fair', durationSec: 1, warmupSec: 0.1 });
  const f = parseFeatureSet(CAPACITY_CASE.features);
  estimateRun(r, f); // (first call compiles; the figure is a warm call, as inside a search)
  const t0 = process.hrtime.bigint();
  const e = estimateRun(r, f);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  const x = runPointJob({ runIdPrefix: 'bench', spec: r, featureSets: [f] }).summaries[0];
  const exactWall = Number(process.hrtime.bigint() - t1) / 1e9;
  return {
    wall_s: wall, exact_wall_s: exactWall,
    // The worst error measured on every shipped workload × preset × host shape (docs/estimate.md).
    worst_error_pp: Math.max(...ERROR_BANDS.map((b) => b.worstErrorPp)),
    estimate_efficiency: e.total.efficiency as number, exact_efficiency: x.total.efficiency as number,
  };
}

/** The bench sweep of issue 7 (16 point jobs of kernel-build), `durationSec` simulated each. */
function benchSweep(durationSec: number) {
  return expandSweep(
    {
      name: 'bench-sweep',
      base: { name: 'bench-sweep', host: { pcpus: 4 }, vms: [{ workload: 'kernel-build', vcpus: 2, count: 2 }], durationSec },
      parameters: [{ path: 'seed', values: [1, 101, 201, 301, 401, 501, 601, 701] }],
      featureSets: ['none', 'modern'],
      replications: 2,
    },
    'bench',
  );
}

export interface SweepProfile {
  workers: number;
  jobs: number;
  wall_s: number;
  /** Σ over jobs of their time on a worker, and of the part inside the simulation loops. */
  job_s: number;
  loop_s: number;
  /** The first job on each worker: its extra time over the later ones (module load and JIT warm-up). */
  first_job_s: number;
  later_job_mean_s: number;
}

/** One sweep of 16 jobs on `workers` threads, with where the time went. */
export async function sweepProfile(workers: number, durationSec: number): Promise<SweepProfile> {
  const sweep = benchSweep(durationSec);
  const tasks = studyJobs(sweep, 2).map((j) => pointJobOf(sweep, j));
  const t0 = process.hrtime.bigint();
  const results = await runOnWorkers<typeof tasks[number], PointResult>(tasks, workers, 'point');
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const jobs = results.map((x) => x.jobSeconds);
  const sorted = [...jobs].sort((a, b) => a - b);
  return {
    workers, jobs: tasks.length, wall_s: wall,
    job_s: jobs.reduce((a, x) => a + x, 0), loop_s: results.reduce((a, x) => a + x.wallSeconds, 0),
    first_job_s: Math.max(...jobs), later_job_mean_s: sorted[Math.floor(sorted.length / 2)],
  };
}

/**
 * Speed-up on W workers projected from a one-worker profile: the main thread's own time (wall −
 * Σ jobs) stays serial, each worker pays the first job's warm-up once, the jobs' steady-state time
 * divides among W workers (as equal jobs, longest first, do).
 */
export function projectedSpeedup(one: SweepProfile, workers: number): number {
  const serial = Math.max(0, one.wall_s - one.job_s);
  const warmup = Math.max(0, one.first_job_s - one.later_job_mean_s);
  const steady = one.job_s - warmup;
  return one.wall_s / (serial + warmup + steady / workers);
}
