// arm64 KVM exits (issue 34, item 1): the ESR_EL2 exception classes KVM handles, named as Linux
// arch/arm64/include/asm/kvm_arm.h `kvm_arm_exception_class` names them (the names `perf kvm stat`
// prints on an arm64 host for trap exits), with their EC values from arch/arm64/include/asm/esr.h
// (torvalds/linux 022d3f08), and the exits that are not traps (`kvm_arm_exception_type`: an IRQ
// taken while the guest runs, an illegal exception return, a hypervisor gone away). An EC is a
// 6-bit field; the non-trap types take codes above it (0x100 + ARM_EXCEPTION_* value) so that every
// slot has one number.
//
// Data only (no imports): reasons.ts gives each code an engine slot after the VT-x, SVM and
// confidential-VM ones, so an arm64 profile's exits are counted under their own names.

export interface Arm64ExitReason {
  /** ESR_EL2.EC, or 0x100 + the exception type for an exit that is not a trap. */
  code: number;
  /** The kvm_arm_exception_class (or _type) name, as perf kvm stat prints it. */
  name: string;
  /** What it is, for `list exit-reasons --arch arm64`. */
  what: string;
}

export const ARM64_EXIT_REASONS: readonly Arm64ExitReason[] = [
  { code: 0x00, name: 'UNKNOWN', what: 'unknown reason (an undefined instruction KVM injects back)' },
  { code: 0x01, name: 'WFx', what: 'WFI or WFE trapped (HCR_EL2.TWI/TWE): a halt, or a spin-wait yield' },
  { code: 0x03, name: 'CP15_32', what: 'AArch32 MCR/MRC to CP15' },
  { code: 0x04, name: 'CP15_64', what: 'AArch32 MCRR/MRRC to CP15' },
  { code: 0x05, name: 'CP14_MR', what: 'AArch32 MCR/MRC to CP14' },
  { code: 0x06, name: 'CP14_LS', what: 'AArch32 LDC/STC to CP14' },
  { code: 0x07, name: 'FP_ASIMD', what: 'FP/SIMD access trapped (CPTR_EL2): lazy FP state switch' },
  { code: 0x08, name: 'CP10_ID', what: 'AArch32 VMRS of an ID register' },
  { code: 0x09, name: 'PAC', what: 'pointer-authentication instruction trapped (lazy key switch)' },
  { code: 0x0c, name: 'CP14_64', what: 'AArch32 MCRR/MRRC to CP14' },
  { code: 0x15, name: 'SVC64', what: 'SVC (not trapped by KVM; listed as kvm_arm.h lists it)' },
  { code: 0x16, name: 'HVC64', what: 'HVC: a hypercall (PSCI, SMCCC services)' },
  { code: 0x17, name: 'SMC64', what: 'SMC trapped (HCR_EL2.TSC): firmware calls emulated by KVM' },
  { code: 0x18, name: 'SYS64', what: 'MSR/MRS/SYS to a trapped system register: ID registers, ICC_SGI1R_EL1 (GICv3 IPI), PMU, debug, set/way cache maintenance' },
  { code: 0x19, name: 'SVE', what: 'SVE access trapped (lazy SVE state switch)' },
  { code: 0x1f, name: 'IMP_DEF', what: 'implementation-defined exception' },
  { code: 0x20, name: 'IABT_LOW', what: 'instruction abort from the guest: a stage-2 fault on an instruction fetch' },
  { code: 0x21, name: 'IABT_CUR', what: 'instruction abort at EL2' },
  { code: 0x22, name: 'PC_ALIGN', what: 'PC alignment fault' },
  { code: 0x24, name: 'DABT_LOW', what: 'data abort from the guest: a stage-2 fault (first touch, dirty logging) or an MMIO access' },
  { code: 0x25, name: 'DABT_CUR', what: 'data abort at EL2' },
  { code: 0x26, name: 'SP_ALIGN', what: 'SP alignment fault' },
  { code: 0x28, name: 'FP_EXC32', what: 'AArch32 FP exception' },
  { code: 0x2c, name: 'FP_EXC64', what: 'AArch64 FP exception' },
  { code: 0x2f, name: 'SERROR', what: 'SError interrupt' },
  { code: 0x30, name: 'BREAKPT_LOW', what: 'hardware breakpoint from the guest (debug trapped)' },
  { code: 0x31, name: 'BREAKPT_CUR', what: 'hardware breakpoint at EL2' },
  { code: 0x32, name: 'SOFTSTP_LOW', what: 'software step from the guest' },
  { code: 0x33, name: 'SOFTSTP_CUR', what: 'software step at EL2' },
  { code: 0x34, name: 'WATCHPT_LOW', what: 'watchpoint from the guest' },
  { code: 0x35, name: 'WATCHPT_CUR', what: 'watchpoint at EL2' },
  { code: 0x38, name: 'BKPT32', what: 'AArch32 BKPT' },
  { code: 0x3a, name: 'VECTOR32', what: 'AArch32 vector catch' },
  { code: 0x3c, name: 'BRK64', what: 'BRK (a software breakpoint under a debugger)' },
  // Not traps (kvm_arm_exception_type): ARM_EXCEPTION_IRQ 0, ARM_EXCEPTION_IL 3, ARM_EXCEPTION_HYP_GONE HVC_STUB_ERR.
  { code: 0x100, name: 'IRQ', what: 'an interrupt taken while the guest runs: a host timer or device, a kick IPI, the virtual timer, a vGIC maintenance interrupt' },
  { code: 0x103, name: 'ILLEGAL', what: 'illegal exception return to the guest' },
  { code: 0x1ff, name: 'HYP_GONE', what: 'the hypervisor stub answered (KVM torn down)' },
];

/** An arm64 exit by name (case-insensitive; an ESR_ELx_EC_ or ARM_EXCEPTION_ prefix is dropped), or by its code (0x24, 36). */
export function parseArm64ExitReason(text: string): Arm64ExitReason | undefined {
  const t = text.trim();
  if (/^(0x[0-9a-f]+|\d+)$/i.test(t)) {
    const n = Number(t);
    return ARM64_EXIT_REASONS.find((r) => r.code === n);
  }
  const upper = t.toUpperCase().replace(/^ESR_ELX_EC_/, '').replace(/^ARM_EXCEPTION_/, '');
  const alias = upper === 'IL' ? 'ILLEGAL' : upper === 'WFX' ? 'WFX' : upper;
  return ARM64_EXIT_REASONS.find((r) => r.name.toUpperCase() === alias);
}

/**
 * The VT-x reason an arm64 measurement's exit is read as when its guest events are derived (import):
 * the guest operation behind it, which the decision table turns back into arm64 exits on an arm64
 * profile. An exit with no counterpart (SYS64; FP_ASIMD, SVE, PAC: lazy state switches) stays a raw exit.
 */
export const ARM64_READ_AS_VMX: Readonly<Record<string, string>> = {
  HVC64: 'VMCALL',
  SMC64: 'VMCALL',
  DABT_LOW: 'EPT_VIOLATION',
  IABT_LOW: 'EPT_VIOLATION',
  WFX: 'HLT',
  IRQ: 'EXTERNAL_INTERRUPT',
  // SYS64 stays a raw exit: its registers (ICC_SGI1R_EL1, ID, PMU, debug, set/way) are not the x86
  // MSR writes derivation reads an MSR_WRITE as (timer programming, which arm64 does not trap).
};

/** Whether a measured exit name is an arm64 one (a kvm_arm_exception_class or _type name). */
export function isArm64ExitName(name: string): boolean {
  return parseArm64ExitReason(name) !== undefined && !/^\d+$|^0x/i.test(name.trim());
}
