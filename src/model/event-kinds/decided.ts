// The path most event kinds take: the decision table's exits for the event, the user-space VMM's
// service time on a device request, the native work the guest still does, and a confidential
// VM's bounce-buffer copy of the request's data.
import { bounceStep } from '../../exits/confidential.js';
import type { Decision, DecisionContext } from '../../exits/resolve.js';
import type { EventKind } from '../../exits/decision-table.js';
import type { InstructionEvent } from '../../config/schema.js';
import { MECHANISM_HANDLERS } from '../plans.js';
import { BEHAVIOUR_NORMAL } from '../../engine/model.js';
import type { CompiledEvent, VmCompileContext } from './types.js';

export interface Decided {
  decision: Decision;
  /** The handler time this event's exits run (a measured or served figure), else the profile's. */
  handlerOverride: number | undefined;
  /** The guest still pays the event's native work. */
  nativePaid: boolean;
}

/**
 * Whether the guest still does an event's native work: bare metal always; a virtualized event that
 * exits for good (its handler emulates it) does not — a reflected one (a shadow #PF) still does.
 */
export function paysNative(decision: Decision, nativeMode: boolean): boolean {
  return nativeMode || decision.rule.reflected === true || decision.exits.length === 0 || decision.exits.every((x) => x.probability < 1);
}

/** Decides event `e` (as `kind`, with `extra` context) on device `device` (or -1). */
export function decideEvent(e: InstructionEvent, ctx: VmCompileContext, device = -1, extra: Partial<DecisionContext> = {}, kind: EventKind = e.kind): Decided {
  const { workload, plans, nativeMode, profile } = ctx;
  let decision = ctx.decideExits(kind, extra);
  // A measured handler time (imported workloads) overrides the profile's.
  let handlerOverride: number | undefined = e.handlerCycles;
  const service = device >= 0 ? (workload.devices[device].vmmServiceCycles ?? 0) : 0;
  // The step that serves the request (a nested or confidential VM wraps it in steps of their own).
  const served = decision.exits.filter((x) => !MECHANISM_HANDLERS.has(x.handler));
  if (service > 0 && !nativeMode && served.length === 1 && (served[0].location === 'user' || served[0].location === 'l1-user') && served[0].repeat === 1) {
    // The notify reached the user-space VMM: it serves the request in the vCPU thread.
    handlerOverride = (handlerOverride ?? plans.meanOf(served[0].handler)) + service;
  }
  const nativePaid = paysNative(decision, nativeMode);
  const dmaBytes = device >= 0 ? (workload.devices[device].dmaBytesPerOp ?? 0) : 0;
  if (!nativeMode && ctx.vmType.confidential && dmaBytes > 0 && profile.bounce) {
    // The operation's data crosses the bounce buffers (src/exits/confidential.ts bounceStep).
    const bounce = bounceStep(decision.exits[0]?.reason ?? 0, dmaBytes, { mapCycles: profile.bounce.mapCycles.value, copyCyclesPerByte: profile.bounce.copyCyclesPerByte.value });
    decision = { ...decision, exits: [...decision.exits, bounce] };
  }
  return { decision, handlerOverride, nativePaid };
}

/** The plan of a decided event: its exits, and its native work when the guest still does it. */
export function planOf(e: InstructionEvent, ctx: VmCompileContext, d: Decided, behaviour = BEHAVIOUR_NORMAL, device = -1): CompiledEvent {
  const plan = ctx.plans.add(d.decision.exits, d.nativePaid ? ctx.nativeOf(e) : 0, d.handlerOverride, e.handlerCycles !== undefined);
  return { plan, behaviour, device, planTargetAway: -1 };
}

/** An event kind with nothing of its own: decided and planned. */
export function compileDecided(e: InstructionEvent, _field: string, ctx: VmCompileContext): CompiledEvent {
  return planOf(e, ctx, decideEvent(e, ctx));
}
