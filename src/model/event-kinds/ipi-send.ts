// An ICR write: the engine sends the IPI to another vCPU of the VM. Under AVIC the same write
// exits when its target is not running, so the class carries a second plan the engine picks.
import { BEHAVIOUR_IPI } from '../../engine/model.js';
import { decideEvent, planOf } from './decided.js';
import type { EventCompiler } from './types.js';

export const compileIpiSend: EventCompiler = (e, _field, ctx) => {
  const decided = decideEvent(e, ctx);
  let planTargetAway = -1;
  if (!ctx.nativeMode && decided.decision.exits.length === 0) {
    const away = ctx.decideExits('ipi-target-away');
    if (away.exits.length > 0) planTargetAway = ctx.plans.add(away.exits, ctx.nativeOf(e), decided.handlerOverride);
  }
  return { ...planOf(e, ctx, decided, BEHAVIOUR_IPI), planTargetAway };
};
