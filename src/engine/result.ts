// The raw counters of one run (metrics/summarize.ts turns them into figures),
// how they are allocated, and the one copy routine that live views read.
import { N_CAT } from '../exits/cost.js';
import { EXIT_REASON_SLOTS } from '../exits/reasons.js';
import { HISTOGRAM_BUCKETS } from './histogram.js';
import type { BuiltModel } from './model.js';

export interface RawResult {
  nativeMode: boolean;
  frequencyHz: number;
  windowCycles: number;
  pcpus: number;
  /** [p * N_CAT + cat] */
  pcpuCycles: Float64Array;
  /** [vm * N_CAT + cat] */
  vmCycles: Float64Array;
  /** Units finished in the window, counting the in-progress units at its edges fractionally. */
  vmUnits: Float64Array;
  /** Units finished in the window (whole units only). */
  vmCompletedUnits: Float64Array;
  vmArrivals: Float64Array;
  vmDropped: Float64Array;
  /** [vm * EXIT_REASON_SLOTS + reason] */
  exitCount: Float64Array;
  exitCycles: Float64Array;
  exitMin: Float64Array;
  exitMax: Float64Array;
  /** Sum of squared round-trip cycles, for the spread perf prints as ( +- x% ). */
  exitSumSq: Float64Array;
  /** HLT: cycles the vCPU stayed blocked (apart from handler cycles). */
  vmBlockedCycles: Float64Array;
  /** HLT: the shortest and longest single blocked stretch in the window (perf's Min/Max Time of HLT). */
  vmBlockedMin: Float64Array;
  vmBlockedMax: Float64Array;
  /** [vm * HISTOGRAM_BUCKETS + bucket] */
  exitHistogram: Float64Array;
  latencyHistogram: Float64Array;
  guestEvents: number;
  heapEvents: number;
}

/** Zeroed counters for `model`'s run (minimum round trips start at infinity). */
export function newRawResult(model: BuiltModel): RawResult {
  const nVm = model.vms.length;
  return {
    nativeMode: model.nativeMode,
    frequencyHz: model.frequencyHz,
    windowCycles: model.endCycles - model.warmupCycles,
    pcpus: model.pcpus,
    pcpuCycles: new Float64Array(model.pcpus * N_CAT),
    vmCycles: new Float64Array(nVm * N_CAT),
    vmUnits: new Float64Array(nVm),
    vmCompletedUnits: new Float64Array(nVm),
    vmArrivals: new Float64Array(nVm),
    vmDropped: new Float64Array(nVm),
    exitCount: new Float64Array(nVm * EXIT_REASON_SLOTS),
    exitCycles: new Float64Array(nVm * EXIT_REASON_SLOTS),
    exitMin: new Float64Array(nVm * EXIT_REASON_SLOTS).fill(Infinity),
    exitMax: new Float64Array(nVm * EXIT_REASON_SLOTS),
    exitSumSq: new Float64Array(nVm * EXIT_REASON_SLOTS),
    vmBlockedCycles: new Float64Array(nVm),
    vmBlockedMin: new Float64Array(nVm).fill(Infinity),
    vmBlockedMax: new Float64Array(nVm),
    exitHistogram: new Float64Array(nVm * HISTOGRAM_BUCKETS),
    latencyHistogram: new Float64Array(nVm * HISTOGRAM_BUCKETS),
    guestEvents: 0,
    heapEvents: 0,
  };
}

/** A deep copy of `o`, with `vmUnits` and `windowCycles` replaced (a live view's cut of the window). */
export function copyRawResult(o: RawResult, vmUnits: Float64Array, windowCycles: number): RawResult {
  return {
    ...o,
    windowCycles,
    pcpuCycles: o.pcpuCycles.slice(),
    vmCycles: o.vmCycles.slice(),
    vmUnits,
    vmCompletedUnits: o.vmCompletedUnits.slice(),
    vmArrivals: o.vmArrivals.slice(),
    vmDropped: o.vmDropped.slice(),
    exitCount: o.exitCount.slice(),
    exitCycles: o.exitCycles.slice(),
    exitMin: o.exitMin.slice(),
    exitMax: o.exitMax.slice(),
    exitSumSq: o.exitSumSq.slice(),
    vmBlockedCycles: o.vmBlockedCycles.slice(),
    vmBlockedMin: o.vmBlockedMin.slice(),
    vmBlockedMax: o.vmBlockedMax.slice(),
    exitHistogram: o.exitHistogram.slice(),
    latencyHistogram: o.latencyHistogram.slice(),
  };
}

/** A halted vCPU of `vm` woke after `cycles` blocked (inside the window): its total and extremes. */
export function noteBlocked(o: RawResult, vm: number, cycles: number): void {
  o.vmBlockedCycles[vm] += cycles;
  if (cycles < o.vmBlockedMin[vm]) o.vmBlockedMin[vm] = cycles;
  if (cycles > o.vmBlockedMax[vm]) o.vmBlockedMax[vm] = cycles;
}
