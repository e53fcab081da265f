// Capacity search (issue 4): the largest number of VMs (or vCPUs per VM) a
// host takes while every VM keeps its SLA, per feature set. Each candidate is
// judged on the mean over replications of the worst VM; the search brackets
// the answer by doubling, bisects, then re-checks the boundary with twice the
// replications so one noisy run cannot move the answer.
import { CAPACITY_BOUNDARY_REPLICATION_FACTOR } from './settings.js';
import { produce } from 'immer';
import { InputError, describeValue } from '../config/errors.js';
import { featureSetLabel } from '../exits/features.js';
import { estimate } from '../stats/confidence.js';
import type { RunSummary } from '../metrics/summarize.js';
import { runPointJob } from './job.js';
import type { ResolvedScenario } from '../request/scenario.js';

export type SlaMetric = 'efficiency' | 'throughput_units_per_s' | 'p50_latency_us' | 'p95_latency_us' | 'p99_latency_us';

export interface Sla {
  metric: SlaMetric;
  op: '>=' | '<=';
  value: number;
  text: string;
}

const METRICS: SlaMetric[] = ['efficiency', 'throughput_units_per_s', 'p50_latency_us', 'p95_latency_us', 'p99_latency_us'];

export function parseSla(text: string): Sla {
  const m = /^\s*([a-z0-9_]+)\s*(>=|<=)\s*([0-9.eE+-]+)\s*(%?)\s*$/.exec(text);
  const metric = m?.[1] as SlaMetric | undefined;
  const value = m ? Number(m[3]) : NaN;
  if (!m || !METRICS.includes(metric as SlaMetric) || !Number.isFinite(value) || value < 0 || (m[4] === '%' && metric !== 'efficiency')) {
    throw new InputError('command line', '--sla', `METRIC>=X or METRIC<=X with METRIC one of ${METRICS.join(', ')} (efficiency in percent, as every screen shows it: efficiency>=85%)`, describeValue(text));
  }
  if (metric === 'efficiency') {
    // Percent, as the screens show it; a bare fraction would silently mean under 1%.
    if (value > 100 || (m[4] !== '%' && value <= 1)) {
      throw new InputError('command line', '--sla', `efficiency in percent, above 1 and at most 100 (efficiency>=85 or efficiency>=85%)`, `${describeValue(text)}${value > 0 && value <= 1 ? ` — did you mean efficiency${m[2]}${+(value * 100).toFixed(4)}%?` : ''}`);
    }
    return { metric, op: m[2] as '>=' | '<=', value: value / 100, text: `${metric}${m[2]}${value}%` };
  }
  return { metric: metric as SlaMetric, op: m[2] as '>=' | '<=', value, text: text.trim() };
}

/** The SLA metric of the worst VM of a run. */
function worst(s: RunSummary, sla: Sla): number | null {
  const per = s.vms.map((vm) => {
    switch (sla.metric) {
      case 'efficiency':
        return vm.efficiency;
      case 'throughput_units_per_s':
        return vm.throughput_units_per_s;
      case 'p50_latency_us':
        return vm.unit_latency_us.p50;
      case 'p95_latency_us':
        return vm.unit_latency_us.p95;
      default:
        return vm.unit_latency_us.p99;
    }
  });
  if (per.some((x) => x === null)) return null;
  const xs = per as number[];
  return sla.op === '>=' ? Math.min(...xs) : Math.max(...xs);
}

export interface Evaluation {
  n: number;
  replications: number;
  fits: boolean;
  /** Why it does not fit ('' when it does). */
  failed: string;
  metrics: Record<string, number | null>;
}

export interface CapacityResult {
  /** The set's label: as the user wrote it, else canonical. */
  features: string;
  /** The set, canonically (absent: as features). */
  features_canonical?: string;
  vary: 'vms' | 'vcpus';
  /** 0 when not even one fits. */
  max: number;
  /** How the answer was searched for: 'exact' or 'multi-fidelity'. */
  search?: string;
  /** Multi-fidelity: the count the estimate (with the measured noise of the worst VM) pointed at; null when it was not used. */
  estimated?: number | null;
  /** Simulations run (each replication of each count, bare-metal runs included). */
  simulations?: number;
  atMax: Evaluation | null;
  evaluations: Evaluation[];
}

export interface CapacityOptions {
  vary: 'vms' | 'vcpus';
  max: number;
  replications: number;
  /** Told of each new evaluation, the simulation runs so far and an estimate of the runs still to come (for progress). */
  onEvaluation?: (e: Evaluation, runs: number, runsLeft: number) => void;
}

function withN(r: ResolvedScenario, vary: 'vms' | 'vcpus', n: number) {
  return produce(r.scenario, (s) => {
    if (vary === 'vms') s.vms[0].count = n;
    else s.vms[0].vcpus = n;
  });
}

/** The scenario of `r` with `n` VMs (or vCPUs per VM). */
export function withCount(r: ResolvedScenario, vary: 'vms' | 'vcpus', n: number) {
  return withN(r, vary, n);
}

/** Why `n` cannot even be tried ('' when it can): the pinned scheduler needs a pCPU per vCPU. */
export function untriable(r: ResolvedScenario, vary: 'vms' | 'vcpus', n: number): string {
  const scenario = withN(r, vary, n);
  const vcpus = scenario.vms.reduce((a, v) => a + v.vcpus * v.count, 0);
  return scenario.host.scheduler === 'pinned' && vcpus > scenario.host.pcpus ? `pinned: ${vcpus} vCPUs on ${scenario.host.pcpus} pCPUs` : '';
}

/**
 * An open workload's VM keeps up with its arrivals when it drops none and serves most of what bare
 * metal serves of the same arrivals; a VM that serves less has a queue that grows without bound. The
 * margin is wide (10%) because a stable queue also lags within a finite window (its units still in
 * flight) and the share is noisy: a near-threshold test flips between counts, and the capacity
 * searches need a verdict that grows with the count.
 */
export const SERVED_SHARE_MIN = 0.9;

/** The workloads of `r` that are open (arrivals at a rate, whatever the host does). */
export function openWorkloadsOf(r: ResolvedScenario): Set<string> {
  return new Set([...r.workloads.values()].filter((w) => w.workload.kind === 'open').map((w) => w.workload.name));
}

/** The worst open VM of a run: the share of bare metal's throughput it served (and the share it needed), and the arrivals dropped. */
function served(s: RunSummary, open: ReadonlySet<string>): { share: number; needed: number; dropped: number } | null {
  const vms = s.vms.filter((vm) => open.has(vm.workload) && vm.native_throughput_units_per_s > 0);
  if (vms.length === 0) return null;
  return { share: Math.min(...vms.map((vm) => vm.throughput_units_per_s / vm.native_throughput_units_per_s)), needed: SERVED_SHARE_MIN, dropped: vms.reduce((a, vm) => a + vm.dropped_arrivals, 0) };
}

/**
 * Judges count `n` from its replications' runs: the mean over them of the worst VM, against each SLA.
 * A VM of an open workload (`open`) that cannot keep up with its arrivals fails every SLA: its
 * efficiency and latencies describe the part of the load it served, not the load.
 */
export function judge(n: number, runs: RunSummary[], slas: Sla[], open: ReadonlySet<string> = new Set()): Evaluation {
  const metrics: Record<string, number | null> = {};
  const failures: string[] = [];
  const keptUp = runs.map((s) => served(s, open)).filter((x) => x !== null);
  if (keptUp.length > 0) {
    const share = keptUp.reduce((a, x) => a + x.share, 0) / keptUp.length;
    const needed = keptUp.reduce((a, x) => a + x.needed, 0) / keptUp.length;
    const dropped = keptUp.reduce((a, x) => a + x.dropped, 0);
    metrics.served_share = share;
    if (share < needed || dropped > 0) {
      failures.push(`saturated (served ${(share * 100).toFixed(1)}% of bare metal's units/s${dropped > 0 ? `, dropped ${dropped} arrivals` : ''})`);
    }
  }
  for (const sla of slas) {
    const e = estimate(runs.map((s) => worst(s, sla)));
    metrics[sla.metric] = e.mean;
    const ok = e.mean !== null && (sla.op === '>=' ? e.mean >= sla.value : e.mean <= sla.value);
    // In the SLA's own unit: an efficiency in percent, as it was written.
    const shown = e.mean === null ? 'n/a' : sla.metric === 'efficiency' ? `${(e.mean * 100).toFixed(2)}%` : String(Number(e.mean.toPrecision(4)));
    if (!ok) failures.push(`${sla.text} (worst VM ${shown})`);
  }
  return { n, replications: runs.length, fits: failures.length === 0, failed: failures.join('; '), metrics };
}

export function evaluate(r: ResolvedScenario, features: number, slas: Sla[], vary: 'vms' | 'vcpus', n: number, replications: number): Evaluation {
  const failed = untriable(r, vary, n);
  if (failed) return { n, replications: 0, fits: false, failed, metrics: {} };
  const scenario = withN(r, vary, n);
  const runs: RunSummary[] = [];
  for (let k = 0; k < replications; k++) {
    const res = runPointJob({
      runIdPrefix: `capacity.n${n}.r${k}`,
      spec: { scenario: { ...scenario, seed: scenario.seed + k }, file: r.file, workloads: r.workloads, profile: r.profile, guestOses: r.guestOses },
      featureSets: [features],
    });
    runs.push(res.summaries[0]);
  }
  return judge(n, runs, slas, openWorkloadsOf(r));
}

/** Today's search with exact runs only (`--search exact`): the reference the multi-fidelity search must agree with. */
export function capacitySearch(r: ResolvedScenario, features: number, slas: Sla[], opts: CapacityOptions): CapacityResult {
  const cache = new Map<string, Evaluation>();
  const evaluations: Evaluation[] = [];
  // The search's state, for the estimate of what is left: doubling until a count fails, then
  // halving [lo, hi), then the boundary re-checked with more replications (two counts at least).
  let lo = 1;
  let hi = 2;
  let bracketed = false;
  const strict = opts.replications * CAPACITY_BOUNDARY_REPLICATION_FACTOR;
  const runsLeft = () => {
    const doubling = bracketed ? 0 : Math.max(0, Math.ceil(Math.log2((opts.max + 1) / hi)));
    const halving = Math.ceil(Math.log2(Math.max(1, (bracketed ? hi : Math.min(2 * hi, opts.max + 1)) - lo)));
    return (doubling + halving) * opts.replications + 2 * strict;
  };
  const ev = (n: number, reps = opts.replications) => {
    const key = `${n}/${reps}`;
    let e = cache.get(key);
    if (!e) {
      e = evaluate(r, features, slas, opts.vary, n, reps);
      cache.set(key, e);
      evaluations.push(e);
      opts.onEvaluation?.(e, evaluations.reduce((a, x) => a + x.replications, 0), runsLeft());
    }
    return e;
  };
  const label = featureSetLabel(features);
  if (!ev(1).fits) return { features: label, vary: opts.vary, max: 0, atMax: null, evaluations, search: 'exact', estimated: null, simulations: 2 * opts.replications };
  // Bracket: lo fits, hi does not (or hi = max + 1).
  while (hi <= opts.max && ev(hi).fits) {
    lo = hi;
    hi *= 2;
  }
  hi = Math.min(hi, opts.max + 1);
  bracketed = true;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ev(mid).fits) lo = mid;
    else hi = mid;
  }
  // Re-check the boundary with twice the replications; step down (or up) if noise misled the search.
  while (lo > 1 && !ev(lo, strict).fits) lo--;
  while (lo < opts.max && ev(lo + 1, strict).fits) lo++;
  const atMax = ev(lo, strict);
  // Each replication is a bare-metal run and a virtualized one.
  return { features: label, vary: opts.vary, max: lo, atMax, evaluations, search: 'exact', estimated: null, simulations: 2 * evaluations.reduce((a, e) => a + e.replications, 0) };
}
