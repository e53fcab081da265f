// The compiled form of one run that the event loop reads: plain numbers and
// typed arrays, every decision of the exit engine already taken (build.ts).
// Nothing here refers to files, names of features or the terminal.

export { POLICY_FAIR, POLICY_PINNED, POLICY_ROUND_ROBIN } from '../scheduler/policies.js';

/** What a guest-clock event class does besides its exits. */
export const BEHAVIOUR_NORMAL = 0;
export const BEHAVIOUR_IO = 1;
export const BEHAVIOUR_IPI = 2;
export const BEHAVIOUR_LOCK = 3;
/** A TSC-deadline write with a deadline ahead: it arms the vCPU's one-shot LAPIC timer. */
export const BEHAVIOUR_ONESHOT = 4;

export const INTERRUPT_TIMER = 0;
export const INTERRUPT_DEVICE = 1;
/** The vCPU's one-shot LAPIC timer (a deadline the guest wrote): handled without re-programming. */
export const INTERRUPT_ONESHOT = 2;
/** No wait: the unit computes on after the event. */
export const WAIT_NONE = -1;
/** Not an interrupt: an IPI sender waits until the target has run its handler (a flag it sets). */
export const WAIT_ACK = 3;

/**
 * An exit plan: the round trips one event causes, as a range of steps in the
 * flat step arrays, plus the guest's own native cycles that follow.
 */
export interface PlanTable {
  start: Int32Array;
  length: Int32Array;
  nativeCycles: Float64Array;
  stepReason: Int32Array;
  stepRepeat: Int32Array;
  stepProbability: Float64Array;
  /** 0 = kernel, 1 = user-space handler (the user figure includes the kernel↔user round trip). */
  stepUser: Uint8Array;
  stepHandlerMean: Float64Array;
  stepHandlerMu: Float64Array;
  stepHandlerSigma: Float64Array;
}

export interface VmModel {
  name: string;
  workload: string;
  vcpus: number;
  /** vCPUs (the first of the VM) that run units; the others only take interrupts. */
  activeVcpus: number;
  closed: boolean;
  cyclesPerUnit: number;
  unitMu: number;
  unitSigma: number;
  /** Mean wall cycles between arrivals (open workloads); 0 for closed ones. */
  arrivalGapCycles: number;
  /** Extra 2-D page-walk cycles per unit under EPT, booked as indirect. */
  walkCyclesPerUnit: number;
  /** TLB refill after each transition without VPID. */
  tlbRefillCycles: number;
  // Guest-clock event classes (one random stream each per vCPU).
  classCount: number;
  classPlan: Int32Array;
  /** IPI classes: the plan when the target is not running (AVIC_INCOMPLETE_IPI), else −1. */
  classPlanTargetAway: Int32Array;
  classBehaviour: Int32Array;
  classDevice: Int32Array;
  classDist: Int32Array;
  classMeanGap: Float64Array;
  classMu: Float64Array;
  classSigma: Float64Array;
  classEmpirical: Float64Array[];
  /** Lock classes: mean hold cycles. */
  classHoldMean: Float64Array;
  /** One-shot timer classes: cycles from the write to the deadline (0 for the others). */
  classDeadlineCycles: Float64Array;
  /** The interrupt kind (INTERRUPT_*) the unit waits for after the event, spinning; WAIT_NONE when it does not wait. */
  classWaitKind: Int32Array;
  /** Per class: 1 if the guest idles (halts) while it waits, 0 if it spins. */
  classWaitIdle: Uint8Array;
  /** Quiet classes: nothing reaching another vCPU or a device timer (plain work, or I/O completing at once). */
  classQuiet: Uint8Array;
  /** Classes the aggregated mode batches (quiet, exponential gaps). */
  classAggregatable: Uint8Array;
  // Wall-clock interrupt classes.
  wallCount: number;
  wallType: Int32Array;
  wallDist: Int32Array;
  wallMeanGap: Float64Array;
  wallMu: Float64Array;
  wallSigma: Float64Array;
  wallEmpirical: Float64Array[];
  // Devices.
  deviceCount: number;
  deviceLatencyCycles: Float64Array;
  /**
   * Per device: the most requests a waiting io class keeps in flight on it (0: no class waits on
   * it — its completions coalesce, one outstanding per vCPU). A device with a depth tracks every
   * request's completion.
   */
  deviceQueueDepth: Int32Array;
  /** Per class: for a waiting io class, the requests it keeps in flight before it waits. */
  classQueueDepth: Int32Array;
  // Plans the engine starts by itself.
  planHalt: number;
  planIdleEntry: number;
  planIdleEntryHalt: number;
  planPause: number;
  planHostTick: number;
  planDeliverDevice: number;
  /** An IPI reaching a running vCPU (the same as a device interrupt on x86; on arm64 GICv4.0 injects vLPIs, not vSGIs). */
  planDeliverIpi: number;
  planDeliverTimer: number;
  planInjectDevice: number;
  planInjectTimer: number;
  planDeliverOneShot: number;
  planInjectOneShot: number;
}

export interface StageDraw {
  mean: number;
  mu: number;
  sigma: number;
}

export interface BuiltModel {
  nativeMode: boolean;
  /** Cycles from an IPI's send until its target takes it (the hardware's cross-core latency). */
  crossCoreInterruptCycles: number;
  frequencyHz: number;
  seed: number;
  /**
   * The index of the first VM in stream names (0 but in a bare-metal run of the later VMs of a
   * scenario alone: with a pCPU per vCPU its VMs never interact, so VM i's run is the same either way).
   */
  firstVmIndex: number;
  endCycles: number;
  warmupCycles: number;
  pcpus: number;
  policy: number;
  sliceCycles: number;
  tickPeriodCycles: number;
  hostContextSwitchCycles: number;
  vmcsMigrationCycles: number;
  pleWindowCycles: number;
  /** The most a vCPU's PLE window grows to (cycles), and its factor per PLE exit (src/engine/settings.ts). */
  pleWindowMaxCycles: number;
  pleWindowGrow: number;
  /** Halt polling: the most a vCPU polls, and the first window when it starts to grow (KVM's adaptive polling). */
  haltPollCycles: number;
  haltPollStartCycles: number;
  exitlessIdle: boolean;
  /** Exit stages 1–5 and entry, in category order (record, save, MSR store, load host, MSR load, entry). */
  stages: StageDraw[];
  /** Lognormal factor (mean 1) applied to all hardware stages of one round trip. */
  hardwareMu: number;
  hardwareSigma: number;
  plans: PlanTable;
  /** Profile handler names the plans use (metadata for analyses; the loop never reads it). */
  handlersUsed: string[];
  vms: VmModel[];
  /** Capacity of each open VM's arrival queue; arrivals beyond it are dropped and counted. */
  queueCapacity: number;
  /**
   * Aggregated mode: between scheduling points a vCPU's batchable events are
   * drawn as counts per batch (Poisson) with summed costs (normal around the
   * summed means) instead of one at a time. 0 = exact mode.
   */
  aggregateBatchCycles: number;
  /** Coefficient of variation of one handler draw (for summed costs). */
  handlerCv: number;
  stageCv: number;
}
