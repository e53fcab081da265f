// Every tunable of the engine and of the model it reads, with its unit and
// why it has its value (planck.js's Settings.ts is the model). Nothing here
// is a calibrated cost: those live in profiles/*.json with their sources.

/** Silent guest events a vCPU draws ahead (events). Deep enough that a timer event is rare for them; shallow enough to stay in cache. */
export const SILENT_QUEUE_DEPTH = 16;

/** Capacity of each open VM's arrival queue (requests); arrivals beyond it are dropped and counted. Large enough that only an overloaded VM drops. */
export const ARRIVAL_QUEUE_CAPACITY = 4096;

/** KVM's halt_poll_ns_grow_start default (seconds): the first window when adaptive halt polling starts to grow. Not checked against a primary text here. */
export const HALT_POLL_GROW_START_SEC = 10e-6;

/**
 * KVM's PLE window / pause-filter count after an exit: × KVM_DEFAULT_PLE_WINDOW_GROW (2) per PLE or
 * PAUSE exit, back to the base when the vCPU is scheduled in (KVM_DEFAULT_PLE_WINDOW_SHRINK 0 means
 * "reset"), Linux arch/x86/kvm/x86.h (__grow_ple_window, __shrink_ple_window).
 */
export const PLE_WINDOW_GROW = 2;

/** KVM_VMX_DEFAULT_PLE_WINDOW_MAX (UINT_MAX cycles), arch/x86/kvm/x86.h; SVM profiles state their own (USHRT_MAX PAUSEs). */
export const PLE_WINDOW_MAX_VMX_CYCLES = 2 ** 32 - 1;

/** Aggregated mode: guest compute batched per draw (seconds), about one scheduler time slice. */
export const AGGREGATE_BATCH_SEC = 0.01;

/** Aggregated mode: representative exits that stand for a batch in the histogram and the min/max (exits). */
export const AGGREGATE_REPRESENTATIVE_EXITS = 3;

/** Aggregated mode: batches expecting at most this many events draw one Poisson count for all classes and split it by rate (events). */
export const AGGREGATE_SPLIT_MAX_EXPECTED = 2;

/** Poisson draws with a larger mean use the normal approximation (events). */
export const POISSON_NORMAL_ABOVE = 30;

/** Aggregated mode's batch length in cycles at `frequencyHz` (0 when exact). */
export function aggregateBatchCycles(aggregate: boolean | undefined, frequencyHz: number): number {
  return aggregate ? Math.round(frequencyHz * AGGREGATE_BATCH_SEC) : 0;
}
