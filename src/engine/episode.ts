// Exit-episode composition: the round trips of one exit plan (exact mode) or
// of a batch of events (aggregated mode), drawn stage by stage and summed by
// cycle category into the vCPU's episode row. Both paths end in the same
// category write (addEpisode); the engine then books the row ahead or at
// the episode's end. A leaf: it draws, records exit statistics, and never
// calls back into the state machine.
import { CAT, N_CAT } from '../exits/cost.js';
import { ES_COUNT, ES_CYCLES, ES_MAX, ES_MIN, ES_STRIDE, ES_SUM_SQ, type CycleAccounts } from './accounting.js';
import { EXIT_REASON_SLOTS } from '../exits/reasons.js';
import { HISTOGRAM_BUCKETS, bucketOf } from './histogram.js';
import { poisson, standardNormal } from './draws.js';
import type { BuiltModel, VmModel } from './model.js';
import { normalFromUniform, type StreamBank } from './random.js';
import { AGGREGATE_REPRESENTATIVE_EXITS, AGGREGATE_SPLIT_MAX_EXPECTED } from './settings.js';
import type { EngineStreams } from './streams.js';

/** stepUser value of a plan step that is an L1 hypervisor's handler (0 kernel, 1 user space). */
export const LOCATION_L1 = 2;
/** stepUser value of a confidential guest's own #VE/#VC handling (no exit). */
export const LOCATION_GUEST = 3;
/** stepUser value of the security monitor answering without the host (the TDX module; no host exit). */
export const LOCATION_MONITOR = 4;

/**
 * The one write of an episode's categories, added into row `b` of `e`: a
 * vCPU's own row (an episode booked ahead), or its episode row, which is all
 * zeros until the episode is booked (accounting.ts's bookEpisode clears it).
 */
function addEpisode(
  e: Float64Array,
  b: number,
  record: number,
  saveGuest: number,
  msrStore: number,
  loadHost: number,
  msrLoad: number,
  handlerKernel: number,
  handlerUser: number,
  entry: number,
  refill: number,
  handlerL1: number,
  handlerGuest: number,
  monitor: number,
): void {
  e[b + CAT.EXIT_RECORD] += record;
  e[b + CAT.EXIT_SAVE_GUEST] += saveGuest;
  e[b + CAT.EXIT_MSR_STORE] += msrStore;
  e[b + CAT.EXIT_LOAD_HOST] += loadHost;
  e[b + CAT.EXIT_MSR_LOAD] += msrLoad;
  e[b + CAT.HANDLER_KERNEL] += handlerKernel;
  e[b + CAT.HANDLER_USER] += handlerUser;
  e[b + CAT.ENTRY] += entry;
  e[b + CAT.INDIRECT_TLB_REFILL] += refill;
  e[b + CAT.HANDLER_L1] += handlerL1;
  e[b + CAT.HANDLER_GUEST] += handlerGuest;
  e[b + CAT.MONITOR] += monitor;
}

export class EpisodeComposer {
  private readonly m: BuiltModel;
  private readonly rng: StreamBank;
  private readonly costStreams: Int32Array;
  private readonly decisionStreams: Int32Array;
  private readonly aggStreams: Int32Array;
  private readonly acct: CycleAccounts;
  private readonly maxClass: number;
  /** Per VM: events per compute cycle of all its batchable classes together. */
  private readonly batchRatePerCycle: Float64Array;
  /** Per VM and class: events per compute cycle of a batchable class (0 for the others). */
  private readonly classBatchRatePerCycle: Float64Array;
  // The model's figures drawPlan reads on every exit, as fields (one load each, not a chain).
  private readonly plans: BuiltModel['plans'];
  private readonly st0: number;
  private readonly st1: number;
  private readonly st2: number;
  private readonly st3: number;
  private readonly st4: number;
  private readonly st5: number;
  private readonly hwMu: number;
  private readonly hwSigma: number;
  private readonly tlbRefillCycles: Float64Array;
  private readonly exitStats: Float64Array;
  private readonly exitHistogram: Float64Array;
  private readonly warmupStatsVm: number;
  private readonly vcpuRows: Float64Array;
  private readonly episodeRows: Float64Array;
  // reuse: per-class counts and the five exit steps' cycles of one batch
  private readonly batchCount: Int32Array;
  private readonly batchExit = new Float64Array(5);

  // Results of the last composition, besides the episode row (read right after the call).
  /** Length of the episode in cycles. */
  length = 0;
  /** Exact mode: the episode went straight into the vCPU's own row (booked ahead). */
  bookedAhead = false;
  /** Exact mode, episode left open: the last round trip's entry, paid when the vCPU re-enters. */
  lastEntry = 0;
  /** Aggregated mode: the batch's guest events. */
  events = 0;

  constructor(model: BuiltModel, streams: EngineStreams, acct: CycleAccounts, maxClass: number) {
    this.m = model;
    this.rng = streams.rng;
    this.costStreams = streams.costStreams;
    this.decisionStreams = streams.decisionStreams;
    this.aggStreams = streams.aggStreams;
    this.acct = acct;
    this.maxClass = maxClass;
    this.plans = model.plans;
    [this.st0, this.st1, this.st2, this.st3, this.st4, this.st5] = model.stages.map((s) => s.mean);
    this.hwMu = model.hardwareMu;
    this.hwSigma = model.hardwareSigma;
    this.tlbRefillCycles = Float64Array.from(model.vms, (w) => w.tlbRefillCycles);
    this.exitStats = acct.exitStats;
    this.exitHistogram = acct.exitHistogram;
    this.warmupStatsVm = acct.warmupStatsVm;
    this.vcpuRows = acct.vcpuCycles;
    this.episodeRows = acct.episode;
    this.batchCount = new Int32Array(maxClass);
    this.classBatchRatePerCycle = new Float64Array(model.vms.length * maxClass);
    this.batchRatePerCycle = Float64Array.from(model.vms, (w, vm) => {
      let rate = 0;
      for (let c = 0; c < w.classCount; c++) {
        if (!w.classAggregatable[c]) continue;
        this.classBatchRatePerCycle[vm * maxClass + c] = 1 / w.classMeanGap[c];
        rate += 1 / w.classMeanGap[c];
      }
      return rate;
    });
  }

  /**
   * Draws the round trips of plan `plan` for vCPU v of VM vm into its episode
   * row and returns the episode's length in cycles (0: nothing happened — no
   * exit, and no work without one such as a #VE handler). With `closed`, the last
   * round trip's entry and TLB refill are part of the episode; otherwise its
   * entry is left in `lastEntry` for the engine to pay when the vCPU re-enters.
   * `counting`: inside the window, so exits are counted. An episode no longer
   * than `aheadMax` cycles is booked ahead — added to the vCPU's own row at
   * once (`bookedAhead`); pass -1 when the engine cannot book it ahead.
   */
  drawPlan(v: number, vm: number, plan: number, closed: boolean, counting: boolean, aheadMax: number): number {
    const plans = this.plans;
    const from = plans.start[plan];
    const to = from + plans.length[plan];
    const refill = this.tlbRefillCycles[vm];
    const st0 = this.st0;
    const st1 = this.st1;
    const st2 = this.st2;
    const st3 = this.st3;
    const st4 = this.st4;
    const st5 = this.st5;
    const hwMu = this.hwMu;
    const hwSigma = this.hwSigma;
    const rng = this.rng;
    const costStream = this.costStreams[v];
    const es = this.exitStats;
    const hist = this.exitHistogram;
    // Outside the window, the statistics go to the warm-up's block (never read): no branch here.
    const statsVm = counting ? vm : this.warmupStatsVm;
    const histBase = statsVm * HISTOGRAM_BUCKETS;
    const statBase = statsVm * EXIT_REASON_SLOTS;
    // The episode's cycles by category, in locals until it is written.
    let cRec = 0;
    let cSave = 0;
    let cStore = 0;
    let cLoad = 0;
    let cMsrLoad = 0;
    let cKernel = 0;
    let cUser = 0;
    let cEntry = 0;
    let cRefill = 0;
    let cL1 = 0;
    let cGuest = 0;
    let cMon = 0;
    let trips = 0;
    let lastEntry = 0;
    for (let s = from; s < to; s++) {
      const prob = plans.stepProbability[s];
      if (prob < 1 && rng.next(this.decisionStreams[v]) >= prob) continue;
      const reason = plans.stepReason[s];
      const repeat = plans.stepRepeat[s];
      const sigma = plans.stepHandlerSigma[s];
      const where = plans.stepUser[s];
      const user = where === 1;
      if (where >= LOCATION_L1) {
        // Work without a host exit of its own: an L1 hypervisor's handler (L1 guest mode), a
        // confidential guest's #VE/#VC handling, or the TDX module answering by itself.
        let c = 0;
        for (let r = 0; r < repeat; r++) c += sigma > 0 ? Math.round(Math.exp(plans.stepHandlerMu[s] + sigma * normalFromUniform(rng.next(costStream)))) : plans.stepHandlerMean[s];
        if (where === LOCATION_L1) cL1 += c;
        else if (where === LOCATION_GUEST) cGuest += c;
        else cMon += c;
        continue;
      }
      for (let r = 0; r < repeat; r++) {
        if (trips > 0) {
          // The previous round trip's entry and refill happen before this exit.
          cEntry += lastEntry;
          cRefill += refill;
        }
        trips++;
        // One factor for the whole hardware transition: its steps run back to back on one core.
        const hw = hwSigma > 0 ? Math.exp(hwMu + hwSigma * normalFromUniform(rng.next(costStream))) : 1;
        const rec = Math.round(st0 * hw);
        const save = Math.round(st1 * hw);
        const store = Math.round(st2 * hw);
        const load = Math.round(st3 * hw);
        const msrLoad = Math.round(st4 * hw);
        const entry = Math.round(st5 * hw);
        const handler = sigma > 0 ? Math.round(Math.exp(plans.stepHandlerMu[s] + sigma * normalFromUniform(rng.next(costStream)))) : plans.stepHandlerMean[s];
        cRec += rec;
        cSave += save;
        cStore += store;
        cLoad += load;
        cMsrLoad += msrLoad;
        if (user) cUser += handler;
        else cKernel += handler;
        lastEntry = entry;
        // The round trip's exit statistics (accounting.ts's ES_* layout), inline on purpose (see exitStats).
        const total = rec + save + store + load + msrLoad + handler + entry;
        const k = (statBase + reason) * ES_STRIDE;
        es[k + ES_COUNT]++;
        es[k + ES_CYCLES] += total;
        es[k + ES_SUM_SQ] += total * total;
        if (total < es[k + ES_MIN]) es[k + ES_MIN] = total;
        if (total > es[k + ES_MAX]) es[k + ES_MAX] = total;
        hist[histBase + bucketOf(total)]++;
      }
    }
    if (trips === 0 && cL1 === 0 && cGuest === 0 && cMon === 0) return 0;
    if (closed && trips > 0) {
      cEntry += lastEntry;
      cRefill += refill;
    }
    this.lastEntry = lastEntry;
    const len = cRec + cSave + cStore + cLoad + cMsrLoad + cKernel + cUser + cEntry + cRefill + cL1 + cGuest + cMon;
    this.length = len;
    this.bookedAhead = len <= aheadMax;
    addEpisode(this.bookedAhead ? this.vcpuRows : this.episodeRows, v * N_CAT, cRec, cSave, cStore, cLoad, cMsrLoad, cKernel, cUser, cEntry, cRefill, cL1, cGuest, cMon);
    return len;
  }

  /**
   * Aggregated mode: draws the batchable events of `computeCycles` of guest
   * work of vCPU v at once — a Poisson count per class, summed costs (normal
   * around the summed means, the central limit) — into its episode row.
   * Returns the episode's length (0: nothing happened); `events` counts the
   * guest events, whose native cycles are added to `nativeRem[v]` (in place).
   */
  drawBatch(v: number, vm: number, computeCycles: number, counting: boolean, nativeRem: Float64Array): number {
    const m = this.m;
    const w: VmModel = m.vms[vm];
    const rng = this.rng;
    const stream = this.aggStreams[v];
    this.events = 0;
    // Counts per class. A short batch (the usual case between frequent exact happenings) draws
    // one Poisson count for all classes and splits it by rate — the same law, and most such
    // batches end at one uniform: nothing happened.
    const count = this.batchCount;
    const rate = this.batchRatePerCycle[vm];
    const rates = this.classBatchRatePerCycle;
    const rb = vm * this.maxClass;
    const expected = computeCycles * rate;
    if (expected <= AGGREGATE_SPLIT_MAX_EXPECTED) {
      const all = poisson(rng, stream, expected);
      if (all === 0) return 0;
      count.fill(0);
      for (let e = 0; e < all; e++) {
        let pick = rng.next(stream) * rate;
        let c = 0;
        for (; c < w.classCount - 1; c++) {
          pick -= rates[rb + c];
          if (pick < 0 && rates[rb + c] > 0) break;
        }
        // (Rounding can leave pick a hair above 0 at the end: the last batchable class.)
        while (rates[rb + c] === 0) c--;
        count[c]++;
      }
    } else {
      for (let c = 0; c < w.classCount; c++) count[c] = rates[rb + c] > 0 ? poisson(rng, stream, computeCycles * rates[rb + c]) : 0;
    }
    const plans = m.plans;
    const st = m.stages;
    const hwMean = st[0].mean + st[1].mean + st[2].mean + st[3].mean + st[4].mean;
    const cExit = this.batchExit;
    cExit.fill(0);
    let cKernel = 0;
    let cUser = 0;
    let cEntry = 0;
    let cRefill = 0;
    let cL1 = 0;
    let cGuest = 0;
    let cMon = 0;
    for (let c = 0; c < w.classCount; c++) {
      const events = count[c];
      if (events === 0) continue;
      this.events += events;
      const plan = w.classPlan[c];
      nativeRem[v] += events * plans.nativeCycles[plan];
      const a = plans.start[plan];
      const b = a + plans.length[plan];
      for (let s = a; s < b; s++) {
        const prob = plans.stepProbability[s];
        let trips = events * plans.stepRepeat[s];
        if (prob < 1) trips = Math.max(0, Math.round(trips * prob + Math.sqrt(trips * prob * (1 - prob)) * standardNormal(rng, stream)));
        if (trips === 0) continue;
        // Sums of `trips` draws: normal around the summed means (the central limit).
        const hMean = plans.stepHandlerMean[s];
        const hSum = Math.max(0, Math.round(trips * hMean + Math.sqrt(trips) * hMean * m.handlerCv * standardNormal(rng, stream)));
        const where = plans.stepUser[s];
        if (where >= LOCATION_L1) {
          // No host exit of its own: L1's handler, a confidential guest's #VE/#VC, the TDX module.
          if (where === LOCATION_L1) cL1 += hSum;
          else if (where === LOCATION_GUEST) cGuest += hSum;
          else cMon += hSum;
          continue;
        }
        const hwFactor = Math.max(0, 1 + (m.stageCv / Math.sqrt(trips)) * standardNormal(rng, stream));
        for (let k = 0; k < 5; k++) cExit[k] += Math.round(trips * st[k].mean * hwFactor);
        const entry = Math.round(trips * st[5].mean * hwFactor);
        cEntry += entry;
        cRefill += trips * w.tlbRefillCycles;
        if (plans.stepUser[s]) cUser += hSum;
        else cKernel += hSum;
        if (counting) {
          const reason = plans.stepReason[s];
          const total = Math.round(trips * hwMean * hwFactor) + hSum + entry;
          const mean = total / trips;
          const sd = hMean * m.handlerCv;
          // The batch's exit statistics (accounting.ts's ES_* layout), inline as in drawPlan.
          const es = this.acct.exitStats;
          const k = (vm * EXIT_REASON_SLOTS + reason) * ES_STRIDE;
          es[k + ES_COUNT] += trips;
          es[k + ES_CYCLES] += total;
          es[k + ES_SUM_SQ] += trips * (mean * mean + sd * sd);
          // A few representative exits stand for the batch in the histogram and the extremes.
          const hist = this.acct.exitHistogram;
          for (let r = 0; r < AGGREGATE_REPRESENTATIVE_EXITS; r++) {
            const one = Math.max(1, Math.round(mean + sd * standardNormal(rng, stream)));
            if (one < es[k + ES_MIN]) es[k + ES_MIN] = one;
            if (one > es[k + ES_MAX]) es[k + ES_MAX] = one;
            hist[vm * HISTOGRAM_BUCKETS + bucketOf(one)] += trips / AGGREGATE_REPRESENTATIVE_EXITS;
          }
        }
      }
    }
    this.length = cExit[0] + cExit[1] + cExit[2] + cExit[3] + cExit[4] + cKernel + cUser + cEntry + cRefill + cL1 + cGuest + cMon;
    if (this.length > 0) addEpisode(this.acct.episode, v * N_CAT, cExit[0], cExit[1], cExit[2], cExit[3], cExit[4], cKernel, cUser, cEntry, cRefill, cL1, cGuest, cMon);
    return this.length;
  }
}
