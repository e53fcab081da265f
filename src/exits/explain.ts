// One exit, stage by stage (`exitsim explain`): which decision-table rule
// causes it under a feature set, its handler, and the mean cycles of each
// stage on a CPU profile — the VT-x exit and entry (SDM) or the SVM world
// switch (APM, KVM's vmenter.S). Plain data; output/explain.ts renders it.
import { DEFAULT_MSR_LISTS, type Profile } from '../config/schema.js';
import { softwareDecodeCycles, stageMeans, totalCycles } from './cost.js';
import { DECISION_TABLE, type ExitSpec } from './decision-table.js';
import { archOf, exitNameOn, type Arch } from './arch/index.js';
import { confidentialOf, vmTypeOf, type ConfidentialTraits } from './vm-types/index.js';
import { FEATURE_BIT, vmEffectiveFeatures } from './features.js';
import { cvmExitOfSlot, exitReasonCode, exitReasonName, parseExitReason } from './reasons.js';
import { avicInhibited } from './resolve.js';
import { nestedExits, type VmType } from './nested.js';
import { confidentialExits, isConfidential, type ConfidentialVmType } from './confidential.js';
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
  arch: Arch;
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
  /** The kind of guest the exit happens in. */
  vmType: VmType;
}

/** The exit name a table entry gives on this architecture (SVM: its NPT-less name without NPT). */
function specName(spec: ExitSpec, arch: Arch, features: number): string {
  return exitNameOn(arch, spec.exit, features);
}

export function explainExit(asked: number, profile: Profile, givenFeatures: number, givenApicMode: 'xapic' | 'x2apic' = 'x2apic', vmType: VmType = 'plain'): ExitExplanation {
  const arch = profile.arch;
  const notes: string[] = [];
  // A TDCALL/VMGEXIT sub-leaf is explained as the exit it stands in for (TDVMCALL_IO: IO_INSTRUCTION).
  const cvm = cvmExitOfSlot(asked);
  const reason = cvm?.standsFor !== undefined ? (parseExitReason(cvm.standsFor, arch) ?? asked) : asked;
  if (cvm?.standsFor !== undefined) notes.push(`${cvm.name} is a confidential guest's request standing in for ${cvm.standsFor}: explained as that exit`);
  const name = exitReasonName(reason);
  // What a VM of this type runs with (a TD: APICv, no IPIv, x2APIC; an SEV-ES guest: no AVIC).
  const features = vmEffectiveFeatures(givenFeatures, vmType);
  const apicMode = vmTypeOf(vmType).apicMode ?? givenApicMode;
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
  const stages: ExplainedStage[] = archOf(arch).worldSwitchStages(b, { clean, vhe: (effective & FEATURE_BIT.vhe) !== 0, handlerStage });
  if (isConfidential(vmType)) {
    const cvmStages = confidentialRoundTrip(reason, profile, effective, handler as HandlerName, location, vmType, notes);
    const gone = cvmStages.length === 0;
    return { name, number: exitReasonCode(reason), arch, handler, location, rule, happens: !gone && rule !== undefined && enabled(rule), notes, stages: cvmStages, totalCycles: cvmStages.reduce((a, st) => a + st.cycles, 0), vmType };
  }
  if (vmTypeOf(vmType).nested && location !== undefined) {
    const nestedStages = nestedRoundTrip(reason, profile, effective, handler as HandlerName, location);
    notes.push('a nested guest: the L2 exit reaches L0, which reflects it to the L1 hypervisor (src/exits/nested.ts)');
    return { name, number: exitReasonCode(reason), arch, handler, location, rule, happens: rule !== undefined && enabled(rule), notes, stages: nestedStages, totalCycles: nestedStages.reduce((a, s) => a + s.cycles, 0), vmType };
  }
  return { name, number: exitReasonCode(reason), arch, handler, location, rule, happens: rule !== undefined && enabled(rule), notes, stages, totalCycles: totalCycles(b), vmType };
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
    const entry = s.handler === 'nested-vmentry' || s.handler === 'nested-vmentry-evmcs';
    // L1's own instructions that exit: VMREAD/VMWRITE (VT-x), VMLOAD/VMSAVE and CLGI/STGI (SVM), VMRESUME/VMRUN.
    const l1Own = entry || L1_INSTRUCTION_HANDLERS.has(s.handler);
    // L2's own exits that L0 keeps: its EPT02 fill after L1 filled EPT12 (nested EPT), the host tick.
    const l0Own = !l1Own && s.handler !== 'nested-vmexit';
    const from = l1Own ? 'L1 → L0' : 'L2 → L0';
    const to = entry || l0Own ? 'L0 → L2' : 'L0 → L1';
    const what =
      s.handler === 'nested-vmexit'
        ? 'nested VM-exit emulation (sync vmcs02 → vmcs12, load vmcs01)'
        : s.handler === 'nested-vmentry'
          ? 'nested VM-entry emulation (checks, prepare_vmcs02, MSR-bitmap merge)'
          : s.handler === 'nested-vmentry-evmcs'
            ? 'nested VM-entry from an enlightened VMCS (dirty field groups only, no MSR-bitmap merge)'
            : s.handler === 'ept-violation' && l0Own
              ? 'fill EPT02 from L1\'s EPT12 and its own EPT01 (L2 retries after L1\'s fix)'
              : `emulate ${n}`;
    out.push({ what: `${from}: ${n} exit${times} (hardware)`, cycles: exitHw * s.repeat, source: 'profile stages' });
    out.push({ what: `L0: ${what}${times}`, cycles: h * s.repeat, source: `profile handlerCycles.${s.handler}` });
    out.push({ what: `${to}: entry${times} (hardware)`, cycles: hw.entry * s.repeat, source: 'profile stages' });
  }
  return out;
}

const L1_INSTRUCTION_HANDLERS: ReadonlySet<string> = new Set(['vmread-emulate', 'vmwrite-emulate', 'svm-vmload-vmsave-emulate', 'svm-gif-emulate']);

/** What a confidential guest or the TDX module does for an exit without a host exit of its own. */
const CONFIDENTIAL_STEP: Partial<Record<HandlerName, string>> = {
  'tdx-ve': 'guest: #VE — the instruction exits into the TDX module, which injects a #VE; the guest\'s handler runs TDG.VP.VEINFO.GET, decodes, and calls the host',
  'tdx-tdvmcall-guest': 'guest: prepares a TDG.VP.VMCALL itself (paravirtual, no #VE)',
  'sev-vc': 'guest: #VC — its handler decodes the instruction, fills the GHCB and runs VMGEXIT; checks the results afterwards',
  'snp-cpuid-table': 'guest: #VC answered from the SNP CPUID page (no VMGEXIT)',
  'snp-pvalidate': 'guest: PVALIDATE of the new private page (and its share of the page-state change)',
  'tdx-module-cpuid': 'TDX module: answers the CPUID itself (VM exit into SEAM, lookup, VM entry; no host)',
  'tdx-page-accept': 'TDX module: TDG.MEM.PAGE.ACCEPT of the private page (a TDCALL; clears it)',
};

/**
 * A confidential VM's exit through each path, stage by stage: the guest's #VE/#VC, the security
 * monitor, and the host round trip with the TD-exit or VMSA world switch (cost.ts). Empty when the
 * exit cannot happen in that VM.
 */
function confidentialRoundTrip(
  reason: number,
  profile: Profile,
  features: number,
  handler: HandlerName,
  location: 'kernel' | 'user',
  vmType: ConfidentialVmType,
  notes: string[],
): ExplainedStage[] {
  const steps = confidentialExits([{ reason, handler, location, repeat: 1, probability: 1 }], { vmType });
  const cycles = (h: HandlerName) => profile.handlerCycles[h]?.value ?? 0;
  const out: ExplainedStage[] = [];
  const c = confidentialOf(vmType) as ConfidentialTraits;
  if (steps.length === 0) notes.push(`${exitReasonName(reason)} does not exit in ${vmTypeOf(vmType).guestText}${c.goneWhy ? `: ${c.goneWhy}` : ''}`);
  for (const st of steps) {
    if (st.location === 'guest' || st.location === 'monitor') {
      out.push({ what: CONFIDENTIAL_STEP[st.handler] ?? st.handler, cycles: cycles(st.handler), source: `profile handlerCycles.${st.handler}` });
      continue;
    }
    const b = stageMeans(profile, DEFAULT_MSR_LISTS, st.handler, st.location === 'user' ? 'user' : 'kernel', undefined, features, vmType);
    const sub = cvmExitOfSlot(st.reason);
    const hostSees = sub ? `${sub.carrier === 'TDCALL' ? 'TDCALL' : 'VMGEXIT'} (sub-leaf ${sub.name})` : exitReasonName(st.reason);
    if (sub) notes.push(`the host sees ${sub.carrier === 'TDCALL' ? 'exit reason TDCALL (77)' : '#VMEXIT VMGEXIT (0x403)'}; perf kvm stat counts every such request in one bucket — exitsim keeps the sub-leaf: ${sub.name}`);
    const ghcb = st.via === 'vmgexit' ? cycles('sev-ghcb-sync') : 0;
    const handlerCycles = b.handlerKernel + b.handlerUser + ghcb;
    const handlerWhat = `host: handler '${st.handler}'${st.location === 'user' ? ' in user space (+ kernel↔user round trip)' : ''}${ghcb > 0 ? ` + ${ghcb} cycles reading and writing the GHCB` : ''}`;
    out.push(...(c.worldSwitchStages(b, hostSees, handlerWhat, handlerCycles)));
  }
  return out;
}
