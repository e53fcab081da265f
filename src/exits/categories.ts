// The cost categories as data (SPEC §7, §10): every pCPU cycle is booked in exactly one. One row
// each, in the order an exit's stages happen: its CSV column (`<column>_cycles`, `<column>_share`),
// its group in the figures, what it means, and each architecture's name for it (SVM's VMSAVE sits in
// the slot VT-x fills with its MSR-store list). Adding a category is one row here, plus where the
// engine books it.
import type { Arch } from './arch/types.js';

/** Figure groups, in stacking order (each one colour: 18 categories overran any safe palette). */
export const STAGE_GROUP_NAMES = ['guest', 'exit (hw)', 'handler', 'entry', 'TLB, 2-D walk', 'sched, spin', 'halt poll', 'idle'] as const;
export type StageGroup = (typeof STAGE_GROUP_NAMES)[number];

export interface CategoryRow {
  /** The CSV and JSON column (cycles_by_stage, `<column>_cycles`). */
  column: string;
  group: StageGroup;
  meaning: string;
  /** The category as each architecture's world switch does it (where it differs from `meaning`). */
  archName: Readonly<Partial<Record<Arch, string>>>;
}

export const CATEGORIES = [
  { column: 'guest', group: 'guest', meaning: 'the guest running its own work', archName: {} },
  { column: 'exit_record', group: 'exit (hw)', meaning: 'VM exit: the CPU recording the exit information', archName: { vmx: 'exit reason and qualification into the VMCS', svm: '#VMEXIT: exit code, EXITINFO1/2, next RIP into the VMCB' } },
  { column: 'exit_save_guest', group: 'exit (hw)', meaning: 'VM exit: saving guest state', archName: { vmx: 'guest state into the VMCS', svm: 'guest state into the VMCB' } },
  { column: 'exit_msr_store', group: 'exit (hw)', meaning: 'VM exit: storing guest MSRs (VM-exit MSR-store list)', archName: { vmx: 'VM-exit MSR-store list', svm: 'VMSAVE of the guest FS/GS/TR/LDTR, KernelGSBase and SYSCALL MSRs' } },
  { column: 'exit_load_host', group: 'exit (hw)', meaning: 'VM exit: loading host state', archName: { vmx: 'host state from the VMCS', svm: 'host state from the host save area' } },
  { column: 'exit_msr_load', group: 'exit (hw)', meaning: 'VM exit: loading host MSRs (VM-exit MSR-load list)', archName: { vmx: 'VM-exit MSR-load list', svm: 'VMLOAD of the host FS/GS/TR/SYSCALL state' } },
  { column: 'handler_kernel', group: 'handler', meaning: "the hypervisor's in-kernel exit handler", archName: {} },
  { column: 'handler_user', group: 'handler', meaning: 'the user-space VMM (device emulation) for exits that reach it', archName: {} },
  { column: 'handler_l1', group: 'handler', meaning: "nested guests: the L1 hypervisor's handlers of its L2 guest's exits (run in L1 guest mode)", archName: {} },
  { column: 'handler_guest', group: 'handler', meaning: "confidential VMs: the guest's own #VE (TDX) or #VC (SEV-ES/SNP) handling of what would have been an exit, and its DMA copies through bounce buffers", archName: {} },
  { column: 'monitor', group: 'handler', meaning: 'confidential VMs: the TDX module answering the guest without the host (CPUID it emulates, page acceptance)', archName: {} },
  { column: 'entry', group: 'entry', meaning: 'VM entry back into the guest (including its MSR-load list)', archName: { vmx: 'VM entry (VMRESUME) with its MSR-load list', svm: 'VMLOAD of the guest state and VMRUN' } },
  { column: 'indirect_tlb_refill', group: 'TLB, 2-D walk', meaning: 'guest TLB refills after flushes (no VPID) and shadow-root misses', archName: {} },
  { column: 'indirect_2d_walk', group: 'TLB, 2-D walk', meaning: 'extra memory references of two-dimensional (EPT) page walks', archName: { svm: 'extra memory references of two-dimensional (NPT) page walks' } },
  { column: 'host_sched', group: 'sched, spin', meaning: 'the host scheduler switching vCPUs (context switches)', archName: {} },
  { column: 'spin', group: 'sched, spin', meaning: 'a vCPU spinning on a lock whose holder is preempted', archName: {} },
  { column: 'halt_poll', group: 'halt poll', meaning: 'the host polling a halted vCPU for a wake-up (halt polling)', archName: {} },
  { column: 'idle', group: 'idle', meaning: 'a pCPU with nothing to run', archName: {} },
] as const satisfies readonly CategoryRow[];

export type CategoryName = (typeof CATEGORIES)[number]['column'];

/** The columns, in category order. */
export const CATEGORY_NAMES: readonly CategoryName[] = CATEGORIES.map((c) => c.column);
export const N_CAT = CATEGORIES.length;

/** A category's index (the engine's accounting rows are indexed by it). */
export const categoryIndex = (column: CategoryName): number => CATEGORY_NAMES.indexOf(column);
