// Confidential-VM exit sub-leaves (issue 20): the exits a TD or an SEV-ES/SNP guest asks of the host
// through one instruction, which `perf kvm stat` counts under one name — TDCALL (VT-x reason 77) for
// every TDG.VP.VMCALL of a TD, VMGEXIT (#VMEXIT 0x403) for every GHCB request of an SEV-ES/SNP guest.
// Each sub-leaf gets an engine slot of its own (reasons.ts, after the SVM codes), so a run reports the
// breakdown the host tool cannot show.
//
// TDX: the TDG.VP.VMCALL leaf is r11, numbered as the VT-x exit reason the guest would have caused
// (Intel GHCI spec: Instruction.CPUID 10, Instruction.HLT 12, Instruction.IO 30, Instruction.RDMSR 31,
// Instruction.WRMSR 32, #VE.RequestMMIO 48, Instruction.WBINVD 54; MapGPA 0x10001, GetQuote 0x10002).
// KVM turns them back into VT-x exits in tdcall_to_vmx_exit_reason() (CPUID, HLT, I/O, MSR reads and
// writes; leaf 48 to the EPT-misconfig MMIO path), and a TDVMCALL with r10 ≠ 0 is a KVM hypercall
// (EXIT_REASON_VMCALL): arch/x86/kvm/vmx/tdx.c, torvalds/linux 3829d81b.
// SEV-ES/SNP: the GHCB's SW_EXITCODE is the #VMEXIT code of the intercept the guest stands in for
// (SVM_EXIT_CPUID 0x72, IOIO 0x7b, MSR 0x7c, VMMCALL 0x81, WBINVD 0x89, WRITE_DR7 0x37, RDTSC 0x6e) or
// a software event (SVM_VMGEXIT_MMIO_READ 0x80000001 / MMIO_WRITE 0x80000002, PSC 0x80000010):
// Linux arch/x86/include/uapi/asm/svm.h, the GHCB specification (AMD 56421).
//
// Data only (no imports).

export interface CvmExitReason {
  /** Engine name: TDVMCALL_<leaf> or VMGEXIT_<code>. */
  name: string;
  /** Which host exit carries it. */
  carrier: 'TDCALL' | 'VMGEXIT';
  /** The sub-leaf: the TDVMCALL leaf (r11) or the GHCB SW_EXITCODE; -1 for a KVM hypercall (r10 ≠ 0, any leaf). */
  leaf: number;
  /** What the guest asks for, in the spec's words. */
  what: string;
  /** The exit (of the carrier's architecture) this request stands in for, if any. */
  standsFor?: string;
}

export const CVM_EXIT_REASONS: ReadonlyArray<CvmExitReason> = [
  { name: 'TDVMCALL_CPUID', carrier: 'TDCALL', leaf: 10, what: 'Instruction.CPUID (a leaf the TDX module does not answer)', standsFor: 'CPUID' },
  { name: 'TDVMCALL_HLT', carrier: 'TDCALL', leaf: 12, what: 'Instruction.HLT (the paravirtual halt of Linux 6.15 and later)', standsFor: 'HLT' },
  { name: 'TDVMCALL_IO', carrier: 'TDCALL', leaf: 30, what: 'Instruction.IO (port I/O, after a #VE)', standsFor: 'IO_INSTRUCTION' },
  { name: 'TDVMCALL_RDMSR', carrier: 'TDCALL', leaf: 31, what: 'Instruction.RDMSR (an MSR the TDX module does not virtualize, after a #VE)', standsFor: 'MSR_READ' },
  { name: 'TDVMCALL_WRMSR', carrier: 'TDCALL', leaf: 32, what: 'Instruction.WRMSR (TSC deadline, x2APIC ICR, …, after a #VE)', standsFor: 'MSR_WRITE' },
  { name: 'TDVMCALL_MMIO', carrier: 'TDCALL', leaf: 48, what: '#VE.RequestMMIO (an access to shared MMIO, after a #VE)', standsFor: 'EPT_MISCONFIG' },
  { name: 'TDVMCALL_WBINVD', carrier: 'TDCALL', leaf: 54, what: 'Instruction.WBINVD (after a #VE; KVM answers it unsupported)', standsFor: 'WBINVD' },
  { name: 'TDVMCALL_KVM_HYPERCALL', carrier: 'TDCALL', leaf: -1, what: 'a KVM hypercall (r10 = the hypercall number)', standsFor: 'VMCALL' },
  { name: 'TDVMCALL_MAP_GPA', carrier: 'TDCALL', leaf: 0x10001, what: 'MapGPA (convert pages between private and shared)' },
  { name: 'TDVMCALL_GET_QUOTE', carrier: 'TDCALL', leaf: 0x10002, what: 'GetQuote (attestation)' },
  { name: 'VMGEXIT_CPUID', carrier: 'VMGEXIT', leaf: 0x72, what: 'CPUID (SEV-ES; an SNP guest reads its CPUID page)', standsFor: 'CPUID' },
  { name: 'VMGEXIT_IOIO', carrier: 'VMGEXIT', leaf: 0x7b, what: 'port I/O', standsFor: 'IOIO' },
  { name: 'VMGEXIT_MSR', carrier: 'VMGEXIT', leaf: 0x7c, what: 'RDMSR/WRMSR (TSC deadline, x2APIC ICR and EOI: no AVIC for SEV-ES)', standsFor: 'MSR' },
  { name: 'VMGEXIT_VMMCALL', carrier: 'VMGEXIT', leaf: 0x81, what: 'VMMCALL (a KVM hypercall)', standsFor: 'VMMCALL' },
  { name: 'VMGEXIT_WBINVD', carrier: 'VMGEXIT', leaf: 0x89, what: 'WBINVD', standsFor: 'WBINVD' },
  { name: 'VMGEXIT_DR7', carrier: 'VMGEXIT', leaf: 0x37, what: 'a DR7 write', standsFor: 'WRITE_DR7' },
  { name: 'VMGEXIT_RDTSC', carrier: 'VMGEXIT', leaf: 0x6e, what: 'RDTSC (when the host intercepts it)', standsFor: 'RDTSC' },
  { name: 'VMGEXIT_MMIO', carrier: 'VMGEXIT', leaf: 0x80000001, what: 'SVM_VMGEXIT_MMIO_READ/MMIO_WRITE (an MMIO access, decoded by the guest)', standsFor: 'NPF' },
  { name: 'VMGEXIT_PSC', carrier: 'VMGEXIT', leaf: 0x80000010, what: 'page state change (SNP: private ↔ shared)' },
];

/** The sub-leaf as its spec writes it: 30 or 0x10001 for TDX, 0x7b or 0x80000001 for a GHCB exit code. */
export function cvmLeafText(r: CvmExitReason): string {
  if (r.leaf < 0) return 'r10≠0';
  return r.carrier === 'TDCALL' && r.leaf < 0x10000 ? String(r.leaf) : `0x${r.leaf.toString(16)}`;
}
