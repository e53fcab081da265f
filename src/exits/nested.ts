// Nested virtualization (issue 20): an L2 guest's exits as exits that cause exits. Each exit the
// decision table gives for the L2 guest either stays with L0 (the host tick: L0's own interrupt) or
// is reflected to the L1 hypervisor: the L2 → L0 exit with L0's nested VM-exit emulation, L1's
// handler (L1 guest mode, no transition of its own), L1's accesses to VMCS fields that are not
// shadowed (each an exit to L0), and L1's VMRESUME (VMRUN on SVM), which exits to L0 to emulate the
// nested entry. Resolution happens once per run, like the decision table's.
import { FEATURE_BIT } from './features.js';
import { parseExitReason, type Arch } from './reasons.js';
import type { ResolvedExit } from './resolve.js';
import type { HandlerName } from '../config/schema.js';

export type { VmType } from '../config/schema.js';

/**
 * L1's VMCS accesses per reflected exit that VMCS shadowing does not cover. With shadowing, KVM as L1
 * finds every field its exit path reads and writes among the 12 read-only and 23 read/write fields KVM
 * shadows (arch/x86/kvm/vmx/vmcs_shadow_fields.h, torvalds/linux 09878d15: exit reason,
 * qualification, interruption info, instruction length, guest RIP/RSP/RFLAGS, CR0/CR3/CR4, …): 0.
 * Without it every access exits: Turtles (Ben-Yehuda et al., OSDI 2010) counted 31 L1 exits for one L2
 * port-I/O exit, i.e. ~30 VMREAD/VMWRITE and the VMRESUME; split 20 reads / 10 writes (an estimate).
 */
export const UNSHADOWED_VMREADS = 20;
export const UNSHADOWED_VMWRITES = 10;

/** Handlers that are the nested machinery itself (never replaced by a measured handler time). */
export const NESTED_HANDLERS: ReadonlySet<HandlerName> = new Set<HandlerName>([
  'nested-vmexit', 'nested-vmentry', 'nested-vmentry-evmcs', 'vmread-emulate', 'vmwrite-emulate', 'svm-vmload-vmsave-emulate', 'svm-gif-emulate',
]);

/** Handlers that are L0's own even for a nested guest (its host tick interrupts L2 directly). */
const L0_HANDLERS = new Set(['host-tick']);

export interface NestedContext {
  arch: Arch;
  features: number;
}

/** The exits of one L2 guest event as L0 sees them: reflected ones expanded into their nested round trip. */
export function nestedExits(exits: ResolvedExit[], ctx: NestedContext): ResolvedExit[] {
  const out: ResolvedExit[] = [];
  const slot = (name: string) => parseExitReason(name, ctx.arch) as number;
  // An enlightened VMCS (Hyper-V as L1) is plain memory: no VMREAD/VMWRITE at all.
  const evmcs = ctx.arch === 'vmx' && (ctx.features & FEATURE_BIT.evmcs) !== 0;
  const shadowed = ctx.arch === 'svm' || evmcs || (ctx.features & FEATURE_BIT['vmcs-shadowing']) !== 0;
  const nestedEpt = (ctx.features & FEATURE_BIT['nested-ept']) !== 0;
  const vVmsaveVmload = (ctx.features & FEATURE_BIT['v-vmsave-vmload']) !== 0;
  const vgif = (ctx.features & FEATURE_BIT.vgif) !== 0;
  for (const e of exits) {
    if (L0_HANDLERS.has(e.handler)) {
      out.push(e);
      continue;
    }
    const { repeat, probability } = e;
    out.push({ reason: e.reason, handler: 'nested-vmexit', location: 'kernel', repeat, probability });
    out.push({ reason: e.reason, handler: e.handler, location: e.location === 'user' ? 'l1-user' : 'l1', repeat, probability });
    // (SVM: L1 reads and writes its VMCB in memory — no VMREAD/VMWRITE to exit on.)
    if (!shadowed) {
      out.push({ reason: slot('VMREAD'), handler: 'vmread-emulate', location: 'kernel', repeat: repeat * UNSHADOWED_VMREADS, probability });
      out.push({ reason: slot('VMWRITE'), handler: 'vmwrite-emulate', location: 'kernel', repeat: repeat * UNSHADOWED_VMWRITES, probability });
    }
    if (ctx.arch === 'svm') {
      // L1 KVM's VMRUN path (svm_vcpu_run, vmenter.S): CLGI, VMLOAD of L2's state, VMRUN; after the
      // #VMEXIT VMSAVE of L2's and VMLOAD of its own, STGI. Each exits to L0 unless virtualized.
      if (!vVmsaveVmload) out.push({ reason: slot('VMLOAD'), handler: 'svm-vmload-vmsave-emulate', location: 'kernel', repeat: repeat * 2, probability }, { reason: slot('VMSAVE'), handler: 'svm-vmload-vmsave-emulate', location: 'kernel', repeat, probability });
      if (!vgif) out.push({ reason: slot('CLGI'), handler: 'svm-gif-emulate', location: 'kernel', repeat, probability }, { reason: slot('STGI'), handler: 'svm-gif-emulate', location: 'kernel', repeat, probability });
    }
    out.push({ reason: slot(ctx.arch === 'svm' ? 'VMRUN' : 'VMRESUME'), handler: evmcs ? 'nested-vmentry-evmcs' : 'nested-vmentry', location: 'kernel', repeat, probability });
    // EPT on EPT: once L1 has filled its EPT12 entry, L2's retry faults again on L0's EPT02, which L0
    // fills from EPT12 and its own EPT01 without L1 (arch/x86/kvm/mmu: nested TDP faults).
    if (nestedEpt && e.handler === 'ept-violation') out.push({ reason: e.reason, handler: 'ept-violation', location: 'kernel', repeat, probability });
  }
  return out;
}
