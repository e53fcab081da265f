// What an event-kind compiler gets and gives: the VM-wide context it decides in (built once per VM
// by build.ts) and the event class it compiles to (a plan and how the engine treats the event).
import type { DecisionContext, ResolvedExit, Decision } from '../../exits/resolve.js';
import type { EventKind } from '../../exits/decision-table.js';
import type { VmTypeDescriptor } from '../../exits/vm-types/types.js';
import type { InstructionEvent, Profile, Workload } from '../../config/schema.js';
import type { PlanBuilder } from '../plans.js';

export interface VmCompileContext {
  profile: Profile;
  workload: Workload;
  /** The workload's file (for messages). */
  file: string;
  nativeMode: boolean;
  vmType: VmTypeDescriptor;
  plans: PlanBuilder;
  /** MSRs the scenario's bitmap passes through (upper case). */
  passThrough: ReadonlySet<string>;
  /** Device name → index in `workload.devices`. */
  deviceIndex: ReadonlyMap<string, number>;
  /** The decision table's answer for this VM, after its VM type's exit transform. */
  decideExits(kind: EventKind, extra?: Partial<DecisionContext>): Decision;
  /** The event's own native cycles (its field, else the kind's default). */
  nativeOf(e: { kind: string; nativeCycles?: number }): number;
}

/** One event class as the engine runs it (model.ts's class columns). */
export interface CompiledEvent {
  plan: number;
  /** BEHAVIOUR_* (engine/model.ts): what the engine does besides the plan. */
  behaviour: number;
  /** Index in the workload's devices, or -1. */
  device: number;
  /** AVIC: the plan when the IPI's target is not running, or -1. */
  planTargetAway: number;
}

/** Compiles one instruction event of the workload (`field` names it in messages). */
export type EventCompiler = (e: InstructionEvent, field: string, ctx: VmCompileContext) => CompiledEvent;

export type { ResolvedExit };
