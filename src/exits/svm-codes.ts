// AMD SVM #VMEXIT codes (issue 19, item 1): every intercept code of Linux
// arch/x86/include/uapi/asm/svm.h (torvalds/linux f27ad38aac23263c40fe26c0188182c129a8f8dd),
// named as its SVM_EXIT_* macros name them, with the name `perf kvm stat` and
// kvm_stat print on an AMD host (its SVM_EXIT_REASONS table; "" where that table
// has none and perf prints the number). The SEV-ES software events of a VMGEXIT
// (GHCB exit codes such as SVM_VMGEXIT_MMIO_READ) are not #VMEXIT codes: they are
// VMGEXIT's sub-leaves, for confidential VMs (issue 20).
//
// Data only (no imports): reasons.ts gives each code an engine slot after the
// VT-x reasons, so an SVM profile's exits are counted under their own names.

/** Exception vectors SVM_EXIT_REASONS names (SVM_EXIT_EXCP_BASE 0x40 + vector; 0x40–0x5f are all interceptable). */
const EXCEPTIONS: ReadonlyArray<readonly [number, string]> = [
  [0, 'DE'], [1, 'DB'], [3, 'BP'], [4, 'OF'], [5, 'BR'], [6, 'UD'], [7, 'NM'], [8, 'DF'], [10, 'TS'], [11, 'NP'],
  [12, 'SS'], [13, 'GP'], [14, 'PF'], [16, 'MF'], [17, 'AC'], [18, 'MC'], [19, 'XF'],
];

export interface SvmExitReason {
  code: number;
  /** The SVM_EXIT_* macro without its prefix (EXCP_PF for SVM_EXIT_EXCP_BASE + PF_VECTOR). */
  name: string;
  /** What perf kvm stat prints ('' when Linux's table has no name for it). */
  perfName: string;
}

const CR = (rw: 'READ' | 'WRITE', base: number): Array<[number, string, string]> =>
  [0, 2, 3, 4, 8].map((n) => [base + n, `${rw}_CR${n}`, `${rw.toLowerCase()}_cr${n}`]);
const DR = (rw: 'READ' | 'WRITE', base: number): Array<[number, string, string]> =>
  [0, 1, 2, 3, 4, 5, 6, 7].map((n) => [base + n, `${rw}_DR${n}`, `${rw.toLowerCase()}_dr${n}`]);

const TABLE: Array<[number, string, string]> = [
  ...CR('READ', 0x000),
  ...CR('WRITE', 0x010),
  ...DR('READ', 0x020),
  ...DR('WRITE', 0x030),
  ...EXCEPTIONS.map(([v, s]): [number, string, string] => [0x040 + v, `EXCP_${s}`, `${s} excp`]),
  [0x060, 'INTR', 'interrupt'], [0x061, 'NMI', 'nmi'], [0x062, 'SMI', 'smi'], [0x063, 'INIT', 'init'],
  [0x064, 'VINTR', 'vintr'], [0x065, 'CR0_SEL_WRITE', 'cr0_sel_write'],
  [0x066, 'IDTR_READ', 'read_idtr'], [0x067, 'GDTR_READ', 'read_gdtr'], [0x068, 'LDTR_READ', 'read_ldtr'], [0x069, 'TR_READ', 'read_rt'],
  [0x06a, 'IDTR_WRITE', 'write_idtr'], [0x06b, 'GDTR_WRITE', 'write_gdtr'], [0x06c, 'LDTR_WRITE', 'write_ldtr'], [0x06d, 'TR_WRITE', 'write_rt'],
  [0x06e, 'RDTSC', 'rdtsc'], [0x06f, 'RDPMC', 'rdpmc'], [0x070, 'PUSHF', 'pushf'], [0x071, 'POPF', 'popf'],
  [0x072, 'CPUID', 'cpuid'], [0x073, 'RSM', 'rsm'], [0x074, 'IRET', 'iret'], [0x075, 'SWINT', 'swint'],
  [0x076, 'INVD', 'invd'], [0x077, 'PAUSE', 'pause'], [0x078, 'HLT', 'hlt'], [0x079, 'INVLPG', 'invlpg'],
  [0x07a, 'INVLPGA', 'invlpga'], [0x07b, 'IOIO', 'io'], [0x07c, 'MSR', 'msr'], [0x07d, 'TASK_SWITCH', 'task_switch'],
  [0x07e, 'FERR_FREEZE', 'ferr_freeze'], [0x07f, 'SHUTDOWN', 'shutdown'],
  [0x080, 'VMRUN', 'vmrun'], [0x081, 'VMMCALL', 'hypercall'], [0x082, 'VMLOAD', 'vmload'], [0x083, 'VMSAVE', 'vmsave'],
  [0x084, 'STGI', 'stgi'], [0x085, 'CLGI', 'clgi'], [0x086, 'SKINIT', 'skinit'], [0x087, 'RDTSCP', 'rdtscp'],
  [0x088, 'ICEBP', 'icebp'], [0x089, 'WBINVD', 'wbinvd'], [0x08a, 'MONITOR', 'monitor'], [0x08b, 'MWAIT', 'mwait'],
  [0x08c, 'MWAIT_COND', ''], [0x08d, 'XSETBV', 'xsetbv'], [0x08e, 'RDPRU', ''],
  [0x08f, 'EFER_WRITE_TRAP', 'write_efer_trap'],
  // The trap-style CR writes (after the write, with the new value in EXITINFO1): perf names only CR0's.
  ...Array.from({ length: 16 }, (_, n): [number, string, string] => [0x090 + n, `CR${n}_WRITE_TRAP`, n === 0 ? 'write_cr0_trap' : '']),
  [0x0a2, 'INVPCID', 'invpcid'],
  [0x400, 'NPF', 'npf'], [0x401, 'AVIC_INCOMPLETE_IPI', 'avic_incomplete_ipi'],
  [0x402, 'AVIC_UNACCELERATED_ACCESS', 'avic_unaccelerated_access'], [0x403, 'VMGEXIT', 'vmgexit'],
];

export const SVM_EXIT_REASONS: ReadonlyArray<SvmExitReason> = TABLE.map(([code, name, perfName]) => ({ code, name, perfName }));

const byName = new Map<string, SvmExitReason>();
for (const r of SVM_EXIT_REASONS) {
  byName.set(r.name, r);
  if (r.perfName) byName.set(r.perfName.toUpperCase(), r);
  // The trap-style CR writes also in perf's word order (write_cr4_trap), as its one named entry has it.
  const trap = /^CR(\d+)_WRITE_TRAP$/.exec(r.name);
  if (trap) byName.set(`WRITE_CR${trap[1]}_TRAP`, r);
}
const byCode = new Map<number, SvmExitReason>(SVM_EXIT_REASONS.map((r) => [r.code, r]));

/**
 * An SVM exit by its macro name (with or without SVM_EXIT_), its perf name, or its code (0x7b or
 * 123); undefined when it is none of those.
 */
export function parseSvmExitReason(text: string): SvmExitReason | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t) || /^\d+$/.test(t)) return byCode.get(Number(t));
  return byName.get(t.toUpperCase().replace(/^SVM_EXIT_/, ''));
}

/** The code as perf and the APM write it: 0x07b. */
export function svmCodeText(code: number): string {
  return `0x${code.toString(16).padStart(3, '0')}`;
}
