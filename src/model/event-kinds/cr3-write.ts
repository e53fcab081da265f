// A CR3 write (an address-space switch). Under shadow paging a switch to a root that is not in
// KVM's root cache frees the current root, finds or builds the new one, syncs its unsync children
// and flushes the guest's TLB — more handler work in the same exit, and a TLB refill in the guest
// after it (booked as guest time).
import { rootMissProbability } from '../../workloads/shadow-mmu.js';
import { BEHAVIOUR_NORMAL } from '../../engine/model.js';
import { decideEvent, planOf } from './decided.js';
import type { EventCompiler } from './types.js';

export const compileCr3Write: EventCompiler = (e, _field, ctx) => {
  const { workload, plans, nativeMode } = ctx;
  const decided = decideEvent(e, ctx);
  const exits = decided.decision.exits;
  if (exits.length === 0 || !workload.pageTables) return planOf(e, ctx, decided);
  // (A write back to the address space just left — KPTI's kernel/user switch — finds its root cached.)
  const miss = e.addressSpaceChange === false ? 0 : rootMissProbability(workload.pageTables.addressSpacesPerVcpu);
  const refill = workload.tlb ? miss * workload.tlb.refillCyclesAfterFlush : 0;
  const handler = decided.handlerOverride ?? (nativeMode ? undefined : plans.meanOf('cr3-write-shadow') + miss * plans.meanOf('shadow-root-miss'));
  return { plan: plans.add(exits, nativeMode ? ctx.nativeOf(e) : refill, handler, e.handlerCycles !== undefined), behaviour: BEHAVIOUR_NORMAL, device: -1, planTargetAway: -1 };
};
