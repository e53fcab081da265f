// Nested virtualization (issue 20): an L2 guest's exits as exits that cause exits. Each exit the
// decision table gives for the L2 guest either stays with L0 (the host tick: L0's own interrupt) or
// is reflected to the L1 hypervisor: the L2 → L0 exit with L0's nested VM-exit emulation, L1's
// handler (L1 guest mode, no transition of its own), L1's accesses to VMCS fields that are not
// shadowed (each an exit to L0), and L1's VMRESUME (VMRUN on SVM), which exits to L0 to emulate the
// nested entry. Resolution happens once per run, like the decision table's.
import { FEATURE_BIT } from './features.js';
import { parseExitReason, type Arch } from './reasons.js';
import { archOf } from './arch/index.js';
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
  const arch = archOf(ctx.arch).nested;
  // An enlightened VMCS (Hyper-V as L1) is plain memory: no VMREAD/VMWRITE at all.
  const evmcs = arch.enlightenedVmcs && (ctx.features & FEATURE_BIT.evmcs) !== 0;
  const shadowed = !arch.controlAccessExits || evmcs || (ctx.features & FEATURE_BIT['vmcs-shadowing']) !== 0;
  const nestedEpt = (ctx.features & FEATURE_BIT['nested-ept']) !== 0;
  for (const e of exits) {
    if (L0_HANDLERS.has(e.handler)) {
      out.push(e);
      continue;
    }
    const { repeat, probability } = e;
    out.push({ reason: e.reason, handler: 'nested-vmexit', location: 'kernel', repeat, probability });
    out.push({ reason: e.reason, handler: e.handler, location: e.location === 'user' ? 'l1-user' : 'l1', repeat, probability });
    if (!shadowed) {
      out.push({ reason: slot('VMREAD'), handler: 'vmread-emulate', location: 'kernel', repeat: repeat * UNSHADOWED_VMREADS, probability });
      out.push({ reason: slot('VMWRITE'), handler: 'vmwrite-emulate', location: 'kernel', repeat: repeat * UNSHADOWED_VMWRITES, probability });
    }
    for (const a of arch.aroundEntry) {
      if ((ctx.features & FEATURE_BIT[a.virtualizedBy]) === 0) out.push({ reason: slot(a.exit), handler: a.handler, location: 'kernel', repeat: repeat * a.perEntry, probability });
    }
    out.push({ reason: slot(arch.entryExit), handler: evmcs ? 'nested-vmentry-evmcs' : 'nested-vmentry', location: 'kernel', repeat, probability });
    // EPT on EPT: once L1 has filled its EPT12 entry, L2's retry faults again on L0's EPT02, which L0
    // fills from EPT12 and its own EPT01 without L1 (arch/x86/kvm/mmu: nested TDP faults).
    if (nestedEpt && e.handler === 'ept-violation') out.push({ reason: e.reason, handler: 'ept-violation', location: 'kernel', repeat, probability });
  }
  return out;
}
