// The VM-type room: what a kind of guest is to the rest of exitsim — a plain VM, a nested (L2) guest,
// an Intel TD, an SEV-ES or SEV-SNP guest, next a guest being migrated. One descriptor each behind
// the registry (index.ts); code outside asks the descriptor instead of comparing the type's name.
import type { HandlerName, VmType } from '../../config/schema.js';
import type { Arch } from '../arch/types.js';
import type { FeatureName } from '../features.js';
import type { StageBreakdown } from '../cost.js';
import type { ExplainedStage } from '../explain.js';

export type { VmType };

/** How a confidential VM type talks to its host, and what it pays at each transition. */
export interface ConfidentialTraits {
  /** The CPU architecture it needs, and the profile capability that says the CPU has it. */
  arch: Arch;
  capability: 'tdx' | 'sevEs' | 'sevSnp';
  /** The technology's name in messages: TDX, SEV-ES, SEV-SNP. */
  technology: string;
  /** The exit that carries its requests: TDCALL (VT-x reason 77) or VMGEXIT (#VMEXIT 0x403). */
  carrier: 'TDCALL' | 'VMGEXIT';
  /** The name perf kvm stat gives every such request (one bucket, whatever the sub-leaf). */
  perfName: 'TDCALL' | 'vmgexit';
  /** How a request reaches the host (the host reads its arguments there). */
  via: 'tdvmcall' | 'vmgexit';
  /** The guest's own handler of an exception (#VE, #VC) and of a paravirtual request without one. */
  guestException: HandlerName;
  guestRequest: HandlerName;
  /** The profile section with its world-switch costs (the TDX module's transitions, the VMSA swap). */
  profileSection: 'tdx' | 'sev';
  /** What its security monitor's own work is called in the run summary (the monitor category), where it has one. */
  monitorText?: string;
  /** Its world switch replaces SVM's VMSAVE/VMLOAD (and software decode): the encrypted VMSA swap of SEV-ES and SNP. */
  noVmsaveVmload: boolean;
  /** Why an exit the decision table gives cannot happen in this guest (explain's note), where the type says. */
  goneWhy?: string;
  /** A request's round trip stage by stage as `explain` prints it (hostSees: the exit and sub-leaf the host sees). */
  worldSwitchStages(b: StageBreakdown, hostSees: string, handlerWhat: string, handlerCycles: number): ExplainedStage[];
  /** SEV-SNP: CPUID from the CPUID page and PVALIDATE on first touch (dispositions in confidential.ts). */
  snp: boolean;
}

export interface VmTypeDescriptor {
  id: VmType;
  /** A guest of this type in prose: "a VM", "a nested guest", "a TD", "an SEV-ES guest". */
  guestText: string;
  /** A plain VM: one guest on the host's hypervisor, nothing in between. */
  plain: boolean;
  /** An L2 guest of an L1 hypervisor: its exits reach L0 first, most are reflected to L1. */
  nested: boolean;
  confidential?: ConfidentialTraits;
  /** Features the VM always has, and never has, whatever the set asks (vmEffectiveFeatures). */
  forcedOn: readonly FeatureName[];
  forcedOff: readonly FeatureName[];
  /** An APIC mode the type requires (a TD: x2APIC). */
  apicMode?: 'x2apic';
  /** Whether KVM gives it the VMX preemption timer (a TD's timers are host hrtimers). */
  preemptionTimer: boolean;
}
