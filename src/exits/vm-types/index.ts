// The registry of VM types (types.ts). Each row is one kind of guest; a record keyed by VmType
// anywhere in the code must name every one (adding a type is a compile error until each is filled).
import { VM_TYPES, type VmType } from '../../config/schema.js';
import type { ConfidentialTraits, VmTypeDescriptor } from './types.js';

export type { ConfidentialTraits, VmType, VmTypeDescriptor } from './types.js';
export { VM_TYPES };

const PLAIN: VmTypeDescriptor = { id: 'plain', guestText: 'a VM', plain: true, nested: false, forcedOn: [], forcedOff: [], preemptionTimer: true };

const NESTED: VmTypeDescriptor = { id: 'nested', guestText: 'a nested guest', plain: false, nested: true, forcedOn: [], forcedOff: [], preemptionTimer: true };

/**
 * A TD always has EPT, VPID and APICv with its TPR virtualization (x2APIC and posted interrupts are
 * mandatory: "TDX supports only posted interrupt. No lapic emulation", tdx_deliver_interrupt() in
 * arch/x86/kvm/vmx/tdx.c, torvalds/linux 3829d81b), but no IPI virtualization and no RDTSC exiting
 * (the TDX module owns the TSC); KVM gives it no VMX preemption timer.
 */
const TDX: VmTypeDescriptor = {
  id: 'tdx', guestText: 'a TD', plain: false, nested: false,
  confidential: { arch: 'vmx', capability: 'tdx', technology: 'TDX', carrier: 'TDCALL', perfName: 'TDCALL', via: 'tdvmcall', guestException: 'tdx-ve', guestRequest: 'tdx-tdvmcall-guest', profileSection: 'tdx', snp: false, noVmsaveVmload: false,
    goneWhy: 'the TDX module owns the TSC and the debug registers',
    monitorText: ", monitor the TDX module's own work",
    worldSwitchStages: (b, hostSees, handlerWhat, handlerCycles) => [
      { what: `1 TD exit into the TDX module (SEAM): ${hostSees}`, cycles: b.recordExitInfo, source: 'SDM §28.2; profile stages' },
      { what: '2 save guest state + the module\'s TD-exit work (save and scrub GPRs, XSAVES, guest MSRs, SEAMRET)', cycles: b.saveGuestState, source: 'TDX module td_exit; profile tdx.moduleExitCycles' },
      { what: '4 load host state', cycles: b.loadHostState, source: 'SDM §28.5' },
      { what: handlerWhat, cycles: handlerCycles, source: 'profile handlerCycles' },
      { what: 'TDH.VP.ENTER: SEAMCALL, the module restores the TD (XRSTORS, MSRs, TLB epoch), VM entry', cycles: b.entry, source: 'TDX module; profile tdx.moduleEntryCycles' },
    ],
  },
  forcedOn: ['ept', 'vpid', 'apicv', 'tpr-shadow'], forcedOff: ['ipiv', 'rdtsc-exiting'], apicMode: 'x2apic', preemptionTimer: false,
};

/**
 * An SEV-ES or SEV-SNP guest always has nested paging and ASIDs, and no AVIC: KVM sets
 * APICV_INHIBIT_REASON_SEV ("AVIC is disabled because SEV doesn't support it",
 * arch/x86/include/asm/kvm_host.h) for every SEV guest.
 */
const sev = (id: 'sev-es' | 'sev-snp', technology: string, snp: boolean): VmTypeDescriptor => ({
  id, guestText: `an ${technology} guest`, plain: false, nested: false,
  confidential: { arch: 'svm', capability: snp ? 'sevSnp' : 'sevEs', technology, carrier: 'VMGEXIT', perfName: 'vmgexit', via: 'vmgexit', guestException: 'sev-vc', guestRequest: 'sev-vc', profileSection: 'sev', snp, noVmsaveVmload: true,
    worldSwitchStages: (b, hostSees, handlerWhat, handlerCycles) => [
      { what: `1 #VMEXIT: ${hostSees}`, cycles: b.recordExitInfo, source: 'APM vol. 2 §15.6' },
      { what: '2 save the whole guest state into the encrypted VMSA', cycles: b.saveGuestState, source: 'APM vol. 2 §15.35; profile sev.vmsaExitCycles' },
      { what: '4 load host state from the host save area (no VMSAVE/VMLOAD for SEV-ES)', cycles: b.loadHostState, source: 'KVM __svm_sev_es_vcpu_run' },
      { what: handlerWhat, cycles: handlerCycles, source: 'profile handlerCycles' },
      { what: 'VMRUN: decrypt and check the VMSA, enter the guest', cycles: b.entry, source: 'APM vol. 2 §15.35; profile sev.vmsaEntryCycles' },
    ],
  },
  forcedOn: ['ept', 'vpid'], forcedOff: ['apicv', 'ipiv'], preemptionTimer: true,
});

export const VM_TYPE_DESCRIPTORS: Readonly<Record<VmType, VmTypeDescriptor>> = {
  plain: PLAIN,
  nested: NESTED,
  tdx: TDX,
  'sev-es': sev('sev-es', 'SEV-ES', false),
  'sev-snp': sev('sev-snp', 'SEV-SNP', true),
};

export function vmTypeOf(t: VmType | undefined): VmTypeDescriptor {
  return VM_TYPE_DESCRIPTORS[t ?? 'plain'];
}

/** The confidential traits of a VM type, if it is one. */
export function confidentialOf(t: VmType | undefined): ConfidentialTraits | undefined {
  return vmTypeOf(t).confidential;
}
