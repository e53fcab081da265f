// One exit, stage by stage (`exitsim explain`): which decision-table rule
// causes it under a feature set, its handler, and the mean cycles of each
// stage on a CPU profile — the VT-x exit and entry (SDM) or the SVM world
// switch (APM, KVM's vmenter.S). Plain data; output/explain.ts renders it.
import { DEFAULT_MSR_LISTS, type Profile } from '../config/schema.js';
import { softwareDecodeCycles, stageMeans, totalCycles } from './cost.js';
import { DECISION_TABLE, type ExitSpec } from './decision-table.js';
import { FEATURE_BIT } from './features.js';
import { exitReasonCode, exitReasonName } from './reasons.js';
import { avicInhibited } from './resolve.js';
import { nestedExits, type VmType } from './nested.js';
import type { HandlerName } from '../config/schema.js';

export interface ExplainedStage {
  what: string;
  cycles: number;
  source: string;
}

export interface ExitExplanation {
  name: string;
  /** The architectural number: VT-x basic exit reason or SVM #VMEXIT code. */
  number: number;
  arch: 'vmx' | 'svm';
  handler: string;
  location: 'kernel' | 'user';
  /** The decision-table rule that produces it (the first whose conditions match, else the first at all). */
  rule: (typeof DECISION_TABLE)[number] | undefined;
  /** Whether that rule's features match the set (else the exit does not happen with them). */
  happens: boolean;
  /** Why it does not happen although the features name it (KVM inhibits AVIC for x2APIC without x2AVIC). */
  notes: string[];
  stages: ExplainedStage[];
  totalCycles: number;
}

/** The exit name a table entry gives on this architecture (SVM: its NPT-less name without NPT). */
function specName(spec: ExitSpec, arch: 'vmx' | 'svm', features: number): string {
  if (arch === 'vmx') return spec.reason;
  return ((features & FEATURE_BIT.ept) === 0 && spec.svmWithoutNpt) || spec.svm;
}

export function explainExit(reason: number, profile: Profile, features: number, apicMode: 'xapic' | 'x2apic' = 'x2apic', vmType: VmType = 'plain'): ExitExplanation {
  const arch = profile.arch;
  const name = exitReasonName(reason);
  const notes: string[] = [];
  let effective = features;
  const apicRelated = DECISION_TABLE.some((r) => r.when?.features && ('apicv' in r.when.features || 'ipiv' in r.when.features) && r.exits.some((e) => specName(e, arch, features) === name));
  if (avicInhibited(profile, apicMode) && (features & FEATURE_BIT.apicv) !== 0) {
    effective &= ~(FEATURE_BIT.apicv | FEATURE_BIT.ipiv);
    if (apicRelated) notes.push(`${profile.generation} has no x2AVIC: KVM inhibits AVIC for a guest in x2APIC mode, so its APIC is emulated`);
  }
  const rules = DECISION_TABLE.filter((rule) => (!rule.when?.arch || rule.when.arch === arch) && rule.exits.some((e) => specName(e, arch, effective) === name));
  const enabled = (rule: (typeof rules)[number]) =>
    !rule.when?.features || Object.entries(rule.when.features).every(([f, want]) => ((effective & FEATURE_BIT[f as keyof typeof FEATURE_BIT]) !== 0) === want);
  const rule = rules.find(enabled) ?? rules[0];
  const spec = rule?.exits.find((e) => specName(e, arch, effective) === name);
  const handler = spec?.handler ?? 'raw-exit';
  const location = spec?.location ?? 'kernel';
  const b = stageMeans(profile, DEFAULT_MSR_LISTS, handler, location, undefined, effective);
  const decode = softwareDecodeCycles(profile, effective, handler);
  const handlerWhat = location === 'user' ? `handler '${handler}' in user space (+ kernel↔user round trip)` : `handler '${handler}' in the kernel`;
  const handlerStage = { what: decode > 0 ? `${handlerWhat}, with ${decode} cycles of software instruction decode (no decode assists)` : handlerWhat, cycles: b.handlerKernel + b.handlerUser, source: 'profile handlerCycles' };
  const clean = (effective & FEATURE_BIT['vmcb-clean']) !== 0;
  const stages: ExplainedStage[] =
    arch === 'svm'
      ? [
          { what: '1 #VMEXIT: exit code, EXITINFO1/2, next RIP into the VMCB', cycles: b.recordExitInfo, source: 'APM vol. 2 §15.6' },
          { what: '2 #VMEXIT: save guest state into the VMCB', cycles: b.saveGuestState, source: 'APM vol. 2 §15.6' },
          { what: '3 VMSAVE guest FS/GS/TR/LDTR, KernelGSBase, SYSCALL MSRs', cycles: b.msrStore, source: 'KVM vmenter.S; profile svm.vmsaveCycles' },
          { what: '4 #VMEXIT: load host state from the host save area', cycles: b.loadHostState, source: 'APM vol. 2 §15.6' },
          { what: '5 VMLOAD host FS/GS/TR/SYSCALL state', cycles: b.msrLoad, source: 'KVM vmenter.S; profile svm.vmloadCycles' },
          handlerStage,
          { what: `VMLOAD guest + VMRUN (checks, guest state from the VMCB${clean ? ', clean groups kept' : ', every group reloaded: no clean bits'})`, cycles: b.entry, source: 'APM vol. 2 §15.5, §15.15' },
        ]
      : [
          { what: '1 record exit information (exit reason, qualification)', cycles: b.recordExitInfo, source: 'SDM §28.2' },
          { what: '2 save guest state (CRs, DRs, segments, RIP/RSP/RFLAGS)', cycles: b.saveGuestState, source: 'SDM §28.3' },
          { what: `3 VM-exit MSR-store area (${DEFAULT_MSR_LISTS.exitStore} MSRs)`, cycles: b.msrStore, source: 'SDM §28.4' },
          { what: '4 load host state', cycles: b.loadHostState, source: 'SDM §28.5' },
          { what: `5 VM-exit MSR-load area (${DEFAULT_MSR_LISTS.exitLoad} MSRs)`, cycles: b.msrLoad, source: 'SDM §28.6' },
          handlerStage,
          { what: `VM entry (checks, guest state, ${DEFAULT_MSR_LISTS.entryLoad} MSR loads)`, cycles: b.entry, source: 'SDM ch. 27' },
        ];
  if (vmType === 'nested' && location !== undefined) {
    const nestedStages = nestedRoundTrip(reason, profile, effective, handler as HandlerName, location);
    notes.push('a nested guest: the L2 exit reaches L0, which reflects it to the L1 hypervisor (src/exits/nested.ts)');
    return { name, number: exitReasonCode(reason), arch, handler, location, rule, happens: rule !== undefined && enabled(rule), notes, stages: nestedStages, totalCycles: nestedStages.reduce((a, s) => a + s.cycles, 0) };
  }
  return { name, number: exitReasonCode(reason), arch, handler, location, rule, happens: rule !== undefined && enabled(rule), notes, stages, totalCycles: totalCycles(b) };
}

/** A reflected exit through all levels, stage by stage: the steps nestedExits() gives, each with its hardware transition. */
function nestedRoundTrip(reason: number, profile: Profile, features: number, handler: HandlerName, location: 'kernel' | 'user'): ExplainedStage[] {
  const steps = nestedExits([{ reason, handler, location, repeat: 1, probability: 1 }], { arch: profile.arch, features });
  const hw = stageMeans(profile, DEFAULT_MSR_LISTS, 'cpuid', 'kernel', 0, features);
  const exitHw = hw.recordExitInfo + hw.saveGuestState + hw.msrStore + hw.loadHostState + hw.msrLoad;
  const out: ExplainedStage[] = [];
  for (const s of steps) {
    const n = exitReasonName(s.reason);
    if (s.location === 'l1' || s.location === 'l1-user') {
      const b = stageMeans(profile, DEFAULT_MSR_LISTS, s.handler, s.location === 'l1-user' ? 'user' : 'kernel', undefined, features);
      out.push({ what: `L1: its handler '${s.handler}' (L1 guest mode${s.location === 'l1-user' ? ', its user-space VMM' : ''})`, cycles: b.handlerKernel + b.handlerUser, source: 'profile handlerCycles' });
      continue;
    }
    const h = stageMeans(profile, DEFAULT_MSR_LISTS, s.handler, 'kernel', undefined, features).handlerKernel;
    const times = s.repeat > 1 ? ` × ${s.repeat}` : '';
    const from = s.handler === 'nested-vmexit' ? 'L2 → L0' : 'L1 → L0';
    const to = s.handler === 'nested-vmentry' ? 'L0 → L2' : 'L0 → L1';
    const what = s.handler === 'nested-vmexit' ? 'nested VM-exit emulation (sync vmcs02 → vmcs12, load vmcs01)' : s.handler === 'nested-vmentry' ? 'nested VM-entry emulation (checks, prepare_vmcs02, MSR-bitmap merge)' : `emulate ${n}`;
    out.push({ what: `${from}: ${n} exit${times} (hardware)`, cycles: exitHw * s.repeat, source: 'profile stages' });
    out.push({ what: `L0: ${what}${times}`, cycles: h * s.repeat, source: `profile handlerCycles.${s.handler}` });
    out.push({ what: `${to}: entry${times} (hardware)`, cycles: hw.entry * s.repeat, source: 'profile stages' });
  }
  return out;
}
