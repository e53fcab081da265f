// Cost composition of one exit round trip (SPEC §1, §10): the five exit steps,
// the handler (kernel, or user space plus the kernel↔user round trip), and VM
// entry. Mean cycles only; the engine draws each stage around these means.
import type { HandlerName, Profile, VmType } from '../config/schema.js';
import { confidentialOf, type ConfidentialTraits } from './vm-types/index.js';
import { FEATURE_BIT } from './features.js';
import { CATEGORY_NAMES, N_CAT, categoryIndex } from './categories.js';

/** Accounting categories by index, in the order an exit's stages happen (the rows are in categories.ts). */
export const CAT = {
  GUEST: categoryIndex('guest'),
  EXIT_RECORD: categoryIndex('exit_record'),
  EXIT_SAVE_GUEST: categoryIndex('exit_save_guest'),
  EXIT_MSR_STORE: categoryIndex('exit_msr_store'),
  EXIT_LOAD_HOST: categoryIndex('exit_load_host'),
  EXIT_MSR_LOAD: categoryIndex('exit_msr_load'),
  HANDLER_KERNEL: categoryIndex('handler_kernel'),
  HANDLER_USER: categoryIndex('handler_user'),
  /** Nested guests: an L1 hypervisor's handler, run in L1 guest mode for an exit of its L2 guest. */
  HANDLER_L1: categoryIndex('handler_l1'),
  /** Confidential VMs: the guest's own #VE/#VC handling of what would have been an exit, and its bounce-buffer copies (no exit of its own). */
  HANDLER_GUEST: categoryIndex('handler_guest'),
  /** Confidential VMs: the security monitor answering the guest without the host (TDX module emulation, page acceptance). */
  MONITOR: categoryIndex('monitor'),
  ENTRY: categoryIndex('entry'),
  INDIRECT_TLB_REFILL: categoryIndex('indirect_tlb_refill'),
  INDIRECT_2D_WALK: categoryIndex('indirect_2d_walk'),
  HOST_SCHED: categoryIndex('host_sched'),
  SPIN: categoryIndex('spin'),
  HALT_POLL: categoryIndex('halt_poll'),
  IDLE: categoryIndex('idle'),
} as const;
export { CATEGORY_NAMES, N_CAT };

export interface MsrLists {
  exitStore: number;
  exitLoad: number;
  entryLoad: number;
}

export interface StageBreakdown {
  recordExitInfo: number;
  saveGuestState: number;
  msrStore: number;
  loadHostState: number;
  msrLoad: number;
  handlerKernel: number;
  handlerUser: number;
  entry: number;
}

export function handlerMeanCycles(profile: Profile, handler: HandlerName): number {
  const h = profile.handlerCycles[handler];
  if (!h) throw new Error(`profile '${profile.name}' has no handler cost for '${handler}'`);
  return h.value;
}

/**
 * SVM handlers that must fetch and decode the exiting instruction in software when the CPU has no
 * next-RIP save and decode assists: every intercepted instruction KVM skips (svm.c
 * svm_skip_emulated_instruction falls back to the emulator, EMULTYPE_SKIP, without NRIPS) and the
 * NPF/#PF emulations that read the instruction from guest memory (decode assists copy its bytes
 * into the VMCB). IOIO needs neither: EXITINFO2 holds the next RIP on every SVM part.
 */
export const SOFTWARE_DECODE_HANDLERS: ReadonlySet<HandlerName> = new Set<HandlerName>([
  'cpuid', 'vmcall', 'msr-read', 'msr-write', 'msr-write-icr', 'msr-write-eoi', 'timer-program', 'hlt', 'rdtsc',
  'dr-access', 'tpr-write', 'cr3-write-shadow', 'invlpg-shadow', 'mmio-kernel', 'mmio-user', 'apic-access-eoi',
  'apic-access-icr', 'pt-write-emulate', 'wbinvd', 'invd',
]);

/** Extra handler cycles for a software instruction decode (SVM without decode assists; 0 otherwise). */
export function softwareDecodeCycles(profile: Profile, features: number, handler: HandlerName): number {
  // Only an SVM profile has svm costs (the schema says so): no decode assists means software decode.
  if (!profile.svm || (features & FEATURE_BIT['decode-assists']) !== 0) return 0;
  return SOFTWARE_DECODE_HANDLERS.has(handler) ? profile.svm.softwareDecodeCycles.value : 0;
}

/**
 * Mean cycles of each stage of one round trip. On SVM the same seven slots hold the SVM world
 * switch (KVM's __svm_vcpu_run, arch/x86/kvm/svm/vmenter.S): #VMEXIT writes the exit code and
 * EXITINFO to the VMCB (record) and saves guest state into it (save guest), KVM's VMSAVE of the
 * guest's FS/GS/TR/SYSCALL state (the MSR-store slot), #VMEXIT's load of host state, KVM's VMLOAD of
 * the host's (the MSR-load slot), the handler, and VMLOAD of the guest's plus VMRUN (entry), which
 * skips state groups whose VMCB clean bits are set.
 */
export function stageMeans(
  profile: Profile,
  msr: MsrLists,
  handler: HandlerName,
  location: 'kernel' | 'user',
  handlerOverrideCycles?: number,
  features = 0,
  vmType: VmType = 'plain',
): StageBreakdown {
  const s = profile.stages;
  const handlerCycles = handlerOverrideCycles ?? handlerMeanCycles(profile, handler) + softwareDecodeCycles(profile, features, handler);
  const handlers = {
    handlerKernel: location === 'kernel' ? handlerCycles : 0,
    handlerUser: location === 'user' ? handlerCycles + profile.kernelUserRoundTripCycles.value : 0,
  };
  const svm = profile.svm; // an SVM profile's (the schema allows it nowhere else)
  const clean = svm && (features & FEATURE_BIT['vmcb-clean']) !== 0 ? svm.cleanBitsSavedCycles.value : 0;
  const confidential = confidentialSwitch(profile, vmType);
  if (confidential) {
    // The confidential world switches: the TDX module's or the encrypted VMSA's work on top of the
    // hardware exit and entry, and no MSR slots — the module (TDX) or the hardware (SEV-ES) switches
    // that state, not KVM's MSR lists or VMSAVE/VMLOAD.
    return {
      recordExitInfo: s.recordExitInfoCycles.value,
      saveGuestState: s.saveGuestStateCycles.value + confidential.exitCycles,
      msrStore: 0,
      loadHostState: s.loadHostStateCycles.value,
      msrLoad: 0,
      ...handlers,
      entry: s.entryCycles.value + confidential.entryCycles - clean,
    };
  }
  const arm64 = profile.arm64; // an arm64 profile's (the schema allows it nowhere else)
  if (arm64) {
    // arm64 KVM's world switch in the same seven slots (arch/arm64/kvm/hyp/): the trap to EL2
    // (record), the guest's GPRs and timer/debug state (save guest), the vGIC's state — and in split
    // mode the guest's EL1 system registers — saved (MSR-store slot), the way back to the host
    // (load host: in split mode an ERET into the host kernel at EL1), the host's EL1 system registers
    // (MSR-load slot: split mode only; under VHE they are switched at vcpu_load/put, not per exit),
    // the handler, and entry (split mode: the HVC back to EL2 and the same registers the other way).
    const split = (features & FEATURE_BIT.vhe) === 0;
    const sysregSave = split ? arm64.el1SysregSaveCycles.value : 0;
    const sysregRestore = split ? arm64.el1SysregRestoreCycles.value : 0;
    const hostSwitchHalf = split ? arm64.hostSwitchCycles.value / 2 : 0;
    return {
      recordExitInfo: s.recordExitInfoCycles.value,
      saveGuestState: s.saveGuestStateCycles.value,
      msrStore: arm64.vgicSaveCycles.value + sysregSave,
      loadHostState: s.loadHostStateCycles.value + hostSwitchHalf,
      msrLoad: sysregRestore,
      ...handlers,
      entry: s.entryCycles.value + arm64.vgicRestoreCycles.value + hostSwitchHalf + sysregSave + sysregRestore,
    };
  }
  if (svm) {
    return {
      recordExitInfo: s.recordExitInfoCycles.value,
      saveGuestState: s.saveGuestStateCycles.value,
      msrStore: svm.vmsaveCycles.value,
      loadHostState: s.loadHostStateCycles.value,
      msrLoad: svm.vmloadCycles.value,
      ...handlers,
      entry: svm.vmloadCycles.value + s.entryCycles.value - clean,
    };
  }
  return {
    recordExitInfo: s.recordExitInfoCycles.value,
    saveGuestState: s.saveGuestStateCycles.value,
    msrStore: s.perMsrCycles.value * msr.exitStore,
    loadHostState: s.loadHostStateCycles.value,
    msrLoad: s.perMsrCycles.value * msr.exitLoad,
    ...handlers,
    entry: s.entryCycles.value + s.perMsrCycles.value * msr.entryLoad,
  };
}

/**
 * What a confidential VM's world switch adds to the hardware exit and entry. A TD exit lands in the
 * TDX module (SEAM), which saves and scrubs the TD's state and MSRs and SEAMRETs to the host;
 * TDH.VP.ENTER (a SEAMCALL) restores it and enters the TD. An SEV-ES/SNP #VMEXIT saves the whole guest
 * state into the encrypted VMSA and restores the host's from its save area, VMRUN the reverse (KVM's
 * __svm_sev_es_vcpu_run runs no VMSAVE/VMLOAD). Undefined for other VMs.
 */
const CONFIDENTIAL_SWITCH: Record<ConfidentialTraits['profileSection'], (p: Profile) => { exitCycles: number; entryCycles: number } | undefined> = {
  tdx: (p) => (p.tdx ? { exitCycles: p.tdx.moduleExitCycles.value, entryCycles: p.tdx.moduleEntryCycles.value } : undefined),
  sev: (p) => (p.sev ? { exitCycles: p.sev.vmsaExitCycles.value, entryCycles: p.sev.vmsaEntryCycles.value } : undefined),
};

function confidentialSwitch(profile: Profile, vmType: VmType): { exitCycles: number; entryCycles: number } | undefined {
  const c = confidentialOf(vmType);
  return c ? CONFIDENTIAL_SWITCH[c.profileSection](profile) : undefined;
}

export function totalCycles(b: StageBreakdown): number {
  return (
    b.recordExitInfo + b.saveGuestState + b.msrStore + b.loadHostState + b.msrLoad + b.handlerKernel + b.handlerUser + b.entry
  );
}

/** The hardware part of a round trip: exit steps 1–5 and entry, no handler. */
export function hardwareRoundTripCycles(profile: Profile, msr: MsrLists, features = 0, vmType: VmType = 'plain'): number {
  const b = stageMeans(profile, msr, 'cpuid', 'kernel', 0, features, vmType);
  return totalCycles(b);
}
