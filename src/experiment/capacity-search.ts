// The multi-fidelity capacity search (issue 18): the analytic estimate points
// at the boundary, exact runs decide it. The answer is defined as the exact
// search defines it (capacity.ts: the worst VM's mean over replications, the
// boundary re-checked with more replications), and this search ends with the
// same re-check; only the way to the boundary differs.
//
// 1. Exact, as the exact search starts: does one VM fit?
// 2. Low fidelity: the estimate of every VM's SLA metric for each count. The SLA
//    reads the worst VM, and the worst of n noisy VMs lies below their mean by
//    about σ·E[max of n standard normals]; σ (and the estimate's bias) come from
//    one exact pilot evaluation at the count the bare estimate points at. The
//    count whose predicted worst VM still meets the SLA is the guess.
// 3. High fidelity: bracket the boundary around the guess with exact runs
//    (galloping outwards, then bisecting), then the exact search's re-check.
//
// Runs are shared (capacity-runs.ts): a count re-checked with more replications
// reuses its runs, bare-metal runs serve every count, jobs run on a pool.
import { expectedMinOfNormals } from '../stats/normal.js';
import { featureSetLabel } from '../exits/features.js';
import { estimateRun, type RunEstimate } from '../estimate/analytic.js';
import { CAPACITY_BOUNDARY_REPLICATION_FACTOR } from './settings.js';
import { CapacityRuns } from './capacity-runs.js';
import { buildRunModel } from '../request/run-path.js';
import { judge, openWorkloadsOf, untriable, withCount, type CapacityOptions, type CapacityResult, type Evaluation, type Sla } from './capacity.js';
import type { RunSummary } from '../metrics/summarize.js';
import type { ResolvedScenario } from '../request/scenario.js';

/** SLA metrics the estimate gives per VM; latency percentiles it does not (those searches bracket with exact runs). */
const ESTIMABLE = new Set(['efficiency', 'throughput_units_per_s']);

export interface MultiFidelityOptions extends CapacityOptions {
  /** Worker threads for the exact runs (default: one per core). */
  workers: number;
}

type VmMetric = (v: RunEstimate['vms'][number] | RunSummary['vms'][number]) => number | null;
const metricOf = (sla: Sla): VmMetric => (v) => (sla.metric === 'efficiency' ? v.efficiency : v.throughput_units_per_s);
const meets = (sla: Sla, x: number) => (sla.op === '>=' ? x >= sla.value : x <= sla.value);

export async function multiFidelitySearch(r: ResolvedScenario, features: number, slas: Sla[], opts: MultiFidelityOptions): Promise<CapacityResult> {
  // Bad input fails here, in this thread, with its message (a worker's error loses its kind).
  const one = { scenario: withCount(r, opts.vary, 1), file: r.file, workloads: r.workloads, profile: r.profile };
  buildRunModel(one, features);
  buildRunModel(one, 0, { nativeMode: true });
  const runs = new CapacityRuns(r, features, opts.vary, opts.workers);
  const strict = opts.replications * CAPACITY_BOUNDARY_REPLICATION_FACTOR;
  const evaluations: Evaluation[] = [];
  const cache = new Map<string, Evaluation>();
  const label = featureSetLabel(features);
  const open = openWorkloadsOf(r);
  // For progress: what a search that guessed right still runs (a count and the next, re-checked), plus
  // a replication set per galloping or bisecting step it has had to take.
  let planned = opts.replications * 2 + strict * 2;
  const done = () => evaluations.reduce((a, e) => a + e.replications, 0);
  const ev = async (n: number, reps = opts.replications): Promise<Evaluation> => {
    const key = `${n}/${reps}`;
    let e = cache.get(key);
    if (e) return e;
    const failed = untriable(r, opts.vary, n);
    e = failed ? { n, replications: 0, fits: false, failed, metrics: {} } : judge(n, await runs.runs(n, reps), slas, open);
    cache.set(key, e);
    evaluations.push(e);
    opts.onEvaluation?.(e, done(), Math.max(0, planned - done()));
    return e;
  };
  const finish = (max: number, atMax: Evaluation | null, estimated: number | null): CapacityResult => ({
    features: label, vary: opts.vary, max, atMax, evaluations, search: 'multi-fidelity', estimated, simulations: runs.simulations,
  });
  try {
    if (!(await ev(1)).fits) return finish(0, null, null);
    // Low fidelity: a model of the worst VM, from the estimate (null for an SLA it has no figure for).
    const model = slas.every((sla) => ESTIMABLE.has(sla.metric)) ? await worstVmModel(r, features, slas, opts, await runs.runs(1, opts.replications)) : null;
    // High fidelity: exact evaluations until two adjacent counts bracket the boundary. lo fits, hi
    // does not (max + 1 until a count fails). Each next count is the model's guess, refitted to the
    // exact figures so far, while one side of the bracket is open; interpolation of the exact
    // figures (regula falsi) once both are known; galloping or halving when a guess makes no progress.
    let lo = 1;
    let hi = opts.max + 1;
    const margins = new Map<number, number>([[1, margin(slas, await ev(1))]]);
    let next = model ? model.guess() : 2;
    // What the estimate pointed at: its guess once it has seen exact runs beyond one VM.
    let firstGuess: number | null = model ? next : null;
    let informed = false;
    // Measure a VM that shares pCPUs before trusting a guess that has some.
    const probe = model?.probe(next) ?? null;
    if (probe !== null && probe < next) next = probe;
    // A run of guesses on the same side means the model is off: widen the steps (galloping), or, with
    // the bracket closed on both sides, bisect.
    let streak = 0;
    let lastSide = 0;
    while (hi - lo > 1) {
      const n = Math.min(Math.max(next, lo + 1), hi - 1);
      // The model's boundary pair in one batch (parallel on the pool): n expected to fit, n + 1 not.
      if (model && n + 1 < hi && untriable(r, opts.vary, n + 1) === '') await runs.ensure(pairOf(n, opts.replications));
      const e = await ev(n);
      margins.set(n, margin(slas, e));
      const side = e.fits ? 1 : -1;
      streak = side === lastSide ? streak + 1 : 0;
      lastSide = side;
      if (e.fits) lo = n;
      else hi = n;
      if (hi - lo <= 1) break;
      planned += opts.replications;
      if (model && e.replications > 0) model.observe(n, await runs.runs(n, opts.replications), e);
      const closed = hi <= opts.max && lo > 1;
      if (model) {
        // The model's boundary pair (g, g + 1): measure the first of them not yet known.
        const g = model.guess();
        if (!informed) {
          firstGuess = g;
          informed = true;
        }
        next = g > lo ? Math.min(g, hi - 1) : lo + 1;
        if (streak >= 1) next = e.fits ? Math.max(next, n + 2 ** streak) : Math.min(next, n - 2 ** streak);
        // Never more than double the largest count known to fit (as the exact search's doubling): a
        // model that is wrong far out must not send the search to the most expensive counts.
        if (hi > opts.max) next = Math.min(next, 2 * lo);
        if (closed && streak >= 2) next = Math.floor((lo + hi) / 2);
      } else if (closed) {
        // No model (an SLA the estimate has no figure for): interpolate the exact margins.
        const mLo = margins.get(lo) as number;
        const mHi = margins.get(hi) as number;
        next = streak >= 2 || !(mLo - mHi > 0) ? Math.floor((lo + hi) / 2) : Math.round(lo + (mLo / (mLo - mHi)) * (hi - lo));
      } else next = e.fits ? 2 * n : Math.floor((lo + hi) / 2);
    }
    // The exact search's re-check of the boundary, with its replications (both counts' runs in one batch).
    await runs.ensure(lo < opts.max && untriable(r, opts.vary, lo + 1) === '' ? pairOf(lo, strict) : pairOf(lo, strict).filter((x) => x.n === lo));
    while (lo > 1 && !(await ev(lo, strict)).fits) lo--;
    while (lo < opts.max && (await ev(lo + 1, strict)).fits) lo++;
    return finish(lo, await ev(lo, strict), firstGuess);
  } finally {
    await runs.close();
  }
}

/** The runs of counts n and n + 1, replications 0 … reps − 1. */
function pairOf(n: number, reps: number): Array<{ n: number; k: number }> {
  return [n, n + 1].flatMap((c) => Array.from({ length: reps }, (_, k) => ({ n: c, k })));
}

/** An evaluation's distance from its SLAs, relative to each threshold: ≥ 0 when every SLA is met. */
function margin(slas: Sla[], e: Evaluation): number {
  if (e.replications === 0) return -1;
  let worst = Infinity;
  for (const sla of slas) {
    const x = e.metrics[sla.metric];
    if (x === null || x === undefined) return -1;
    const scale = Math.abs(sla.value) > 0 ? Math.abs(sla.value) : 1;
    worst = Math.min(worst, ((sla.op === '>=' ? 1 : -1) * (x - sla.value)) / scale);
  }
  return worst;
}

interface WorstVmModel {
  /** The largest count whose predicted worst VM meets every SLA. */
  guess(): number;
  /** Takes the exact runs of count n and their evaluation into the model (per VM, against the estimate). */
  observe(n: number, runs: RunSummary[], e?: Evaluation): void;
  /** A count worth measuring first when the model has not seen VMs that share pCPUs yet (null when it has, or none do). */
  probe(upTo: number): number | null;
}

/** VMs whose vCPUs the estimate has sharing a pCPU (time sharing makes their figures far noisier). */
const SHARED = 1.0001;

/**
 * A model of the SLA's worst VM. Each VM's metric is the estimate's mean for it plus a bias, plus
 * normal noise; the SLA reads the worst VM, whose expectation is that of the smallest of these
 * normals (expectedMinOfNormals). Bias and spread are measured from the exact runs, VM by VM, in two
 * groups: VMs with pCPUs of their own (spread scaled by √(u₁/u), u the VM's units per second) and VMs
 * that share pCPUs (their own bias and spread: a VM that waits for a pCPU half the time finishes its
 * units in bursts, which the estimate's mean does not show). Until a sharing VM is measured, the
 * dedicated spread stands in for it.
 */
async function worstVmModel(r: ResolvedScenario, features: number, slas: Sla[], opts: MultiFidelityOptions, one: RunSummary[]): Promise<WorstVmModel> {
  const estimates = new Map<number, RunEstimate>();
  const estimateAt = (n: number) => {
    let e = estimates.get(n);
    if (!e) {
      const scenario = withCount(r, opts.vary, n);
      e = estimateRun({ scenario, file: r.file, workloads: r.workloads, profile: r.profile }, features);
      estimates.set(n, e);
    }
    return e;
  };
  const u1 = Math.max(estimateAt(1).vms[0].throughput_units_per_s, 1e-9);
  const scaleOf = (v: RunEstimate['vms'][number]) => Math.sqrt(u1 / Math.max(v.throughput_units_per_s, 1e-9));
  // Residuals (measured − estimated), per SLA: dedicated ones normalised by their scale.
  const dedicated = slas.map(() => [] as number[]);
  const shared = slas.map(() => [] as number[]);
  const seen = new Set<number>();
  // The spread on the side the SLA reads: the lower semideviation for a floor (efficiency ≥ x), the
  // upper one for a ceiling — the same as the standard deviation for normal noise, but per-VM
  // efficiencies are skewed (a partial unit at a window's edge lifts a few far above the mean).
  const stats = (xs: number[], s: number) => {
    const mean = xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
    const low = slas[s].op === '>=';
    const tail = xs.filter((x) => (low ? x < mean : x > mean));
    const sd = tail.length > 1 ? Math.sqrt(tail.reduce((a, x) => a + (x - mean) ** 2, 0) / tail.length) : 0;
    return { mean, sd, n: xs.length };
  };
  // Measured worst VM minus the model's, at each count evaluated beyond one: the model's remaining
  // error where it matters (the worst of many VMs is not quite the minimum of independent normals).
  const worstSeen = slas.map(() => [] as Array<{ n: number; measured: number }>);
  const correction = (s: number) => (worstSeen[s].length > 0 ? worstSeen[s].reduce((a, p) => a + p.measured - modelled(p.n, s), 0) / worstSeen[s].length : 0);
  const predicted = (n: number, s: number) => modelled(n, s) + correction(s);
  const modelled = (n: number, s: number) => {
    const sla = slas[s];
    const m = metricOf(sla);
    const sign = sla.op === '>=' ? 1 : -1;
    const d = stats(dedicated[s], s);
    const sh = shared[s].length >= 3 ? stats(shared[s], s) : null;
    const vms = estimateAt(n).vms;
    const means = vms.map((v) => sign * ((m(v) ?? 0) + (v.pcpu_sharing > SHARED && sh ? sh.mean : d.mean)));
    const sds = vms.map((v) => (v.pcpu_sharing > SHARED && sh ? sh.sd : d.sd * scaleOf(v)));
    return sign * expectedMinOfNormals(means, sds);
  };
  const fits = (n: number) => untriable(r, opts.vary, n) === '' && slas.every((sla, s) => meets(sla, predicted(n, s)));
  const model: WorstVmModel = {
    observe(n, runs, e) {
      if (seen.has(n)) return;
      seen.add(n);
      const vms = estimateAt(n).vms;
      if (e && n > 1) slas.forEach((sla, s) => {
        const measured = e.metrics[sla.metric];
        if (measured !== null && measured !== undefined) worstSeen[s].push({ n, measured });
      });
      slas.forEach((sla, s) => {
        const m = metricOf(sla);
        for (const run of runs) run.vms.forEach((v, i) => {
          const x = m(v);
          const mu = m(vms[i]);
          if (x === null || mu === null) return;
          if (vms[i].pcpu_sharing > SHARED) shared[s].push(x - mu);
          else dedicated[s].push((x - mu) / scaleOf(vms[i]));
        });
      });
    },
    probe(upTo) {
      if (shared.some((xs) => xs.length >= 3)) return null;
      for (let n = 2; n <= Math.min(upTo, opts.max); n = n < 8 ? n + 1 : n) {
        if (n >= 8) {
          // The first count with a sharing VM, by bisection on [8, upTo] (sharing only grows with the count).
          let lo = 7;
          let hi = Math.min(upTo, opts.max);
          if (!estimateAt(hi).vms.some((v) => v.pcpu_sharing > SHARED)) return null;
          while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (estimateAt(mid).vms.some((v) => v.pcpu_sharing > SHARED)) hi = mid;
            else lo = mid;
          }
          return hi;
        }
        if (estimateAt(n).vms.some((v) => v.pcpu_sharing > SHARED)) return n;
      }
      return null;
    },
    guess() {
      // Doubling then bisecting: a search over a large --max stays at a few dozen estimates.
      if (!fits(1)) return 1;
      let lo = 1;
      let hi = 2;
      while (hi <= opts.max && fits(hi)) {
        lo = hi;
        hi *= 2;
      }
      hi = Math.min(hi, opts.max + 1);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (fits(mid)) lo = mid;
        else hi = mid;
      }
      return lo;
    },
  };
  model.observe(1, one);
  return model;
}
