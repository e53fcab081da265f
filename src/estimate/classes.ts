// Workload classes of the estimate's error bands (docs/estimate.md): what the
// analytic model approximates differs by mechanism, so its error is measured,
// and quoted, per class — the kind of workload and whether pCPUs are shared.
import type { RunSpec } from '../request/run-path.js';

export type WorkloadKind = 'closed' | 'open' | 'spin-lock' | 'mixed';
export type Regime = 'dedicated' | 'overcommitted';

export interface EstimateClass {
  kind: WorkloadKind;
  regime: Regime;
  /** "closed, dedicated pCPUs" */
  label: string;
}

export const KIND_TEXT: Record<WorkloadKind, string> = {
  closed: 'closed (units back to back)',
  open: 'open (arrivals; halts and wake-ups)',
  'spin-lock': 'spin-lock (lock contention)',
  mixed: 'mixed (several workloads on one host)',
};
export const REGIME_TEXT: Record<Regime, string> = { dedicated: 'dedicated pCPUs', overcommitted: 'overcommitted pCPUs (time sharing)' };

export function classKey(c: { kind: WorkloadKind; regime: Regime }): string {
  return `${c.kind}/${c.regime}`;
}

/** The class of a run: mixed when it has several workloads, else its kind (a spin lock, an open workload, a closed one), and whether its vCPUs share pCPUs. */
export function estimateClass(spec: RunSpec): EstimateClass {
  const workloads = spec.scenario.vms.map((v) => spec.workloads.get(v.workload)?.workload);
  const distinct = new Set(workloads.map((w) => w?.name));
  const kind: WorkloadKind =
    distinct.size > 1 ? 'mixed' : workloads.some((w) => w?.spinlock) ? 'spin-lock' : workloads.some((w) => w?.kind === 'open') ? 'open' : 'closed';
  const vcpus = spec.scenario.vms.reduce((a, v) => a + v.vcpus * v.count, 0);
  const regime: Regime = spec.scenario.host.scheduler === 'pinned' || vcpus <= spec.scenario.host.pcpus ? 'dedicated' : 'overcommitted';
  return { kind, regime, label: `${kind}, ${REGIME_TEXT[regime]}` };
}

/** The measured error of the estimate in one workload class (docs/estimate.md; written by validation/write-estimate-doc.ts). */
export interface ClassBand {
  kind: WorkloadKind;
  regime: Regime;
  cases: number;
  /** The largest |estimate − exact| of total efficiency in the class, percentage points. */
  worstErrorPp: number;
  meanAbsErrorPp: number;
  /** The same for the worst VM (what capacity's SLAs read). */
  worstVmErrorPp: number;
  /** The largest error of any one VM's efficiency in the class. */
  largestVmErrorPp: number;
}
