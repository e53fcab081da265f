// A write of the LAPIC timer (TSC deadline or initial count). With a deadline ahead it arms the
// one-shot timer; with one already passed the timer fires during the write's own exit.
import { NATIVE_CYCLES } from '../../workloads/native-cycles.js';
import { BEHAVIOUR_NORMAL, BEHAVIOUR_ONESHOT } from '../../engine/model.js';
import { decideEvent, planOf } from './decided.js';
import type { EventCompiler } from './types.js';

export const compileTimerProgram: EventCompiler = (e, _field, ctx) => {
  const decided = decideEvent(e, ctx);
  const behaviour = e.deadlineCycles !== undefined ? BEHAVIOUR_ONESHOT : BEHAVIOUR_NORMAL;
  if (!e.deadlinePassed) return planOf(e, ctx, decided, behaviour);
  // The interrupt is injected at the entry that ends the write's exit (no exit of its own); the
  // guest's handler and EOI follow (the EOI exits without APICv, SPEC §3's eoi rules).
  const eoiNow = ctx.decideExits('eoi');
  const native = (decided.nativePaid ? ctx.nativeOf(e) : 0) + ctx.workload.interruptHandlerCycles + NATIVE_CYCLES.eoi.cycles;
  return { plan: ctx.plans.add([...decided.decision.exits, ...eoiNow.exits], native, decided.handlerOverride), behaviour, device: -1, planTargetAway: -1 };
};
