// Intel VT-x basic exit reasons (SDM Vol. 3 Appendix C), named as Linux
// arch/x86/include/uapi/asm/vmx.h names them, so output lines up with
// `perf kvm stat` and `kvm_stat`. Numbers marked † in the reference are not in
// Linux's list but agree across third-party VT-x headers.
// Source: shared reference calibration.md §11.
//
// Engine slots: a VT-x reason's slot is its number; AMD SVM #VMEXIT codes
// (svm-codes.ts) take the slots after them, so per-reason counters are one
// array for either architecture and an SVM run's exits keep their own names.
import { SVM_EXIT_REASONS, parseSvmExitReason } from './svm-codes.js';
import { CVM_EXIT_REASONS } from './cvm-codes.js';
import { ARM64_EXIT_REASONS, parseArm64ExitReason } from './arm64-codes.js';
import type { Arch } from './arch/types.js';

/** The virtualization architecture of a CPU profile (the registry: arch/index.ts). */
export type { Arch };

/** Pseudo reason (above every VT-x one) for the exits of a measurement's rows that were not shown. */
export const UNLISTED_REASON = 86;

export const EXIT_REASON_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0, 'EXCEPTION_NMI'], [1, 'EXTERNAL_INTERRUPT'], [2, 'TRIPLE_FAULT'], [3, 'INIT_SIGNAL'],
  [4, 'SIPI_SIGNAL'], [5, 'IO_SMI'], [6, 'OTHER_SMI'], [7, 'INTERRUPT_WINDOW'], [8, 'NMI_WINDOW'],
  [9, 'TASK_SWITCH'], [10, 'CPUID'], [11, 'GETSEC'], [12, 'HLT'], [13, 'INVD'], [14, 'INVLPG'],
  [15, 'RDPMC'], [16, 'RDTSC'], [17, 'RSM'], [18, 'VMCALL'], [19, 'VMCLEAR'], [20, 'VMLAUNCH'],
  [21, 'VMPTRLD'], [22, 'VMPTRST'], [23, 'VMREAD'], [24, 'VMRESUME'], [25, 'VMWRITE'], [26, 'VMOFF'],
  [27, 'VMON'], [28, 'CR_ACCESS'], [29, 'DR_ACCESS'], [30, 'IO_INSTRUCTION'], [31, 'MSR_READ'],
  [32, 'MSR_WRITE'], [33, 'INVALID_STATE'], [34, 'MSR_LOAD_FAIL'], [36, 'MWAIT_INSTRUCTION'],
  [37, 'MONITOR_TRAP_FLAG'], [39, 'MONITOR_INSTRUCTION'], [40, 'PAUSE_INSTRUCTION'],
  [41, 'MCE_DURING_VMENTRY'], [43, 'TPR_BELOW_THRESHOLD'], [44, 'APIC_ACCESS'], [45, 'EOI_INDUCED'],
  [46, 'GDTR_IDTR'], [47, 'LDTR_TR'], [48, 'EPT_VIOLATION'], [49, 'EPT_MISCONFIG'], [50, 'INVEPT'],
  [51, 'RDTSCP'], [52, 'PREEMPTION_TIMER'], [53, 'INVVPID'], [54, 'WBINVD'], [55, 'XSETBV'],
  [56, 'APIC_WRITE'], [57, 'RDRAND'], [58, 'INVPCID'], [59, 'VMFUNC'], [60, 'ENCLS'], [61, 'RDSEED'],
  [62, 'PML_FULL'], [63, 'XSAVES'], [64, 'XRSTORS'], [67, 'UMWAIT'], [68, 'TPAUSE'], [70, 'ENCLV'],
  [71, 'SGX_CONFLICT'], [74, 'BUS_LOCK'], [75, 'NOTIFY'], [76, 'SEAMCALL'], [77, 'TDCALL'],
  [84, 'MSR_READ_IMM'], [85, 'MSR_WRITE_IMM'],
  // Not a VT-x reason: exits of reasons a measurement did not list (a table cut to its top rows).
  [UNLISTED_REASON, 'UNLISTED'],
];

/** The first SVM slot: one past the highest VT-x reason number (and UNLISTED). */
export const SVM_SLOT_BASE = 87;

/** The first confidential-VM sub-leaf slot (cvm-codes.ts): TDVMCALL leaves, then VMGEXIT exit codes. */
export const CVM_SLOT_BASE = SVM_SLOT_BASE + SVM_EXIT_REASONS.length;

/** The first arm64 slot (arm64-codes.ts): after every x86 one. */
export const ARM64_SLOT_BASE = CVM_SLOT_BASE + CVM_EXIT_REASONS.length;

/** Per-reason counters are arrays of this length: every VT-x reason, every SVM code, every TDCALL/VMGEXIT sub-leaf, every arm64 exit. */
export const EXIT_REASON_SLOTS = ARM64_SLOT_BASE + ARM64_EXIT_REASONS.length;

const arm64SlotByCode = new Map<number, number>(ARM64_EXIT_REASONS.map((r, i) => [r.code, ARM64_SLOT_BASE + i]));

/** Whether an engine slot holds an arm64 exit. */
export function isArm64Slot(slot: number): boolean {
  return slot >= ARM64_SLOT_BASE && slot < EXIT_REASON_SLOTS;
}

const cvmSlotByName = new Map<string, number>(CVM_EXIT_REASONS.map((r, i) => [r.name, CVM_SLOT_BASE + i]));

/** Whether an engine slot is a TDCALL or VMGEXIT sub-leaf of a confidential VM. */
export function isCvmSlot(slot: number): boolean {
  return slot >= CVM_SLOT_BASE && slot < ARM64_SLOT_BASE;
}

/** The sub-leaf of a confidential-VM slot (undefined for any other slot). */
export function cvmExitOfSlot(slot: number): (typeof CVM_EXIT_REASONS)[number] | undefined {
  return isCvmSlot(slot) ? CVM_EXIT_REASONS[slot - CVM_SLOT_BASE] : undefined;
}

const svmSlotByCode = new Map<number, number>(SVM_EXIT_REASONS.map((r, i) => [r.code, SVM_SLOT_BASE + i]));

/** Whether an engine slot holds an SVM exit code. */
export function isSvmSlot(slot: number): boolean {
  return slot >= SVM_SLOT_BASE && slot < CVM_SLOT_BASE;
}

/** The architectural number of a slot: the VT-x basic exit reason, or the SVM #VMEXIT code. */
export function exitReasonCode(slot: number): number {
  const cvm = cvmExitOfSlot(slot);
  if (cvm) return cvm.carrier === 'TDCALL' ? 77 : 0x403; // the host sees TDCALL or VMGEXIT
  if (isArm64Slot(slot)) return ARM64_EXIT_REASONS[slot - ARM64_SLOT_BASE].code;
  return isSvmSlot(slot) ? SVM_EXIT_REASONS[slot - SVM_SLOT_BASE].code : slot;
}

/** The name `perf kvm stat` prints for a slot on its architecture's host. */
export function exitReasonPerfName(slot: number): string {
  const cvm = cvmExitOfSlot(slot);
  if (cvm) return cvm.carrier === 'TDCALL' ? 'TDCALL' : 'vmgexit'; // one bucket on the host, whatever the sub-leaf
  if (isArm64Slot(slot)) return ARM64_EXIT_REASONS[slot - ARM64_SLOT_BASE].name;
  if (!isSvmSlot(slot)) return exitReasonName(slot);
  const r = SVM_EXIT_REASONS[slot - SVM_SLOT_BASE];
  return r.perfName || `0x${r.code.toString(16)}`;
}

const nameByNumber = new Map<number, string>(EXIT_REASON_NAMES);
const numberByName = new Map<string, number>(EXIT_REASON_NAMES.map(([n, s]) => [s, n]));

// Aliases seen in perf, kvm_stat, bcc and VirtualBox output (SPEC §5).
const ALIASES: Record<string, string> = {
  PENDING_INTERRUPT: 'INTERRUPT_WINDOW',
  INT_WINDOW: 'INTERRUPT_WINDOW',
  IRQ_WINDOW_OPEN: 'INTERRUPT_WINDOW',
  NMI_WINDOW_OPEN: 'NMI_WINDOW',
  VMXOFF: 'VMOFF',
  VMXON: 'VMON',
  EPT_VIOLATIONS: 'EPT_VIOLATION',
  PAUSE: 'PAUSE_INSTRUCTION',
  MWAIT: 'MWAIT_INSTRUCTION',
  MONITOR: 'MONITOR_INSTRUCTION',
  IO: 'IO_INSTRUCTION',
  PORT_IO: 'IO_INSTRUCTION',
  RDMSR: 'MSR_READ',
  WRMSR: 'MSR_WRITE',
  MOV_CRX: 'CR_ACCESS',
  MOV_DRX: 'DR_ACCESS',
  WBNOINVD: 'WBINVD',
  VMX_PREEMPTION_TIMER: 'PREEMPTION_TIMER',
  PREEMPT_TIMER: 'PREEMPTION_TIMER',
  EXTERNAL_IRQ: 'EXTERNAL_INTERRUPT',
  EXCEPTION: 'EXCEPTION_NMI',
  XCPT_OR_NMI: 'EXCEPTION_NMI',
};

/**
 * AMD SVM exit names as `perf kvm stat` and `kvm_stat` print them on an AMD host (Linux
 * arch/x86/include/uapi/asm/svm.h, SVM_EXIT_REASONS), read as the VT-x reason whose guest event and
 * handler are the closest, until exitsim models SVM itself (SVM and VT-x split some reasons
 * differently: `msr` is one exit for reads and writes, `npf` covers both EPT violations and the
 * MMIO accesses VT-x reports as EPT misconfigurations).
 */
const SVM_NAMES: Record<string, string> = {
  NPF: 'EPT_VIOLATION',
  MSR: 'MSR_WRITE',
  IO: 'IO_INSTRUCTION',
  HLT: 'HLT',
  INTERRUPT: 'EXTERNAL_INTERRUPT',
  NMI: 'EXCEPTION_NMI',
  SMI: 'OTHER_SMI',
  INIT: 'INIT_SIGNAL',
  VINTR: 'INTERRUPT_WINDOW',
  HYPERCALL: 'VMCALL',
  VMMCALL: 'VMCALL',
  CPUID: 'CPUID',
  PAUSE: 'PAUSE_INSTRUCTION',
  RDTSC: 'RDTSC',
  RDTSCP: 'RDTSCP',
  RDPMC: 'RDPMC',
  INVLPG: 'INVLPG',
  INVLPGA: 'INVLPG',
  INVD: 'INVD',
  WBINVD: 'WBINVD',
  XSETBV: 'XSETBV',
  MONITOR: 'MONITOR_INSTRUCTION',
  MWAIT: 'MWAIT_INSTRUCTION',
  MWAIT_COND: 'MWAIT_INSTRUCTION',
  IRET: 'NMI_WINDOW', // SVM intercepts IRET to open the NMI window
  TASK_SWITCH: 'TASK_SWITCH',
  SHUTDOWN: 'TRIPLE_FAULT',
  INVALID_GUEST_STATE: 'INVALID_STATE',
  VMRUN: 'VMRESUME',
  VMLOAD: 'VMPTRLD',
  VMSAVE: 'VMPTRST',
  RSM: 'RSM',
  INVPCID: 'INVPCID',
  BUSLOCK: 'BUS_LOCK',
  'IDLE-HALT': 'HLT',
  READ_IDTR: 'GDTR_IDTR',
  READ_GDTR: 'GDTR_IDTR',
  WRITE_IDTR: 'GDTR_IDTR',
  WRITE_GDTR: 'GDTR_IDTR',
  READ_LDTR: 'LDTR_TR',
  READ_RT: 'LDTR_TR',
  WRITE_LDTR: 'LDTR_TR',
  WRITE_RT: 'LDTR_TR',
  CR0_SEL_WRITE: 'CR_ACCESS',
  WRITE_EFER_TRAP: 'MSR_WRITE',
  AVIC_INCOMPLETE_IPI: 'APIC_WRITE', // an ICR write AVIC could not deliver: the target is not running
  AVIC_UNACCELERATED_ACCESS: 'APIC_ACCESS',
};

/** An SVM name (case-insensitive) as its VT-x reason name, or undefined. */
function svmName(upper: string): string | undefined {
  if (SVM_NAMES[upper]) return SVM_NAMES[upper];
  if (/^(READ|WRITE)_CR\d+(_TRAP)?$/.test(upper)) return 'CR_ACCESS';
  if (/^(READ|WRITE)_DR\d$/.test(upper)) return 'DR_ACCESS';
  if (/^[A-Z]{2} EXCP$/.test(upper)) return 'EXCEPTION_NMI'; // "PF excp", "UD excp", …
  return undefined;
}

export function exitReasonName(reason: number): string {
  const cvm = cvmExitOfSlot(reason);
  if (cvm) return cvm.name;
  if (isArm64Slot(reason)) return ARM64_EXIT_REASONS[reason - ARM64_SLOT_BASE].name;
  if (isSvmSlot(reason)) return SVM_EXIT_REASONS[reason - SVM_SLOT_BASE].name;
  return nameByNumber.get(reason) ?? `UNKNOWN_${reason}`;
}

/**
 * The engine slot for an exit reason of `arch`: on VT-x a name, an alias, an
 * `EXIT_REASON_` prefixed name or a decimal number (an AMD name is read as its
 * closest VT-x reason); on SVM an SVM_EXIT_ name, its perf name or its code.
 * Undefined when it is none of those.
 */
export function parseExitReason(text: string, arch: Arch = 'vmx'): number | undefined {
  const trimmed = text.trim();
  const cvm = cvmSlotByName.get(trimmed.toUpperCase());
  if (cvm !== undefined) return CVM_EXIT_REASONS[cvm - CVM_SLOT_BASE].carrier === EXIT_TABLES[arch].carrier ? cvm : undefined;
  return EXIT_TABLES[arch].parse(trimmed);
}

/** Each architecture's exit names, its parser, and the exit that carries a confidential guest's requests (an exhaustive record: a new architecture must fill it). */
const EXIT_TABLES: Record<Arch, { names: () => string[]; parse: (text: string) => number | undefined; carrier: 'TDCALL' | 'VMGEXIT' | 'none' }> = {
  vmx: { names: () => EXIT_REASON_NAMES.map(([, s]) => s), parse: parseVmxExitReason, carrier: 'TDCALL' },
  svm: {
    names: () => SVM_EXIT_REASONS.map((r) => r.name),
    parse: (trimmed) => {
      if (trimmed.toUpperCase() === 'UNLISTED') return UNLISTED_REASON;
      const r = parseSvmExitReason(trimmed);
      return r === undefined ? undefined : svmSlotByCode.get(r.code);
    },
    carrier: 'VMGEXIT',
  },
  // arm64 KVM has no confidential VM type in exitsim (pKVM and CCA realms are not modelled).
  arm64: {
    names: () => ARM64_EXIT_REASONS.map((r) => r.name),
    parse: (trimmed) => {
      if (trimmed.toUpperCase() === 'UNLISTED') return UNLISTED_REASON;
      const r = parseArm64ExitReason(trimmed);
      return r === undefined ? undefined : arm64SlotByCode.get(r.code);
    },
    carrier: 'none',
  },
};

/** A VT-x exit reason: a name, an alias, an EXIT_REASON_ prefixed name, a decimal number, or an AMD name read as its closest VT-x reason. */
function parseVmxExitReason(trimmed: string): number | undefined {
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return nameByNumber.has(n) ? n : undefined;
  }
  let upper = trimmed.toUpperCase().replace(/^(VMX_)?EXIT_REASON_/, '').replace(/^VMX_EXIT_/, '').replace(/^SVM_EXIT_/, '');
  upper = ALIASES[upper] ?? upper;
  return numberByName.get(upper) ?? numberByName.get(svmName(upper) ?? '');
}

export function allExitReasonNames(arch: Arch = 'vmx'): string[] {
  const cvm = CVM_EXIT_REASONS.filter((r) => r.carrier === EXIT_TABLES[arch].carrier).map((r) => r.name);
  return [...EXIT_TABLES[arch].names(), ...cvm];
}

/** Slots of HLT on either x86 architecture, a TD's halt TDVMCALL and arm64's WFx (a halted exit's blocked time is reported with it). */
export function isHltSlot(slot: number): boolean {
  return slot === R.HLT || slot === SVM_HLT_SLOT || slot === TDVMCALL_HLT_SLOT || slot === ARM64_WFX_SLOT;
}

// Reason numbers the engine uses by name, so code reads as the SDM does.
export const R = {
  EXCEPTION_NMI: 0,
  EXTERNAL_INTERRUPT: 1,
  INTERRUPT_WINDOW: 7,
  CPUID: 10,
  HLT: 12,
  INVLPG: 14,
  RDTSC: 16,
  VMCALL: 18,
  CR_ACCESS: 28,
  DR_ACCESS: 29,
  IO_INSTRUCTION: 30,
  MSR_READ: 31,
  MSR_WRITE: 32,
  PAUSE_INSTRUCTION: 40,
  TPR_BELOW_THRESHOLD: 43,
  APIC_ACCESS: 44,
  EOI_INDUCED: 45,
  EPT_VIOLATION: 48,
  EPT_MISCONFIG: 49,
  PREEMPTION_TIMER: 52,
  APIC_WRITE: 56,
} as const;

const SVM_HLT_SLOT = svmSlotByCode.get(0x078) as number;
const TDVMCALL_HLT_SLOT = cvmSlotByName.get('TDVMCALL_HLT') as number;
const ARM64_WFX_SLOT = arm64SlotByCode.get(0x01) as number;
