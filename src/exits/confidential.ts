// Confidential VMs (issue 20): a TD (Intel TDX) or an SEV-ES/SEV-SNP guest, whose state the host can
// neither read nor change. Each exit the decision table gives for the guest becomes one of:
//   direct    — still an exit the host sees and handles (external interrupts, private-memory EPT
//               violations/NPFs; on SEV-ES the "automatic exits" HLT, PAUSE, VINTR), paid with the
//               confidential world switch (cost.ts: the TDX module's transition work, the VMSA swap);
//   request   — the guest handles a #VE (TDX) or #VC (SEV-ES) itself, then asks the host through a
//               TDG.VP.VMCALL (a TD exit the host counts as TDCALL) or a VMGEXIT (#VMEXIT 0x403) —
//               the host sees the request's sub-leaf only (cvm-codes.ts slots);
//   guest     — answered inside the guest, no exit at all (an SNP guest's CPUID from its CPUID page);
//   monitor   — answered by the TDX module, without the host (the CPUID leaves the module emulates);
//   gone      — the exit cannot happen in that VM (a TD's RDTSC and debug registers are the module's).
// Resolution happens once per run, like the decision table's; nothing here runs per event.
import type { HandlerName, VmType } from '../config/schema.js';
import { exitReasonName, parseExitReason } from './reasons.js';
import { confidentialOf, type ConfidentialTraits } from './vm-types/index.js';
import type { ResolvedExit } from './resolve.js';

export type ConfidentialVmType = Extract<VmType, 'tdx' | 'sev-es' | 'sev-snp'>;

export function isConfidential(vmType: VmType | undefined): vmType is ConfidentialVmType {
  return confidentialOf(vmType) !== undefined;
}

/** Handlers that are the confidential machinery itself (never replaced by a measured handler time). */
export const CONFIDENTIAL_HANDLERS: ReadonlySet<HandlerName> = new Set<HandlerName>([
  'tdx-ve', 'tdx-tdvmcall-guest', 'tdx-module-cpuid', 'tdx-page-accept', 'sev-vc', 'sev-ghcb-sync', 'snp-cpuid-table', 'snp-pvalidate', 'swiotlb-bounce',
]);

/**
 * A confidential guest's device I/O moves its data through bounce buffers: the device cannot read
 * encrypted private memory, so the guest maps a swiotlb slot in shared memory and copies every byte
 * across (Linux kernel/dma/swiotlb.c; Li et al., "Bifrost", USENIX ATC 2023: the bounce buffers and
 * packet handling can take over half of a CVM's cycles). A guest step of its own, no exit.
 */
export function bounceStep(reason: number, bytes: number, b: { mapCycles: number; copyCyclesPerByte: number }): ResolvedExit {
  return { reason, handler: 'swiotlb-bounce', location: 'guest', repeat: 1, probability: 1, cycles: b.mapCycles + bytes * b.copyCyclesPerByte };
}

type Disposition =
  | { kind: 'direct'; guestBefore?: HandlerName; guestAt?: 'guest' | 'monitor' }
  | { kind: 'request'; subLeaf: string; exception: boolean }
  | { kind: 'guest'; handler: HandlerName }
  | { kind: 'monitor'; handler: HandlerName }
  | { kind: 'gone' };

/**
 * TDX. Which instructions raise a #VE: Linux Documentation/arch/x86/tdx.rst (port and MMIO I/O,
 * MSRs the module does not virtualize, CPUID leaves it does not answer, HLT before Linux 6.15's
 * paravirtual halt, WBINVD); the host's handling of each TDG.VP.VMCALL leaf: tdcall_to_vmx_exit_reason()
 * in arch/x86/kvm/vmx/tdx.c (torvalds/linux 3829d81b). The TDX module answers the CPUID leaves a
 * kernel uses (CVM_eval, TUM-DSE, docs/tdx.md: "TDX module handles main cpuid leafs and returns a
 * result without #VE"), owns the TSC and the debug registers, and a first touch of private memory is
 * the guest's TDG.MEM.PAGE.ACCEPT (a TDCALL into the module) plus the host's TDH.MEM.PAGE.AUG on the
 * EPT violation it causes.
 */
function tdxDisposition(e: ResolvedExit, reasonName: string): Disposition {
  switch (e.handler) {
    case 'ept-violation':
      return { kind: 'direct', guestBefore: 'tdx-page-accept', guestAt: 'monitor' };
    case 'io-emulated':
    case 'io-kernel':
    case 'io-user':
      return { kind: 'request', subLeaf: reasonName === 'IO_INSTRUCTION' ? 'TDVMCALL_IO' : 'TDVMCALL_MMIO', exception: true };
    case 'mmio-kernel':
    case 'mmio-user':
    case 'apic-access-icr':
    case 'apic-access-eoi':
      return { kind: 'request', subLeaf: 'TDVMCALL_MMIO', exception: true };
    case 'msr-read':
      return { kind: 'request', subLeaf: 'TDVMCALL_RDMSR', exception: true };
    case 'msr-write':
    case 'timer-program':
    case 'msr-write-icr':
    case 'msr-write-eoi':
      return { kind: 'request', subLeaf: 'TDVMCALL_WRMSR', exception: true };
    case 'wbinvd':
    case 'invd':
      return { kind: 'request', subLeaf: 'TDVMCALL_WBINVD', exception: true };
    case 'hlt':
      return { kind: 'request', subLeaf: 'TDVMCALL_HLT', exception: false };
    case 'vmcall':
      return { kind: 'request', subLeaf: 'TDVMCALL_KVM_HYPERCALL', exception: false };
    case 'cpuid':
      return { kind: 'monitor', handler: 'tdx-module-cpuid' };
    case 'rdtsc':
    case 'dr-access':
      return { kind: 'gone' };
    default:
      // Interrupts, the host tick, PAUSE (PLE), EOI-induced exits: the host sees them as they are.
      return { kind: 'direct' };
  }
}

/**
 * SEV-ES/SNP. Non-automatic exits raise #VC and go to the host as a VMGEXIT; automatic ones (INTR,
 * NMI, VINTR, HLT, PAUSE, NPF) go straight to it: the GHCB specification (AMD 56421) and Linux's #VC
 * handler, arch/x86/coco/sev/ (vc_handle_exitcode: CPUID, IOIO, MSR, VMMCALL, WBINVD, DR7, RDTSC, MMIO).
 * An SNP guest reads CPUID from its CPUID page inside the #VC handler (snp_cpuid()), and validates each
 * page it accepts with PVALIDATE.
 */
function sevDisposition(e: ResolvedExit, snp: boolean): Disposition {
  switch (e.handler) {
    case 'ept-violation':
      return snp ? { kind: 'direct', guestBefore: 'snp-pvalidate', guestAt: 'guest' } : { kind: 'direct' };
    case 'io-emulated':
    case 'io-kernel':
    case 'io-user':
      return { kind: 'request', subLeaf: e.reason === SVM_IOIO_SLOT ? 'VMGEXIT_IOIO' : 'VMGEXIT_MMIO', exception: true };
    case 'mmio-kernel':
    case 'mmio-user':
    case 'apic-access-icr':
    case 'apic-access-eoi':
      return { kind: 'request', subLeaf: 'VMGEXIT_MMIO', exception: true };
    case 'msr-read':
    case 'msr-write':
    case 'timer-program':
    case 'msr-write-icr':
    case 'msr-write-eoi':
      return { kind: 'request', subLeaf: 'VMGEXIT_MSR', exception: true };
    case 'cpuid':
      return snp ? { kind: 'guest', handler: 'snp-cpuid-table' } : { kind: 'request', subLeaf: 'VMGEXIT_CPUID', exception: true };
    case 'vmcall':
      return { kind: 'request', subLeaf: 'VMGEXIT_VMMCALL', exception: true };
    case 'wbinvd':
    case 'invd':
      return { kind: 'request', subLeaf: 'VMGEXIT_WBINVD', exception: true };
    case 'dr-access':
      return { kind: 'request', subLeaf: 'VMGEXIT_DR7', exception: true };
    case 'rdtsc':
      return { kind: 'request', subLeaf: 'VMGEXIT_RDTSC', exception: true };
    default:
      return { kind: 'direct' };
  }
}

/** A device access by port (IOIO) rather than MMIO (an NPF). */
const SVM_IOIO_SLOT = parseExitReason('IOIO', 'svm') as number;

/** How each confidential VM type treats an exit (an exhaustive record: a new type must say). */
const DISPOSITIONS: Record<ConfidentialVmType, (e: ResolvedExit) => Disposition> = {
  tdx: (e) => tdxDisposition(e, exitReasonName(e.reason)),
  'sev-es': (e) => sevDisposition(e, false),
  'sev-snp': (e) => sevDisposition(e, true),
};

export interface ConfidentialContext {
  vmType: ConfidentialVmType;
}

/** The exits of one guest event in a confidential VM: each as the host sees it, with the guest's and the monitor's own steps. */
export function confidentialExits(exits: ResolvedExit[], ctx: ConfidentialContext): ResolvedExit[] {
  const c = confidentialOf(ctx.vmType) as ConfidentialTraits;
  const arch = c.arch;
  const out: ResolvedExit[] = [];
  for (const e of exits) {
    const d = DISPOSITIONS[ctx.vmType](e);
    const { repeat, probability } = e;
    switch (d.kind) {
      case 'gone':
        break;
      case 'direct':
        if (d.guestBefore) out.push({ reason: e.reason, handler: d.guestBefore, location: d.guestAt ?? 'guest', repeat, probability });
        out.push(e);
        break;
      case 'guest':
      case 'monitor':
        out.push({ reason: e.reason, handler: d.handler, location: d.kind, repeat, probability });
        break;
      case 'request': {
        const slot = parseExitReason(d.subLeaf, arch);
        if (slot === undefined) throw new Error(`confidential exit '${d.subLeaf}' has no ${arch} slot`);
        // The guest's side: a #VE/#VC (delivery, TDG.VP.VEINFO.GET or decode, GHCB fill, result check),
        // or, for a call the guest makes on purpose, only marshalling the TDVMCALL's registers.
        const guestHandler: HandlerName = d.exception ? c.guestException : c.guestRequest;
        out.push({ reason: slot, handler: guestHandler, location: 'guest', repeat, probability });
        const location = e.location === 'user' ? 'user' : 'kernel';
        out.push({ reason: slot, handler: e.handler, location, repeat, probability, via: c.via });
        break;
      }
    }
  }
  return out;
}
