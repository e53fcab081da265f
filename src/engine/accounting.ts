// Cycle accounting: every pCPU cycle of the measurement window [warm-up end,
// run end] is booked into exactly one category (CAT), so each pCPU's row adds
// up to the window exactly; per-reason exit statistics and the exit histogram.
//
// Two booking paths, by design: the hottest bookings (guest time, episodes
// booked ahead) go into the running vCPU's own row, added to its pCPU's and
// VM's counters when it leaves the pCPU or when counters are read; the rest
// (spins, polls, entries, idle, clipped episodes) go straight to the pCPU and
// VM. Cycle counts are integers below 2^53, so the sums are exact in any order.
import { CAT, N_CAT } from '../exits/cost.js';
import { EXIT_REASON_SLOTS } from '../exits/reasons.js';
import { HISTOGRAM_BUCKETS } from './histogram.js';
import type { RawResult } from './result.js';

// Per-reason exit statistics, interleaved per (VM, reason) so one exit touches one cache line:
// [(vm * EXIT_REASON_SLOTS + reason) * ES_STRIDE + field].
export const ES_COUNT = 0;
export const ES_CYCLES = 1;
export const ES_SUM_SQ = 2;
export const ES_MIN = 3;
export const ES_MAX = 4;
export const ES_STRIDE = 5;

/** The categories an exit episode books, in the order they happen. */
export const EPISODE_FIRST_CAT = CAT.EXIT_RECORD;
export const EPISODE_LAST_CAT = CAT.INDIRECT_TLB_REFILL;

export class CycleAccounts {
  private readonly warmup: number;
  private readonly end: number;
  private readonly out: RawResult;
  /** Cycles a vCPU booked on its current pCPU, by category, not yet in its pCPU's and VM's counters. */
  readonly vcpuCycles: Float64Array; // [v * N_CAT + cat]
  /** An exit episode per vCPU, by category, until it is booked (bookEpisode). */
  readonly episode: Float64Array; // [v * N_CAT + cat]
  /** When each vCPU's episode started. */
  readonly episodeStart: Float64Array;
  /**
   * Per-reason exit statistics (ES_* fields), with one more VM's block at the
   * end (`warmupStatsVm`) where exits of the warm-up go and are never read.
   * Exits are added by episode.ts (drawPlan, drawBatch) inline, and exact
   * ones without a branch on the warm-up: a call in a branch that is cold
   * while the warm-up gets it compiled stays a call V8 does not inline.
   */
  readonly exitStats: Float64Array;
  /** The VM index whose statistics block and histogram row take the warm-up's exits. */
  readonly warmupStatsVm: number;
  /** [vm * HISTOGRAM_BUCKETS + bucket]: round trips by cycles; the row after the last VM's is the warm-up's. */
  readonly exitHistogram: Float64Array;

  constructor(out: RawResult, vcpus: number, warmupCycles: number, endCycles: number) {
    this.out = out;
    this.warmup = warmupCycles;
    this.end = endCycles;
    this.vcpuCycles = new Float64Array(vcpus * N_CAT);
    this.episode = new Float64Array(vcpus * N_CAT);
    this.episodeStart = new Float64Array(vcpus);
    this.warmupStatsVm = out.exitHistogram.length / HISTOGRAM_BUCKETS;
    this.exitHistogram = new Float64Array(out.exitHistogram.length + HISTOGRAM_BUCKETS);
    const keys = out.exitCount.length + EXIT_REASON_SLOTS;
    this.exitStats = new Float64Array(keys * ES_STRIDE);
    for (let k = 0; k < keys; k++) this.exitStats[k * ES_STRIDE + ES_MIN] = Infinity;
  }

  /** Books [from, to) on pCPU p (and VM vm unless -1), clipped to the measurement window. */
  book(p: number, vm: number, cat: number, from: number, to: number): void {
    const a = from > this.warmup ? from : this.warmup;
    const b = to < this.end ? to : this.end;
    if (b <= a) return;
    const len = b - a;
    this.out.pcpuCycles[p * N_CAT + cat] += len;
    if (vm >= 0) this.out.vmCycles[vm * N_CAT + cat] += len;
  }

  /** Books [from, to) of vCPU v on its pCPU, clipped to the window, into its row. */
  bookVcpu(v: number, cat: number, from: number, to: number): void {
    const a = from > this.warmup ? from : this.warmup;
    const b = to < this.end ? to : this.end;
    if (b > a) this.vcpuCycles[v * N_CAT + cat] += b - a;
  }

  /** Books a return to guest mode from `t`: the host's switch to the vCPU, VM entry, TLB refill, in that order. */
  bookEntry(p: number, vm: number, t: number, switchCycles: number, entryCycles: number, refillCycles: number): void {
    const a = t + switchCycles;
    const b = a + entryCycles;
    this.book(p, vm, CAT.HOST_SCHED, t, a);
    this.book(p, vm, CAT.ENTRY, a, b);
    this.book(p, vm, CAT.INDIRECT_TLB_REFILL, b, b + refillCycles);
  }

  /** Adds vCPU v's row to pCPU p's and VM vm's counters (before it leaves the pCPU, or a read). */
  flushVcpu(v: number, p: number, vm: number): void {
    const row = this.vcpuCycles;
    const b = v * N_CAT;
    const pb = p * N_CAT;
    const vb = vm * N_CAT;
    const pc = this.out.pcpuCycles;
    const vc = this.out.vmCycles;
    for (let c = 0; c < N_CAT; c++) {
      const x = row[b + c];
      if (x !== 0) {
        pc[pb + c] += x;
        vc[vb + c] += x;
        row[b + c] = 0;
      }
    }
  }

  /** Books vCPU v's episode on pCPU p for VM vm, in category order from its start (clipped to the window). */
  bookEpisode(v: number, p: number, vm: number): void {
    const ep = v * N_CAT;
    const e = this.episode;
    let t = this.episodeStart[v];
    let len = 0;
    for (let c = EPISODE_FIRST_CAT; c <= EPISODE_LAST_CAT; c++) len += e[ep + c];
    if (t >= this.warmup && t + len <= this.end) {
      // Wholly inside the window (the common case): no clipping needed.
      const pc = this.out.pcpuCycles;
      const vc = this.out.vmCycles;
      const pb = p * N_CAT;
      const vb = vm * N_CAT;
      for (let c = EPISODE_FIRST_CAT; c <= EPISODE_LAST_CAT; c++) {
        const x = e[ep + c];
        if (x > 0) {
          pc[pb + c] += x;
          vc[vb + c] += x;
          e[ep + c] = 0;
        }
      }
      return;
    }
    for (let c = EPISODE_FIRST_CAT; c <= EPISODE_LAST_CAT; c++) {
      const x = e[ep + c];
      if (x > 0) {
        this.book(p, vm, c, t, t + x);
        t += x;
        e[ep + c] = 0;
      }
    }
  }

  /** Copies the interleaved exit statistics and the histogram (the warm-up's left out) to RawResult's arrays. */
  syncExitStats(): void {
    const es = this.exitStats;
    const o = this.out;
    o.exitHistogram.set(this.exitHistogram.subarray(0, o.exitHistogram.length));
    for (let k = 0; k < o.exitCount.length; k++) {
      const b = k * ES_STRIDE;
      o.exitCount[k] = es[b + ES_COUNT];
      o.exitCycles[k] = es[b + ES_CYCLES];
      o.exitSumSq[k] = es[b + ES_SUM_SQ];
      o.exitMin[k] = es[b + ES_MIN];
      o.exitMax[k] = es[b + ES_MAX];
    }
  }
}
