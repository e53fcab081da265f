// Sensitivity analysis (issue 3): perturb each cost and rate parameter by
// ±x% (one at a time, same seed, so common random numbers isolate the effect)
// and rank parameters by the swing they cause in efficiency.
import { FEATURE_BIT } from '../exits/features.js';
import { archOf } from '../exits/arch/index.js';
import { confidentialOf, type ConfidentialTraits } from '../exits/vm-types/index.js';
import { produce, type Draft } from 'immer';
import type { Profile, Workload } from '../config/schema.js';
import { summarize } from '../metrics/summarize.js';
import { runJobs, type RunOptions } from './runner.js';
import type { Job } from './job.js';
import { buildRunModel, runId, summaryContext } from '../request/run-path.js';
import type { ResolvedScenario } from '../request/scenario.js';

export interface Parameter {
  name: string;
  /** Scales the parameter by `factor` in a copy of the inputs. */
  apply: (inputs: { profile: Profile; workloads: Map<string, { workload: Workload; file: string }> }, factor: number) => {
    profile: Profile;
    workloads: Map<string, { workload: Workload; file: string }>;
  };
  /** Does it change bare metal too (workload parameters do, profile costs do not)? */
  affectsNative: boolean;
}

export interface SensitivityRow {
  parameter: string;
  efficiency_minus: number | null;
  efficiency_base: number | null;
  efficiency_plus: number | null;
  /** |efficiency(+x%) − efficiency(−x%)| in percentage points. */
  swing_pp: number;
}

const scaleProfile = (name: string, f: (d: Draft<Profile>, k: number) => void): Parameter => ({
  name,
  affectsNative: false,
  apply: ({ profile, workloads }, k) => ({ profile: produce(profile, (d) => f(d, k)), workloads }),
});

const scaleWorkload = (wname: string, label: string, name: string, f: (d: Draft<Workload>, k: number) => void): Parameter => ({
  name: `${label}: ${name}`,
  affectsNative: true,
  apply: ({ profile, workloads }, k) => {
    const copy = new Map(workloads);
    const entry = copy.get(wname)!;
    copy.set(wname, { ...entry, workload: produce(entry.workload, (d) => f(d, k)) });
    return { profile, workloads: copy };
  },
});

const r = Math.round;

/** The world-switch costs of each confidential profile section (the TDX module's transitions, the SEV-ES VMSA swap). */
const SECTION_COSTS: Record<ConfidentialTraits['profileSection'], readonly string[]> = {
  tdx: ['moduleExitCycles', 'moduleEntryCycles'],
  sev: ['vmsaExitCycles', 'vmsaEntryCycles'],
};

/** The parameters of a resolved scenario that a perturbation can move. */
export function parametersOf(res: ResolvedScenario, features: number): Parameter[] {
  const model = buildRunModel(res, features);
  const ps: Parameter[] = [];
  // (SVM runs no MSR lists: perMsrCycles is not a cost there; its VMSAVE/VMLOAD and the rest are.)
  const msrLists = archOf(res.profile).msrLists;
  for (const stage of ['recordExitInfoCycles', 'saveGuestStateCycles', 'loadHostStateCycles', 'entryCycles', ...(msrLists ? ['perMsrCycles' as const] : [])] as const) {
    ps.push(scaleProfile(`profile: stages.${stage}`, (d, k) => void (d.stages[stage].value = r(d.stages[stage].value * k))));
  }
  const c = confidentialOf(res.scenario.vmType);
  const sev = c?.noVmsaveVmload ?? false;
  if (res.profile.svm) {
    const on = (n: 'vmcb-clean' | 'decode-assists') => (features & FEATURE_BIT[n]) !== 0;
    // An SEV-ES guest's world switch runs no VMSAVE/VMLOAD (the VMSA costs below stand in for them).
    const costs = [...(sev ? [] : (['vmsaveCycles', 'vmloadCycles'] as const)), ...(on('vmcb-clean') ? ['cleanBitsSavedCycles' as const] : []), ...(on('decode-assists') || sev ? [] : ['softwareDecodeCycles' as const])] as const;
    for (const cost of costs) {
      ps.push(scaleProfile(`profile: svm.${cost}`, (d, k) => {
        if (d.svm) d.svm[cost].value = r(d.svm[cost].value * k);
      }));
    }
  }
  // The confidential world switches: the TDX module's transition work, the SEV-ES VMSA swap.
  if (c) {
    const section = c.profileSection;
    for (const cost of SECTION_COSTS[section]) {
      ps.push(scaleProfile(`profile: ${section}.${cost}`, (d, k) => {
        const costs = d[section] as Record<string, { value: number }> | undefined;
        if (costs) costs[cost].value = r(costs[cost].value * k);
      }));
    }
  }
  if (c && res.workloads.size > 0 && [...res.workloads.values()].some((w) => w.workload.devices.some((d) => (d.dmaBytesPerOp ?? 0) > 0))) {
    for (const cost of ['mapCycles', 'copyCyclesPerByte'] as const) {
      ps.push(scaleProfile(`profile: bounce.${cost}`, (d, k) => {
        if (d.bounce) d.bounce[cost].value = cost === 'mapCycles' ? r(d.bounce[cost].value * k) : d.bounce[cost].value * k;
      }));
    }
  }
  for (const h of model.handlersUsed) {
    ps.push(scaleProfile(`profile: handlerCycles.${h}`, (d, k) => {
      const c = d.handlerCycles[h as keyof typeof d.handlerCycles];
      if (c) c.value = r(c.value * k);
    }));
  }
  ps.push(scaleProfile('profile: kernelUserRoundTripCycles', (d, k) => void (d.kernelUserRoundTripCycles.value = r(d.kernelUserRoundTripCycles.value * k))));
  ps.push(scaleProfile('profile: hostContextSwitchCycles', (d, k) => void (d.hostContextSwitchCycles.value = r(d.hostContextSwitchCycles.value * k))));
  if (res.scenario.host.scheduler !== 'pinned') {
    ps.push(scaleProfile('profile: vmcsMigrationCycles', (d, k) => void (d.vmcsMigrationCycles.value = r(d.vmcsMigrationCycles.value * k))));
  }
  if (model.pleWindowCycles > 0) ps.push(scaleProfile('profile: pleWindowCycles', (d, k) => void (d.pleWindowCycles.value = r(d.pleWindowCycles.value * k))));
  if (model.vms.some((v) => v.walkCyclesPerUnit > 0)) {
    ps.push(scaleProfile('profile: memoryReferenceCycles', (d, k) => void (d.memoryReferenceCycles.value = d.memoryReferenceCycles.value * k)));
  }
  for (const [wname, { workload }] of res.workloads) {
    ps.push(scaleWorkload(wname, workload.name, 'cyclesPerUnit', (d, k) => void (d.cyclesPerUnit *= k)));
    if (workload.arrivalsPerSec !== undefined) ps.push(scaleWorkload(wname, workload.name, 'arrivalsPerSec', (d, k) => void (d.arrivalsPerSec = (d.arrivalsPerSec as number) * k)));
    ps.push(scaleWorkload(wname, workload.name, 'interruptHandlerCycles', (d, k) => void (d.interruptHandlerCycles *= k)));
    workload.events.forEach((ev, i) => {
      const field = 'perWallSec' in ev ? 'perWallSec' : ev.perUnit !== undefined ? 'perUnit' : 'perGuestSec';
      const label = `events[${i}] ${ev.kind}${'device' in ev && ev.device ? ` (${ev.device})` : ''}${'msr' in ev && ev.msr ? ` (${ev.msr})` : ''}.${field}`;
      ps.push(scaleWorkload(wname, workload.name, label, (d, k) => {
        const e = d.events[i] as Record<string, unknown>;
        e[field] = (e[field] as number) * k;
      }));
    });
    if (workload.spinlock) {
      ps.push(scaleWorkload(wname, workload.name, 'spinlock.holdCycles', (d, k) => void (d.spinlock!.holdCycles *= k)));
      ps.push(scaleWorkload(wname, workload.name, 'spinlock.acquiresPerUnit', (d, k) => void (d.spinlock!.acquiresPerUnit *= k)));
    }
    if (workload.tlb) {
      ps.push(scaleWorkload(wname, workload.name, 'tlb.missesPerUnit', (d, k) => void (d.tlb!.missesPerUnit *= k)));
      ps.push(scaleWorkload(wname, workload.name, 'tlb.refillCyclesAfterFlush', (d, k) => void (d.tlb!.refillCyclesAfterFlush *= k)));
    }
  }
  return ps;
}

export async function sensitivity(res: ResolvedScenario, features: number, deltaPct: number, opts: RunOptions = {}): Promise<SensitivityRow[]> {
  const params = parametersOf(res, features);
  const jobOf = (profile: Profile, workloads: Map<string, { workload: Workload; file: string }>, nativeMode: boolean): Job => ({
    spec: { scenario: res.scenario, file: res.file, profile, workloads, guestOses: res.guestOses }, features, mode: { nativeMode },
  });
  const jobs: Job[] = [jobOf(res.profile, res.workloads, true), jobOf(res.profile, res.workloads, false)];
  // Per parameter: virt −, virt +, and for workload parameters native −, native +.
  const index: Array<{ minus: number; plus: number; nMinus: number; nPlus: number }> = [];
  for (const p of params) {
    const lo = p.apply(res, 1 - deltaPct / 100);
    const hi = p.apply(res, 1 + deltaPct / 100);
    const minus = jobs.push(jobOf(lo.profile, lo.workloads, false)) - 1;
    const plus = jobs.push(jobOf(hi.profile, hi.workloads, false)) - 1;
    const nMinus = p.affectsNative ? jobs.push(jobOf(lo.profile, lo.workloads, true)) - 1 : 0;
    const nPlus = p.affectsNative ? jobs.push(jobOf(hi.profile, hi.workloads, true)) - 1 : 0;
    index.push({ minus, plus, nMinus, nPlus });
  }
  const results = await runJobs(jobs, opts);
  const context = summaryContext(res, features, runId('sensitivity', features));
  const eff = (virt: number, native: number) => summarize(results[virt].raw, results[native].raw, context).total.efficiency;
  const baseEff = eff(1, 0);
  const rows = params.map((p, i) => {
    const ix = index[i];
    const minus = eff(ix.minus, ix.nMinus);
    const plus = eff(ix.plus, ix.nPlus);
    return {
      parameter: p.name,
      efficiency_minus: minus,
      efficiency_base: baseEff,
      efficiency_plus: plus,
      swing_pp: minus === null || plus === null ? 0 : Math.round(Math.abs(plus - minus) * 1e6) / 1e4,
    };
  });
  return rows.sort((a, b) => b.swing_pp - a.swing_pp || a.parameter.localeCompare(b.parameter));
}
