// Pure decision: (event kind, context) → the exits it causes. Called once per
// (VM, event class) when a run is built; the event loop reads the result.
import { DECISION_TABLE, type Condition, type DecisionRule, type EventKind, type ExitSpec } from './decision-table.js';
import { FEATURE_BIT, type FeatureName } from './features.js';
import { parseExitReason } from './reasons.js';
import { alwaysOnBits, archOf, exitNameOn, type Arch } from './arch/index.js';
import type { HandlerName, Profile } from '../config/schema.js';

export interface DecisionContext {
  arch: Arch;
  features: number;
  apicMode: 'xapic' | 'x2apic';
  usesDebugRegisters: boolean;
  preemptionTimer: boolean;
  deviceKind?: 'emulated' | 'virtio' | 'passthrough';
  deviceBus?: 'pio' | 'mmio';
  msrIntercepted?: boolean;
  /** arm64: the profile's GIC generation (v2: the distributor and IPIs are MMIO). */
  gicVersion?: 'v2' | 'v3';
  /** Numbers the rules' `repeat` and `probability` refer to. */
  shadowPageFaultExits: number;
  deviceExitsPerOp: number;
  /** Shadow paging: trapped page-table writes per process lifecycle (fork + exec + exit). */
  lifecycleWriteTraps: number;
  interruptWindowProbability: number;
  levelTriggeredFraction: number;
  tprBelowThresholdProbability: number;
}

export interface ResolvedExit {
  reason: number;
  handler: HandlerName;
  /**
   * Where the handler runs: the host's kernel or user space; (nested guests) the L1 hypervisor's
   * kernel or user space; (confidential VMs) the guest itself — its #VE/#VC handler, no exit — or the
   * security monitor (the TDX module answering without the host). The last three have no host exit.
   */
  location: 'kernel' | 'user' | 'l1' | 'l1-user' | 'guest' | 'monitor';
  /** A confidential VM's request to the host: a TDG.VP.VMCALL or a VMGEXIT (the host reads its arguments there). */
  via?: 'tdvmcall' | 'vmgexit';
  /** Mean cycles of the step itself, where they depend on the event rather than on a handler cost (a bounce copy of n bytes). */
  cycles?: number;
  /** Round trips per event (≥ 1). */
  repeat: number;
  /** Probability that the exit happens at all (1 = always). */
  probability: number;
}

export interface Decision {
  rule: DecisionRule;
  exits: ResolvedExit[];
}

function holds(cond: Condition | undefined, ctx: DecisionContext): boolean {
  if (!cond) return true;
  if (cond.arch !== undefined && cond.arch !== ctx.arch) return false;
  if (cond.features) {
    // What the architecture always has counts as on (arm64: stage-2 translation, with no shadow paging to fall back to).
    const features = ctx.features | alwaysOnBits(ctx.arch);
    for (const [name, want] of Object.entries(cond.features)) {
      const on = (features & FEATURE_BIT[name as FeatureName]) !== 0;
      if (on !== want) return false;
    }
  }
  if (cond.apicMode !== undefined && cond.apicMode !== ctx.apicMode) return false;
  if (cond.deviceKind !== undefined && cond.deviceKind !== ctx.deviceKind) return false;
  if (cond.deviceBus !== undefined && cond.deviceBus !== ctx.deviceBus) return false;
  if (cond.msrIntercepted !== undefined && cond.msrIntercepted !== ctx.msrIntercepted) return false;
  if (cond.usesDebugRegisters !== undefined && cond.usesDebugRegisters !== ctx.usesDebugRegisters) return false;
  if (cond.preemptionTimer !== undefined && cond.preemptionTimer !== ctx.preemptionTimer) return false;
  if (cond.gicVersion !== undefined && cond.gicVersion !== ctx.gicVersion) return false;
  return true;
}

function resolveExit(spec: ExitSpec, ctx: DecisionContext): ResolvedExit {
  const name = exitNameOn(ctx.arch, spec.exit, ctx.features);
  const reason = parseExitReason(name, ctx.arch);
  if (reason === undefined) throw new Error(`decision table names an unknown ${ctx.arch} exit reason '${name}'`);
  return {
    reason,
    handler: spec.handler,
    location: spec.location,
    repeat: spec.repeat ? Math.max(1, Math.round(ctx[spec.repeat])) : 1,
    probability: spec.probability ? ctx[spec.probability] : 1,
  };
}

export function decide(event: EventKind, ctx: DecisionContext, table: DecisionRule[] = DECISION_TABLE): Decision {
  for (const rule of table) {
    if (rule.event === event && holds(rule.when, ctx)) {
      return { rule, exits: rule.exits.map((e) => resolveExit(e, ctx)).filter((e) => e.probability > 0) };
    }
  }
  throw new Error(`decision table has no rule for event '${event}'`);
}

/**
 * KVM inhibits AVIC for a guest in x2APIC mode on a CPU without x2AVIC (Zen 4 brought x2AVIC; before
 * it "AVIC is deactivated when x2apic is enabled", Linux 5.7 on): its APIC is then emulated.
 */
export function avicInhibited(profile: Profile, apicMode: 'xapic' | 'x2apic'): boolean {
  const cap = archOf(profile).x2apicNeeds;
  return cap !== undefined && apicMode === 'x2apic' && !profile.capabilities[cap];
}
