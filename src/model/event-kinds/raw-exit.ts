// An exit named directly (imported workloads): no decision, the named exit every time.
import { InputError, describeValue } from '../../config/errors.js';
import { archOf } from '../../exits/arch/index.js';
import { parseExitReason } from '../../exits/reasons.js';
import type { ResolvedExit } from '../../exits/resolve.js';
import { BEHAVIOUR_NORMAL } from '../../engine/model.js';
import type { EventCompiler } from './types.js';

export const compileRawExit: EventCompiler = (e, field, ctx) => {
  const { profile } = ctx;
  // (On SVM a VT-x name is read as its SVM counterpart: workloads name exits in either.)
  const reason = e.reason === undefined ? undefined : (parseExitReason(String(e.reason), profile.arch) ?? archOf(profile).foreignExitName?.(String(e.reason)));
  if (reason === undefined) {
    throw new InputError(ctx.file, `${field}.reason`, 'an exit reason name, alias or number (exitsim list exit-reasons)', describeValue(e.reason));
  }
  const exits: ResolvedExit[] = [{ reason, handler: 'raw-exit', location: 'kernel', repeat: 1, probability: 1 }];
  return { plan: ctx.plans.add(exits, ctx.nativeOf(e), e.handlerCycles), behaviour: BEHAVIOUR_NORMAL, device: -1, planTargetAway: -1 };
};
