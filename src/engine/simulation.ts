// The event loop: vCPUs and pCPUs as state machines over typed arrays, one
// indexed timer heap, dispatch by a switch on small integers. It knows exit
// plans and cycle categories, never files, names or terminals (SPEC §10).
//
// Time is integer host cycles. Every pCPU cycle in the measurement window
// [warm-up end, run end] is booked into exactly one category (CAT), so the
// per-pCPU accounting adds up to the window length exactly.
import { CAT, N_CAT } from '../exits/cost.js';
import { EXIT_REASON_SLOTS } from '../exits/reasons.js';
import { HISTOGRAM_BUCKETS, bucketOf } from './histogram.js';
import {
  BEHAVIOUR_IO,
  BEHAVIOUR_IPI,
  BEHAVIOUR_LOCK,
  BEHAVIOUR_NORMAL,
  INTERRUPT_DEVICE,
  INTERRUPT_TIMER,
  POLICY_FAIR,
  POLICY_PINNED,
  type BuiltModel,
  type VmModel,
} from './model.js';
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, StreamBank, normalFromUniform } from './random.js';
import { RunQueues } from '../scheduler/run-queues.js';
import { TimerHeap } from './timer-heap.js';

// vCPU states.
const S_RUNNABLE = 0; // in a run queue, off-CPU
const S_HALTED = 1; // blocked until an interrupt
const S_GUEST = 2; // guest mode: native handling, 2-D walk, or compute
const S_SPIN = 3; // guest mode, spinning on a held lock
const S_EXIT = 4; // host mode: exit stages and handlers of an episode
const S_ENTRY = 5; // host switch to the vCPU thread (if any), VM entry, TLB refill without VPID
const S_POLL = 6; // halt polling in the host
const S_IDLE_GUEST = 7; // halted in guest mode on a dedicated pCPU (exitless idle, bare metal)

// Guest-mode phases.
const PH_NATIVE = 0;
const PH_WALK = 1;
const PH_COMPUTE = 2;
// An exit episode was booked ahead and something (an interrupt) arrived
// during it: at the episode's end, go through entry again (inject, decide).
const PH_REENTER = 3;

// What happens after an exit episode. CONTINUE folds the VM entry into the
// episode (one timer event per episode); RESCHED (the host tick) decides at
// the end whether the slice is over, so its entry waits for that decision.
const AFTER_CONTINUE = 0;
const AFTER_BLOCK = 1;
const AFTER_YIELD = 2;
const AFTER_RESCHED = 3;

/** A gap or size in whole cycles, at least one. */
/** Silent guest events a vCPU queues ahead (see Simulation.classSilent). */
const SILENT_QUEUE = 16;
/** Class rank of a happening that precedes every class event at the same compute time. */
const RANK_FIRST = -1;

// Per-reason exit statistics, interleaved per (VM, reason) so one exit touches one cache line;
// copied out to RawResult's arrays when counters are read (syncExitStats).
const ES_COUNT = 0;
const ES_CYCLES = 1;
const ES_SUM_SQ = 2;
const ES_MIN = 3;
const ES_MAX = 4;
const ES_STRIDE = 5;

function roundPositive(x: number): number {
  const r = Math.round(x);
  return r >= 1 ? r : 1;
}

/** Raw counters of one run; metrics/summarize.ts turns them into figures. */
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
  /** [vm * HISTOGRAM_BUCKETS + bucket] */
  exitHistogram: Float64Array;
  latencyHistogram: Float64Array;
  guestEvents: number;
  heapEvents: number;
}

export class Simulation {
  private readonly m: BuiltModel;
  private readonly heap: TimerHeap;
  private readonly rq: RunQueues;
  private now = 0;
  private readonly end: number;
  private readonly warmup: number;
  private readonly hwMu: number;
  private readonly hwSigma: number;

  // Slot layout.
  private readonly nV: number;
  private readonly wallBase: number;
  private readonly maxWall: number;
  private readonly devBase: number;
  private readonly maxDev: number;
  private readonly tickBase: number;
  private readonly arrivalBase: number;

  // Per vCPU.
  private readonly vmOf: Int32Array;
  private readonly firstVcpuOfVm: Int32Array;
  private readonly state: Int32Array;
  private readonly phase: Int32Array;
  private readonly segStart: Float64Array;
  private readonly pcpuOf: Int32Array;
  private readonly lastPcpu: Int32Array;
  private readonly dispatchedAt: Float64Array;
  private readonly vruntime: Float64Array;
  private readonly computeClock: Float64Array;
  private readonly nextAt: Float64Array; // [v * maxClass + c]
  // Silent guest events — no exit under these features, nothing reaching another vCPU or a
  // device — only add native work. They need no timer event of their own: each vCPU queues the
  // next few (drawn ahead from the same streams, so the sequence is exact mode's), its next
  // timer event counts their native work in, and advanceGuest applies those the clock passed.
  private readonly classSilent: Uint8Array; // [vm * maxClass + c]
  private readonly classSilentNative: Float64Array; // [vm * maxClass + c]
  private readonly silentClassList: Int32Array; // [vm * maxClass + i]: the VM's silent classes
  private readonly silentClassCount: Int32Array; // per VM
  private readonly silentNativeQueued: Float64Array; // per vCPU: native cycles of its queue
  private readonly silentAt: Float64Array; // ring per vCPU: compute time of a queued event
  private readonly silentClass: Int32Array; // ring per vCPU: its class
  private readonly silentHead: Int32Array;
  private readonly silentLen: Int32Array;
  // Queued events up to this (compute time, class rank) key are due at the armed timer event.
  private readonly silentCutAt: Float64Array;
  private readonly silentCutRank: Int32Array;
  private readonly maxClass: number;
  private readonly classCountOf: Int32Array;
  /** Aggregated mode: compute clock up to which the batchable events have been charged. */
  private readonly aggUntil: Float64Array;
  private readonly aggStreams: Int32Array;
  private readonly aggregate: boolean;
  // reuse: the five exit steps' cycles of one batch
  private readonly batchExit = new Float64Array(5);
  private readonly batchCount: Int32Array;
  /** Per VM: events per compute cycle of all its batchable classes together. */
  private readonly batchRatePerCycle: Float64Array;
  /** Per VM and class: events per compute cycle of a batchable class (0 for the others). */
  private readonly classBatchRatePerCycle: Float64Array;
  private readonly unitEndAt: Float64Array;
  private readonly unitSize: Float64Array;
  private readonly haltStart: Float64Array;
  private readonly pollWindow: Float64Array;
  private readonly warmupSlot: number;
  private readonly unitActive: Uint8Array;
  private readonly unitStart: Float64Array;
  private readonly nativeRem: Float64Array;
  private readonly walkRem: Float64Array;
  // The armed timer event of a computing vCPU includes the 2-D walk after its unit's end (one
  // event for both); advanceGuest splits compute from walk if anything reads the clock sooner.
  private readonly walkAhead: Uint8Array;
  private readonly shortcuts: boolean;
  private readonly unitWalked: Uint8Array; // the walk is done; the unit completes at the next event
  private readonly holding: Uint8Array;
  private readonly lockReleaseAt: Float64Array;
  private readonly wantsLock: Uint8Array;
  private readonly holdPending: Float64Array;
  private readonly pendingTimer: Int32Array;
  private readonly pendingDevice: Int32Array;
  private readonly idleEntryDone: Uint8Array;
  private readonly after: Int32Array;
  private readonly epStart: Float64Array;
  private readonly epCat: Float64Array; // [v * N_CAT + cat]
  // Cycles a vCPU booked on its current pCPU, by category, not yet added to the pCPU's and the
  // VM's counters: the hottest bookings (guest time, episodes booked ahead) touch one row, not
  // two; flushVcpu adds the row when the vCPU leaves its pCPU and when counters are read.
  // (Cycle counts are integers below 2^53: the sums are exact in any order.)
  private readonly vcpuCycles: Float64Array; // [v * N_CAT + cat]
  private readonly exitStats: Float64Array; // [(vm * EXIT_REASON_SLOTS + reason) * ES_STRIDE + field]
  private readonly pendingEntry: Float64Array;
  private readonly pendingRefill: Float64Array;
  private readonly entrySeg: Float64Array;
  private readonly schedSeg: Float64Array;
  private readonly refillSeg: Float64Array;
  private readonly blockStart: Float64Array;
  /** Every random stream of the run; the arrays below hold stream indices. */
  private readonly rng: StreamBank;
  private readonly classStreams: Int32Array;
  private readonly wallStreams: Int32Array;
  private readonly costStreams: Int32Array;
  private readonly decisionStreams: Int32Array;
  private readonly targetStreams: Int32Array;
  private readonly unitStreams: Int32Array;

  // Per pCPU.
  private readonly cur: Int32Array;
  private readonly pIdle: Uint8Array;
  private readonly idleSince: Float64Array;
  private idlePcpus = 0;

  // Per VM.
  private readonly lockHolder: Int32Array;
  // Set while a vCPU may be spinning on the VM's lock: only then does the
  // holder's release need a timer event of its own (an uncontended release is
  // applied lazily, the next time the holder's clock is read).
  private readonly lockWatched: Uint8Array;
  private readonly queue: Float64Array; // ring buffers of arrival times
  private readonly qHead: Int32Array;
  private readonly qLen: Int32Array;
  private readonly rrTarget: Int32Array;
  private readonly arrivalStreams: Int32Array;

  // Results.
  private readonly out: RawResult;

  /**
   * `timerShortcuts: false` gives every happening its own timer event — each
   * silent event, each lock release, each unit's end before its walk: the
   * reference the shortcuts must reproduce exactly (tests compare the two).
   */
  constructor(model: BuiltModel, options: { timerShortcuts?: boolean } = {}) {
    this.shortcuts = options.timerShortcuts !== false;
    this.m = model;
    this.end = model.endCycles;
    this.warmup = model.warmupCycles;
    this.hwMu = model.hardwareMu;
    this.hwSigma = model.hardwareSigma;
    const vms = model.vms;
    let nV = 0;
    let maxClass = 1;
    let maxWall = 1;
    let maxDev = 1;
    for (const vm of vms) {
      nV += vm.vcpus;
      maxClass = Math.max(maxClass, vm.classCount);
      maxWall = Math.max(maxWall, vm.wallCount);
      maxDev = Math.max(maxDev, vm.deviceCount);
    }
    this.nV = nV;
    this.maxClass = maxClass;
    this.maxWall = maxWall;
    this.maxDev = maxDev;
    this.wallBase = nV;
    this.devBase = this.wallBase + nV * maxWall;
    this.tickBase = this.devBase + nV * maxDev;
    this.arrivalBase = this.tickBase + model.pcpus;
    this.warmupSlot = this.arrivalBase + vms.length;
    this.heap = new TimerHeap(this.warmupSlot + 1);
    this.rq = new RunQueues(model.pcpus, nV);

    this.vmOf = new Int32Array(nV);
    this.firstVcpuOfVm = new Int32Array(vms.length + 1);
    this.state = new Int32Array(nV);
    this.phase = new Int32Array(nV);
    this.segStart = new Float64Array(nV);
    this.pcpuOf = new Int32Array(nV).fill(-1);
    this.lastPcpu = new Int32Array(nV).fill(-1);
    this.dispatchedAt = new Float64Array(nV);
    this.vruntime = new Float64Array(nV);
    this.computeClock = new Float64Array(nV);
    this.nextAt = new Float64Array(nV * maxClass).fill(Infinity);
    this.classCountOf = new Int32Array(nV);
    this.aggUntil = new Float64Array(nV);
    this.aggStreams = new Int32Array(nV);
    this.batchCount = new Int32Array(this.maxClass);
    this.classBatchRatePerCycle = new Float64Array(vms.length * this.maxClass);
    this.batchRatePerCycle = Float64Array.from(vms, (w, vm) => {
      let rate = 0;
      for (let c = 0; c < w.classCount; c++) {
        if (!w.classAggregatable[c]) continue;
        this.classBatchRatePerCycle[vm * this.maxClass + c] = 1 / w.classMeanGap[c];
        rate += 1 / w.classMeanGap[c];
      }
      return rate;
    });
    this.aggregate = model.aggregateBatchCycles > 0;
    this.classSilent = new Uint8Array(vms.length * maxClass);
    this.classSilentNative = new Float64Array(vms.length * maxClass);
    this.silentClassList = new Int32Array(vms.length * maxClass);
    this.silentClassCount = new Int32Array(vms.length);
    this.silentNativeQueued = new Float64Array(nV);
    vms.forEach((w, vm) => {
      for (let c = 0; c < w.classCount; c++) {
        const plan = w.classPlan[c];
        const quiet = w.classBehaviour[c] === BEHAVIOUR_NORMAL || (w.classBehaviour[c] === BEHAVIOUR_IO && w.deviceLatencyCycles[w.classDevice[c]] === 0);
        // (In aggregated mode the batchable ones never come due one by one: their clocks stay at infinity.)
        if (this.shortcuts && quiet && model.plans.length[plan] === 0) {
          this.classSilent[vm * maxClass + c] = 1;
          this.classSilentNative[vm * maxClass + c] = model.plans.nativeCycles[plan];
          this.silentClassList[vm * maxClass + this.silentClassCount[vm]++] = c;
        }
      }
    });
    this.silentAt = new Float64Array(nV * SILENT_QUEUE);
    this.silentClass = new Int32Array(nV * SILENT_QUEUE);
    this.silentHead = new Int32Array(nV);
    this.silentLen = new Int32Array(nV);
    this.silentCutAt = new Float64Array(nV);
    this.silentCutRank = new Int32Array(nV);
    this.unitEndAt = new Float64Array(nV);
    this.unitSize = new Float64Array(nV);
    this.haltStart = new Float64Array(nV);
    this.pollWindow = new Float64Array(nV);
    this.unitActive = new Uint8Array(nV);
    this.unitStart = new Float64Array(nV);
    this.nativeRem = new Float64Array(nV);
    this.walkRem = new Float64Array(nV);
    this.walkAhead = new Uint8Array(nV);
    this.unitWalked = new Uint8Array(nV);
    this.holding = new Uint8Array(nV);
    this.lockReleaseAt = new Float64Array(nV).fill(Infinity);
    this.wantsLock = new Uint8Array(nV);
    this.holdPending = new Float64Array(nV);
    this.pendingTimer = new Int32Array(nV);
    this.pendingDevice = new Int32Array(nV);
    this.idleEntryDone = new Uint8Array(nV);
    this.after = new Int32Array(nV);
    this.epStart = new Float64Array(nV);
    this.epCat = new Float64Array(nV * N_CAT);
    this.vcpuCycles = new Float64Array(nV * N_CAT);
    this.pendingEntry = new Float64Array(nV);
    this.pendingRefill = new Float64Array(nV);
    this.entrySeg = new Float64Array(nV);
    this.schedSeg = new Float64Array(nV);
    this.refillSeg = new Float64Array(nV);
    this.blockStart = new Float64Array(nV);
    this.rng = new StreamBank(nV * (maxClass + maxWall + 5) + vms.length);
    this.classStreams = new Int32Array(nV * maxClass);
    this.wallStreams = new Int32Array(nV * maxWall);
    this.costStreams = new Int32Array(nV);
    this.decisionStreams = new Int32Array(nV);
    this.targetStreams = new Int32Array(nV);
    this.unitStreams = new Int32Array(nV);

    this.cur = new Int32Array(model.pcpus).fill(-1);
    this.pIdle = new Uint8Array(model.pcpus);
    this.idleSince = new Float64Array(model.pcpus);

    this.lockHolder = new Int32Array(vms.length).fill(-1);
    // (Without shortcuts every lock counts as watched: each release has its own timer event.)
    this.lockWatched = new Uint8Array(vms.length).fill(this.shortcuts ? 0 : 1);
    this.queue = new Float64Array(vms.length * model.queueCapacity);
    this.qHead = new Int32Array(vms.length);
    this.qLen = new Int32Array(vms.length);
    this.rrTarget = new Int32Array(vms.length);
    this.arrivalStreams = new Int32Array(vms.length);

    const nVm = vms.length;
    this.exitStats = new Float64Array(nVm * EXIT_REASON_SLOTS * ES_STRIDE);
    for (let k = 0; k < nVm * EXIT_REASON_SLOTS; k++) this.exitStats[k * ES_STRIDE + ES_MIN] = Infinity;
    this.out = {
      nativeMode: model.nativeMode,
      frequencyHz: model.frequencyHz,
      windowCycles: this.end - this.warmup,
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
      exitHistogram: new Float64Array(nVm * HISTOGRAM_BUCKETS),
      latencyHistogram: new Float64Array(nVm * HISTOGRAM_BUCKETS),
      guestEvents: 0,
      heapEvents: 0,
    };

    // Streams: one per (VM, vCPU, event class) for the guest's own sequence.
    const seed = model.seed;
    let v = 0;
    for (let vm = 0; vm < nVm; vm++) {
      const w = vms[vm];
      this.firstVcpuOfVm[vm] = v;
      this.arrivalStreams[vm] = this.rng.add(seed, 'vm', vm, 'arrivals');
      for (let j = 0; j < w.vcpus; j++, v++) {
        this.vmOf[v] = vm;
        this.classCountOf[v] = w.classCount;
        for (let c = 0; c < w.classCount; c++) this.classStreams[v * maxClass + c] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'class', c);
        for (let k = 0; k < w.wallCount; k++) this.wallStreams[v * maxWall + k] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'wall', k);
        this.costStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'cost');
        this.decisionStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'decision');
        this.targetStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'ipi-target');
        this.unitStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'unit');
        this.aggStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'aggregate');
      }
    }
    this.firstVcpuOfVm[nVm] = v;
  }

  /** Runs to the end and returns the raw counters. */
  run(): RawResult {
    this.start();
    this.runUntil(this.end);
    this.finish();
    return this.out;
  }

  /** Processes every timer due at or before `until` (for paced runs). */
  runUntil(until: number): void {
    const heap = this.heap;
    const limit = until < this.end ? until : this.end;
    let events = 0;
    while (heap.length > 0) {
      const t = heap.peekTime();
      if (t > limit) break;
      const slot = heap.beginFire();
      this.now = t;
      events++;
      this.dispatch(slot);
      heap.endFire();
    }
    this.out.heapEvents += events;
    if (limit > this.now) this.now = limit;
  }

  start(): void {
    const m = this.m;
    for (let v = 0; v < this.nV; v++) {
      const vm = this.vmOf[v];
      const w = m.vms[vm];
      for (let c = 0; c < w.classCount; c++) {
        this.nextAt[v * this.maxClass + c] = this.aggregate && w.classAggregatable[c] ? Infinity : this.drawClassGap(v, w, c);
      }
      for (let k = 0; k < w.wallCount; k++) this.heap.set(this.wallBase + v * this.maxWall + k, this.drawWallGap(v, w, k));
      this.pendingEntry[v] = m.nativeMode ? 0 : m.stages[5].mean;
      this.state[v] = S_RUNNABLE;
      const home = m.policy === POLICY_PINNED ? v : v % m.pcpus;
      this.rq.push(home, v);
    }
    for (let vm = 0; vm < m.vms.length; vm++) {
      if (m.vms[vm].arrivalGapCycles > 0) this.heap.set(this.arrivalBase + vm, this.drawArrivalGap(vm));
    }
    if (m.tickPeriodCycles > 0) {
      for (let p = 0; p < m.pcpus; p++) {
        // Staggered so that the pCPUs' ticks do not coincide.
        this.heap.set(this.tickBase + p, Math.floor(((p + 1) * m.tickPeriodCycles) / (m.pcpus + 1)) + 1);
      }
    }
    if (this.warmup > 0) this.heap.set(this.warmupSlot, this.warmup);
    for (let p = 0; p < m.pcpus; p++) this.schedule(p);
  }

  finish(): RawResult {
    this.now = this.end;
    this.countPartialUnits(1);
    for (let p = 0; p < this.m.pcpus; p++) {
      const v = this.cur[p];
      if (v < 0) {
        if (this.pIdle[p]) this.book(p, -1, CAT.IDLE, this.idleSince[p], this.end);
        continue;
      }
      this.leaveCurrentState(v);
    }
    this.syncCounters();
    return this.out;
  }

  get currentCycles(): number {
    return this.now;
  }

  get endCycles(): number {
    return this.end;
  }

  /**
   * The counters so far, as if the run ended now (for live views): copies,
   * with the window cut at the current time and in-progress units counted by
   * their done fraction. Segments still open are not in the cycle accounting.
   */
  snapshot(): RawResult {
    // (Computing vCPUs first catch up: queued silent events the clock passed count, as at the end.)
    this.syncComputing();
    this.syncCounters();
    const o = this.out;
    const units = Float64Array.from(o.vmUnits);
    // Before the warm-up ends there is no window yet: nothing counts.
    if (this.now > this.warmup) for (let v = 0; v < this.nV; v++) units[this.vmOf[v]] += this.unitProgress(v);
    return {
      ...o,
      windowCycles: Math.max(0, this.now - this.warmup),
      pcpuCycles: o.pcpuCycles.slice(),
      vmCycles: o.vmCycles.slice(),
      vmUnits: units,
      vmCompletedUnits: o.vmCompletedUnits.slice(),
      vmArrivals: o.vmArrivals.slice(),
      vmDropped: o.vmDropped.slice(),
      exitCount: o.exitCount.slice(),
      exitCycles: o.exitCycles.slice(),
      exitMin: o.exitMin.slice(),
      exitMax: o.exitMax.slice(),
      exitSumSq: o.exitSumSq.slice(),
      vmBlockedCycles: o.vmBlockedCycles.slice(),
      exitHistogram: o.exitHistogram.slice(),
      latencyHistogram: o.latencyHistogram.slice(),
    };
  }

  /** Guest events so far (cheap: no counters are synced, unlike `result`). */
  get guestEvents(): number {
    return this.out.guestEvents;
  }

  get result(): RawResult {
    this.syncCounters();
    return this.out;
  }

  // ---- dispatch -------------------------------------------------------------

  private dispatch(slot: number): void {
    if (slot < this.wallBase) this.onActivity(slot);
    else if (slot < this.devBase) {
      const i = slot - this.wallBase;
      this.onWall((i / this.maxWall) | 0, i % this.maxWall);
    } else if (slot < this.tickBase) {
      this.raiseInterrupt(((slot - this.devBase) / this.maxDev) | 0, INTERRUPT_DEVICE);
    } else if (slot < this.arrivalBase) this.onTick(slot - this.tickBase);
    else if (slot < this.warmupSlot) this.onArrival(slot - this.arrivalBase);
    else this.countPartialUnits(-1);
  }

  private onActivity(v: number): void {
    switch (this.state[v]) {
      case S_ENTRY:
        this.bookEntry(v);
        this.enterGuest(v);
        return;
      case S_EXIT:
        this.bookEpisode(v);
        this.afterEpisode(v);
        return;
      case S_GUEST:
        this.onGuestHappening(v);
        return;
      case S_SPIN:
        // The PAUSE loop outlasted the PLE window.
        this.book(this.pcpuOf[v], this.vmOf[v], CAT.SPIN, this.segStart[v], this.now);
        if (!this.startPlan(v, this.m.vms[this.vmOf[v]].planPause, AFTER_YIELD)) this.enterGuest(v);
        return;
      case S_POLL:
        this.book(this.pcpuOf[v], this.vmOf[v], CAT.HALT_POLL, this.segStart[v], this.now);
        this.block(v);
        return;
    }
  }

  // ---- guest execution ------------------------------------------------------

  /** Books guest-mode time since segStart and advances the vCPU's clocks. */
  private advanceGuest(v: number): void {
    const elapsed = this.now - this.segStart[v];
    if (elapsed <= 0) return; // still inside an episode booked ahead
    const vm = this.vmOf[v];
    switch (this.phase[v]) {
      case PH_NATIVE:
        this.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now);
        this.nativeRem[v] -= elapsed;
        break;
      case PH_WALK: {
        // Native handling still owed runs first, then the walk (one timer event for both).
        const debt = this.nativeRem[v];
        const paid = debt < elapsed ? debt : elapsed;
        if (paid > 0) {
          this.bookVcpu(v, CAT.GUEST, this.segStart[v], this.segStart[v] + paid);
          this.nativeRem[v] = debt - paid;
        }
        if (elapsed > paid) {
          this.bookVcpu(v, CAT.INDIRECT_2D_WALK, this.segStart[v] + paid, this.now);
          this.walkRem[v] -= elapsed - paid;
          // Read exactly at the walk's end (an interrupt at that very cycle): the unit is walked.
          if (this.walkRem[v] === 0) this.unitWalked[v] = 1;
        }
        break;
      }
      default: {
        // Compute first pays off the native handling still owed (same category, frozen clocks).
        let rest = elapsed;
        let debt = this.nativeRem[v];
        let paid = debt < rest ? debt : rest;
        debt -= paid;
        rest -= paid;
        if (this.silentLen[v] > 0 && debt === 0) {
          // Silent events the clock reaches (up to the armed cut): each adds its native work.
          const q = v * SILENT_QUEUE;
          const cutAt = this.silentCutAt[v];
          const cutRank = this.silentCutRank[v];
          let clock = this.computeClock[v];
          let head = this.silentHead[v];
          let len = this.silentLen[v];
          while (len > 0) {
            const at = this.silentAt[q + head];
            if (at > cutAt || (at === cutAt && this.silentClass[q + head] >= cutRank)) break;
            const need = at - clock;
            if (need > rest) break;
            clock = at;
            rest -= need;
            debt = this.classSilentNative[vm * this.maxClass + this.silentClass[q + head]];
            this.silentNativeQueued[v] -= debt;
            head = head + 1 === SILENT_QUEUE ? 0 : head + 1;
            len--;
            this.out.guestEvents++;
            paid = debt < rest ? debt : rest;
            debt -= paid;
            rest -= paid;
            if (debt > 0) break;
          }
          this.silentHead[v] = head;
          this.silentLen[v] = len;
          this.computeClock[v] = clock;
        }
        this.nativeRem[v] = debt;
        this.computeClock[v] += rest;
        const excess = this.walkAhead[v] ? this.computeClock[v] - this.unitEndAt[v] : 0;
        if (excess > 0) {
          // Past the unit's end: that much of the time was its 2-D walk.
          this.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now - excess);
          this.bookVcpu(v, CAT.INDIRECT_2D_WALK, this.now - excess, this.now);
          this.computeClock[v] = this.unitEndAt[v];
          this.walkAhead[v] = 0;
          const walk = this.m.vms[vm].walkCyclesPerUnit;
          if (excess >= walk) this.unitWalked[v] = 1;
          else {
            this.walkRem[v] = walk - excess;
            this.phase[v] = PH_WALK;
          }
        } else this.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        // An uncontended release the clock has passed (nobody was waiting for it).
        if (this.holding[v] && this.lockReleaseAt[v] <= this.computeClock[v]) this.releaseLock(v);
        return;
      }
    }
    this.segStart[v] = this.now;
  }

  /** Arms the vCPU's next guest-mode happening (state GUEST). */
  private scheduleGuest(v: number): void {
    this.scheduleGuestFrom(v, this.now);
  }

  /** Guest mode from time `from` (now, or the end of an episode booked ahead). */
  private scheduleGuestFrom(v: number, from: number): void {
    this.state[v] = S_GUEST;
    this.segStart[v] = from;
    this.walkAhead[v] = 0;
    // Native handling before anything that is not plain computing (a spin, a halt) is a phase of
    // its own; before computing it is a debt paid in the same segment, saving a timer event.
    // (Also while interrupts are pending: the next is injected when this handler's native work
    // is done, not at the next guest happening.)
    if (this.nativeRem[v] > 0 && (this.wantsLock[v] || !this.unitActive[v] || this.pendingTimer[v] > 0 || this.pendingDevice[v] > 0)) {
      this.phase[v] = PH_NATIVE;
      this.heap.set(v, from + this.nativeRem[v]);
      return;
    }
    if (this.walkRem[v] > 0) {
      this.phase[v] = PH_WALK;
      this.heap.set(v, from + this.nativeRem[v] + this.walkRem[v]);
      return;
    }
    this.phase[v] = PH_COMPUTE;
    let next = this.unitEndAt[v];
    let nextRank = RANK_FIRST; // the unit's end and a lock release come before class events
    if (this.lockReleaseAt[v] < next && this.lockWatched[this.vmOf[v]]) next = this.lockReleaseAt[v];
    const base = v * this.maxClass;
    const sb = this.vmOf[v] * this.maxClass;
    const n = this.classCountOf[v];
    let anySilent = 0;
    for (let c = 0; c < n; c++) {
      if (this.classSilent[sb + c]) {
        anySilent = 1;
        continue;
      }
      const t = this.nextAt[base + c];
      if (t < next) {
        next = t;
        nextRank = c;
      }
    }
    if (this.aggregate) {
      const clock = this.computeClock[v];
      if (this.aggUntil[v] <= clock) {
        // A new batch up to the next exact happening, at most one batch long.
        const limit = clock + this.m.aggregateBatchCycles;
        const until = next < limit ? next : limit;
        if (until > clock) {
          from = this.chargeBatch(v, from, until - clock);
          this.aggUntil[v] = until;
        }
      }
      if (this.aggUntil[v] > clock && this.aggUntil[v] < next) {
        next = this.aggUntil[v];
        nextRank = RANK_FIRST;
      }
    }
    let at = anySilent ? this.armSilent(v, from, next, nextRank) : from + this.nativeRem[v] + (next - this.computeClock[v]);
    // The unit's end is next (and the timer is for it, not for a full silent queue): arm past its walk.
    if (
      next === this.unitEndAt[v] &&
      nextRank === RANK_FIRST &&
      this.shortcuts &&
      !this.holding[v] &&
      !this.unitWalked[v] &&
      (!anySilent || (this.silentCutAt[v] === next && this.silentCutRank[v] === RANK_FIRST))
    ) {
      const walk = this.m.vms[this.vmOf[v]].walkCyclesPerUnit;
      if (walk > 0) {
        at += walk;
        this.walkAhead[v] = 1;
      }
    }
    this.heap.set(v, at);
  }

  /**
   * Queues vCPU v's silent events that come before its next happening (compute
   * time `next`, class rank `nextRank`), as many as the queue holds, sets the
   * cut up to which they are due, and returns the wall time of the timer event:
   * the happening, or the last queued event when the queue is full.
   */
  private armSilent(v: number, from: number, next: number, nextRank: number): number {
    const w = this.m.vms[this.vmOf[v]];
    const base = v * this.maxClass;
    const sb = this.vmOf[v] * this.maxClass;
    const q = v * SILENT_QUEUE;
    let len = this.silentLen[v];
    const head = this.silentHead[v];
    // Fill in (time, class) order while the earliest undrawn silent event precedes the happening.
    const list = this.silentClassList;
    const listCount = this.silentClassCount[this.vmOf[v]];
    let queuedNative = this.silentNativeQueued[v];
    while (len < SILENT_QUEUE) {
      let c = -1;
      let at = Infinity;
      for (let i = 0; i < listCount; i++) {
        const k = list[sb + i];
        if (this.nextAt[base + k] < at) {
          at = this.nextAt[base + k];
          c = k;
        }
      }
      if (c < 0 || at > next || (at === next && c >= nextRank)) break;
      let slot = head + len;
      if (slot >= SILENT_QUEUE) slot -= SILENT_QUEUE;
      this.silentAt[q + slot] = at;
      this.silentClass[q + slot] = c;
      queuedNative += this.classSilentNative[sb + c];
      len++;
      // The same draw exact mode makes when the event fires (its clock is then `at`).
      this.nextAt[base + c] = at + this.drawClassGap(v, w, c);
    }
    this.silentLen[v] = len;
    this.silentNativeQueued[v] = queuedNative;
    let wall = from + this.nativeRem[v];
    if (len === 0) {
      this.silentCutAt[v] = next;
      this.silentCutRank[v] = nextRank;
      return wall + (next - this.computeClock[v]);
    }
    let last = head + len - 1;
    if (last >= SILENT_QUEUE) last -= SILENT_QUEUE;
    const lastAt = this.silentAt[q + last];
    const lastClass = this.silentClass[q + last];
    const lastBefore = lastAt < next || (lastAt === next && lastClass < nextRank);
    if (len === SILENT_QUEUE && lastBefore) {
      // The queue filled up before the happening: the timer is for its last event, which adds its
      // own native work when reached; every event up to it is due.
      this.silentCutAt[v] = lastAt;
      this.silentCutRank[v] = lastClass + 1;
      return wall + (lastAt - this.computeClock[v]) + queuedNative - this.classSilentNative[sb + lastClass];
    }
    // The timer is for the happening; the events before it add their native work.
    this.silentCutAt[v] = next;
    this.silentCutRank[v] = nextRank;
    wall += next - this.computeClock[v];
    if (lastBefore) return wall + queuedNative;
    // Some queued events lie past it (a lock release armed earlier than they): sum up to it.
    let k = head;
    for (let i = 0; i < len; i++) {
      const at = this.silentAt[q + k];
      const c = this.silentClass[q + k];
      if (at > next || (at === next && c >= nextRank)) break;
      wall += this.classSilentNative[sb + c];
      k = k + 1 === SILENT_QUEUE ? 0 : k + 1;
    }
    return wall;
  }

  /**
   * Aggregated mode: charges the batchable events of `computeCycles` of guest
   * work at once — a Poisson count per class, exits with summed costs booked
   * ahead from `from` (like an episode), native work as compute debt. Returns
   * when the vCPU computes again.
   */
  private chargeBatch(v: number, from: number, computeCycles: number): number {
    const m = this.m;
    const vm = this.vmOf[v];
    const w = m.vms[vm];
    // Counts per class. A short batch (the usual case between frequent exact happenings) draws
    // one Poisson count for all classes and splits it by rate — the same law, and most such
    // batches end at one uniform: nothing happened.
    const count = this.batchCount;
    const rate = this.batchRatePerCycle[vm];
    const rates = this.classBatchRatePerCycle;
    const rb = vm * this.maxClass;
    const expected = computeCycles * rate;
    if (expected <= 2) {
      const all = this.poisson(v, expected);
      if (all === 0) return from;
      count.fill(0);
      for (let e = 0; e < all; e++) {
        let pick = this.rng.next(this.aggStreams[v]) * rate;
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
      for (let c = 0; c < w.classCount; c++) count[c] = rates[rb + c] > 0 ? this.poisson(v, computeCycles * rates[rb + c]) : 0;
    }
    const plans = m.plans;
    const st = m.stages;
    const hwMean = st[0].mean + st[1].mean + st[2].mean + st[3].mean + st[4].mean;
    const counting = from >= this.warmup;
    const out = this.out;
    const cExit = this.batchExit;
    cExit.fill(0);
    let cKernel = 0;
    let cUser = 0;
    let cEntry = 0;
    let cRefill = 0;
    for (let c = 0; c < w.classCount; c++) {
      const events = count[c];
      if (events === 0) continue;
      this.out.guestEvents += events;
      const plan = w.classPlan[c];
      this.nativeRem[v] += events * plans.nativeCycles[plan];
      const a = plans.start[plan];
      const b = a + plans.length[plan];
      for (let s = a; s < b; s++) {
        const prob = plans.stepProbability[s];
        let trips = events * plans.stepRepeat[s];
        if (prob < 1) trips = Math.max(0, Math.round(trips * prob + Math.sqrt(trips * prob * (1 - prob)) * this.normal(v)));
        if (trips === 0) continue;
        // Sums of `trips` draws: normal around the summed means (the central limit).
        const hMean = plans.stepHandlerMean[s];
        const hSum = Math.max(0, Math.round(trips * hMean + Math.sqrt(trips) * hMean * m.handlerCv * this.normal(v)));
        const hwFactor = Math.max(0, 1 + (m.stageCv / Math.sqrt(trips)) * this.normal(v));
        for (let k = 0; k < 5; k++) cExit[k] += Math.round(trips * st[k].mean * hwFactor);
        const entry = Math.round(trips * st[5].mean * hwFactor);
        cEntry += entry;
        cRefill += trips * w.tlbRefillCycles;
        if (plans.stepUser[s]) cUser += hSum;
        else cKernel += hSum;
        if (counting) {
          const reason = plans.stepReason[s];
          const k = (vm * EXIT_REASON_SLOTS + reason) * ES_STRIDE;
          const total = Math.round(trips * hwMean * hwFactor) + hSum + entry;
          const mean = total / trips;
          const sd = hMean * m.handlerCv;
          const es = this.exitStats;
          es[k + ES_COUNT] += trips;
          es[k + ES_CYCLES] += total;
          es[k + ES_SUM_SQ] += trips * (mean * mean + sd * sd);
          // Three representative exits stand for the batch in the histogram and the extremes.
          for (let r = 0; r < 3; r++) {
            const one = Math.max(1, Math.round(mean + sd * this.normal(v)));
            if (one < es[k + ES_MIN]) es[k + ES_MIN] = one;
            if (one > es[k + ES_MAX]) es[k + ES_MAX] = one;
            out.exitHistogram[vm * HISTOGRAM_BUCKETS + bucketOf(one)] += trips / 3;
          }
        }
      }
    }
    const len = cExit[0] + cExit[1] + cExit[2] + cExit[3] + cExit[4] + cKernel + cUser + cEntry + cRefill;
    if (len === 0) return from;
    const ep = v * N_CAT;
    const e = this.epCat;
    e[ep + CAT.EXIT_RECORD] = cExit[0];
    e[ep + CAT.EXIT_SAVE_GUEST] = cExit[1];
    e[ep + CAT.EXIT_MSR_STORE] = cExit[2];
    e[ep + CAT.EXIT_LOAD_HOST] = cExit[3];
    e[ep + CAT.EXIT_MSR_LOAD] = cExit[4];
    e[ep + CAT.HANDLER_KERNEL] = cKernel;
    e[ep + CAT.HANDLER_USER] = cUser;
    e[ep + CAT.ENTRY] = cEntry;
    e[ep + CAT.INDIRECT_TLB_REFILL] = cRefill;
    this.epStart[v] = from;
    this.bookEpisode(v);
    this.segStart[v] = from + len;
    return from + len;
  }

  private normal(v: number): number {
    return normalFromUniform(this.rng.next(this.aggStreams[v]));
  }

  /** A Poisson count: inversion for small means, the normal approximation for large ones. */
  private poisson(v: number, mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal(v)));
    let p = this.rng.next(this.aggStreams[v]);
    // exp(-m) ≥ 1 - m: a first uniform below 1 - m means no event, without computing exp.
    if (p <= 1 - mean) return 0;
    const limit = Math.exp(-mean);
    let k = 0;
    while (p > limit) {
      k++;
      p *= this.rng.next(this.aggStreams[v]);
    }
    return k;
  }

  private onGuestHappening(v: number): void {
    const ph = this.phase[v];
    this.advanceGuest(v);
    if (ph === PH_REENTER) {
      this.enterGuest(v);
      return;
    }
    if (ph === PH_NATIVE) {
      this.nativeRem[v] = 0;
      this.enterGuest(v);
      return;
    }
    if (ph === PH_WALK) {
      this.nativeRem[v] = 0;
      this.walkRem[v] = 0;
      this.completeUnit(v);
      return;
    }
    // (A release due now was applied by advanceGuest; so was a walk armed with the unit's end.)
    if (this.unitWalked[v]) {
      this.unitWalked[v] = 0;
      this.completeUnit(v);
      return;
    }
    if (this.phase[v] === PH_WALK) {
      this.scheduleGuest(v); // (not reached: an armed walk ends at its event)
      return;
    }
    const clock = this.computeClock[v];
    if (this.unitEndAt[v] <= clock) {
      const walk = this.m.vms[this.vmOf[v]].walkCyclesPerUnit;
      if (walk > 0) {
        this.walkRem[v] = walk;
        this.scheduleGuest(v);
      } else this.completeUnit(v);
      return;
    }
    const base = v * this.maxClass;
    const sb = this.vmOf[v] * this.maxClass;
    const n = this.classCountOf[v];
    for (let c = 0; c < n; c++) {
      // (Silent classes are applied from the queue by advanceGuest.)
      if (this.nextAt[base + c] <= clock && !this.classSilent[sb + c]) {
        this.fireEvent(v, this.m.vms[this.vmOf[v]], c);
        return;
      }
    }
    this.scheduleGuest(v);
  }

  private fireEvent(v: number, w: VmModel, c: number): void {
    this.out.guestEvents++;
    this.nextAt[v * this.maxClass + c] = this.computeClock[v] + this.drawClassGap(v, w, c);
    const behaviour = w.classBehaviour[c];
    if (behaviour === BEHAVIOUR_LOCK) {
      // Drawn whether or not the lock is free, so every feature set sees the same sequence.
      const hold = roundPositive(-w.classHoldMean[c] * Math.log(1 - this.rng.next(this.classStreams[v * this.maxClass + c])));
      if (this.holding[v]) {
        this.scheduleGuest(v);
        return;
      }
      this.holdPending[v] = hold;
      this.wantsLock[v] = 1;
      this.enterGuest(v);
      return;
    }
    if (behaviour === BEHAVIOUR_IO) {
      const slot = this.devBase + v * this.maxDev + w.classDevice[c];
      const latency = w.deviceLatencyCycles[w.classDevice[c]];
      // One completion interrupt outstanding per device and vCPU: later ones coalesce into it.
      if (latency > 0 && !this.heap.isArmed(slot)) this.heap.set(slot, this.now + latency);
    } else if (behaviour === BEHAVIOUR_IPI) {
      const first = this.firstVcpuOfVm[this.vmOf[v]];
      const n = w.vcpus;
      let target = v;
      if (n > 1) {
        const k = Math.floor(this.rng.next(this.targetStreams[v]) * (n - 1));
        target = first + k;
        if (target >= v) target++;
      }
      if (target !== v) this.raiseInterrupt(target, INTERRUPT_DEVICE);
    }
    if (!this.startPlan(v, w.classPlan[c], AFTER_CONTINUE)) this.enterGuest(v);
  }

  /** Entering guest mode: inject what is pending, then run, spin, start a unit or halt. */
  private enterGuest(v: number): void {
    const w = this.m.vms[this.vmOf[v]];
    if (this.pendingTimer[v] > 0) {
      this.pendingTimer[v]--;
      this.idleEntryDone[v] = 0;
      if (this.startPlan(v, w.planInjectTimer, AFTER_CONTINUE)) return;
    } else if (this.pendingDevice[v] > 0) {
      this.pendingDevice[v]--;
      this.idleEntryDone[v] = 0;
      if (this.startPlan(v, w.planInjectDevice, AFTER_CONTINUE)) return;
    }
    if (this.nativeRem[v] > 0) {
      this.scheduleGuest(v);
      return;
    }
    if (this.wantsLock[v]) {
      const vm = this.vmOf[v];
      if (this.lockHolder[vm] >= 0 && !this.lockWatched[vm]) this.watchLock(vm);
      if (this.lockHolder[vm] < 0) {
        this.acquireLock(v);
      } else {
        this.state[v] = S_SPIN;
        this.segStart[v] = this.now;
        if (this.m.pleWindowCycles > 0) this.heap.set(v, this.now + this.m.pleWindowCycles);
        else this.heap.cancel(v);
        return;
      }
    }
    if (!this.unitActive[v]) {
      const vm = this.vmOf[v];
      if (w.closed) this.startUnit(v, w, this.now);
      else if (this.qLen[vm] > 0) {
        const cap = this.m.queueCapacity;
        const arrived = this.queue[vm * cap + this.qHead[vm]];
        this.qHead[vm] = (this.qHead[vm] + 1) % cap;
        this.qLen[vm]--;
        this.startUnit(v, w, arrived);
      } else {
        this.halt(v, w);
        return;
      }
    }
    this.scheduleGuest(v);
  }

  private startUnit(v: number, w: VmModel, startedAt: number): void {
    this.unitActive[v] = 1;
    this.unitStart[v] = startedAt;
    this.idleEntryDone[v] = 0;
    let size = w.cyclesPerUnit;
    if (w.unitSigma > 0) size = roundPositive(Math.exp(w.unitMu + w.unitSigma * normalFromUniform(this.rng.next(this.unitStreams[v]))));
    this.unitEndAt[v] = this.computeClock[v] + size;
    this.unitSize[v] = size;
  }

  /** How much of vCPU v's current unit is done (0..1), counting the 2-D walk at its end. */
  private unitProgress(v: number): number {
    if (!this.unitActive[v]) return 0;
    if (this.unitWalked[v]) return 1;
    const size = this.unitSize[v];
    const walk = this.m.vms[this.vmOf[v]].walkCyclesPerUnit;
    let clock = this.computeClock[v];
    const guestMode = this.state[v] === S_GUEST;
    if (guestMode && this.phase[v] === PH_COMPUTE) clock += Math.max(0, this.now - this.segStart[v] - this.nativeRem[v]);
    let done = Math.min(size, clock - (this.unitEndAt[v] - size));
    if (this.walkRem[v] > 0 || (guestMode && this.phase[v] === PH_WALK)) {
      let walkLeft = this.walkRem[v];
      if (guestMode && this.phase[v] === PH_WALK) walkLeft -= Math.max(0, this.now - this.segStart[v] - this.nativeRem[v]);
      done = size + (walk - walkLeft);
    }
    return Math.max(0, Math.min(1, done / (size + walk)));
  }

  /** At the window's edges, in-progress units count by the fraction done. */
  private countPartialUnits(sign: number): void {
    this.syncComputing();
    for (let v = 0; v < this.nV; v++) this.out.vmUnits[this.vmOf[v]] += sign * this.unitProgress(v);
  }

  /** Brings every computing vCPU's clocks up to now (bookkeeping only: its timer stays valid). */
  private syncComputing(): void {
    for (let v = 0; v < this.nV; v++) {
      if (this.state[v] === S_GUEST && this.phase[v] === PH_COMPUTE && this.now > this.segStart[v]) this.advanceGuest(v);
    }
  }

  private completeUnit(v: number): void {
    const vm = this.vmOf[v];
    if (this.now >= this.warmup) {
      this.out.vmUnits[vm]++;
      this.out.vmCompletedUnits[vm]++;
      this.out.latencyHistogram[vm * HISTOGRAM_BUCKETS + bucketOf(this.now - this.unitStart[v])]++;
    }
    this.unitActive[v] = 0;
    this.unitWalked[v] = 0;
    this.unitEndAt[v] = Infinity;
    this.enterGuest(v);
  }

  // ---- spin locks -------------------------------------------------------------

  private acquireLock(v: number): void {
    this.lockHolder[this.vmOf[v]] = v;
    this.holding[v] = 1;
    this.wantsLock[v] = 0;
    this.lockReleaseAt[v] = this.computeClock[v] + this.holdPending[v];
  }

  /**
   * A vCPU is about to spin on the VM's lock: bring the holder's clock up to
   * now (which applies a release it has passed) and, if it still holds the
   * lock, give its release a timer event of its own from here on.
   */
  private watchLock(vm: number): void {
    const h = this.lockHolder[vm];
    const computing = this.state[h] === S_GUEST && this.phase[h] === PH_COMPUTE;
    if (computing && this.now > this.segStart[h]) this.advanceGuest(h);
    if (!this.holding[h]) return; // its clock had passed the release
    this.lockWatched[vm] = 1;
    // Re-arm the holder's next happening with its release in view (same start, same phase).
    // Off guest compute its clock stands still, and its next compute segment arms the release.
    if (computing) this.scheduleGuestFrom(h, this.segStart[h]);
  }

  private releaseLock(v: number): void {
    const vm = this.vmOf[v];
    this.holding[v] = 0;
    this.lockReleaseAt[v] = Infinity;
    this.lockHolder[vm] = -1;
    if (!this.lockWatched[vm]) return; // nobody can be spinning
    // Test-and-set: a vCPU spinning right now takes it; preempted waiters retry when they run.
    const first = this.firstVcpuOfVm[vm];
    const n = this.firstVcpuOfVm[vm + 1] - first;
    let taker = -1;
    let others = 0;
    for (let k = 1; k < n; k++) {
      const s = first + ((v - first + k) % n);
      if (this.state[s] === S_SPIN) {
        if (taker < 0) taker = s;
        else others++;
      }
    }
    // Still watched while anyone else spins on the new holder.
    this.lockWatched[vm] = others > 0 || !this.shortcuts ? 1 : 0;
    if (taker >= 0) {
      this.book(this.pcpuOf[taker], vm, CAT.SPIN, this.segStart[taker], this.now);
      this.acquireLock(taker);
      this.scheduleGuest(taker);
    }
  }

  // ---- exits ------------------------------------------------------------------

  /**
   * Starts the exit episode of plan `plan`: draws every round trip's stages,
   * counts the exits, and enters S_EXIT. Returns false (and runs the native
   * part in the guest) when no exit happens.
   */
  private startPlan(v: number, plan: number, after: number): boolean {
    const m = this.m;
    const plans = m.plans;
    const vm = this.vmOf[v];
    this.nativeRem[v] += plans.nativeCycles[plan];
    const from = plans.start[plan];
    const to = from + plans.length[plan];
    if (from === to) return false;
    const counting = this.now >= this.warmup;
    const refill = m.vms[vm].tlbRefillCycles;
    const stages = m.stages;
    const st0 = stages[0].mean;
    const st1 = stages[1].mean;
    const st2 = stages[2].mean;
    const st3 = stages[3].mean;
    const st4 = stages[4].mean;
    const st5 = stages[5].mean;
    const out = this.out;
    // The episode's cycles by category, in locals until it is booked.
    let cRec = 0;
    let cSave = 0;
    let cStore = 0;
    let cLoad = 0;
    let cMsrLoad = 0;
    let cKernel = 0;
    let cUser = 0;
    let cEntry = 0;
    let cRefill = 0;
    let trips = 0;
    let lastEntry = 0;
    for (let s = from; s < to; s++) {
      const prob = plans.stepProbability[s];
      if (prob < 1 && this.rng.next(this.decisionStreams[v]) >= prob) continue;
      const reason = plans.stepReason[s];
      const repeat = plans.stepRepeat[s];
      const sigma = plans.stepHandlerSigma[s];
      const user = plans.stepUser[s] === 1;
      for (let r = 0; r < repeat; r++) {
        if (trips > 0) {
          // The previous round trip's entry and refill happen before this exit.
          cEntry += lastEntry;
          cRefill += refill;
        }
        trips++;
        // One factor for the whole hardware transition: its steps run back to back on one core.
        const hw = this.hwSigma > 0 ? Math.exp(this.hwMu + this.hwSigma * normalFromUniform(this.rng.next(this.costStreams[v]))) : 1;
        const rec = Math.round(st0 * hw);
        const save = Math.round(st1 * hw);
        const store = Math.round(st2 * hw);
        const load = Math.round(st3 * hw);
        const msrLoad = Math.round(st4 * hw);
        const entry = Math.round(st5 * hw);
        const handler =
          sigma > 0 ? Math.round(Math.exp(plans.stepHandlerMu[s] + sigma * normalFromUniform(this.rng.next(this.costStreams[v])))) : plans.stepHandlerMean[s];
        cRec += rec;
        cSave += save;
        cStore += store;
        cLoad += load;
        cMsrLoad += msrLoad;
        if (user) cUser += handler;
        else cKernel += handler;
        lastEntry = entry;
        if (counting) {
          const total = rec + save + store + load + msrLoad + handler + entry;
          const k = (vm * EXIT_REASON_SLOTS + reason) * ES_STRIDE;
          const es = this.exitStats;
          es[k + ES_COUNT]++;
          es[k + ES_CYCLES] += total;
          es[k + ES_SUM_SQ] += total * total;
          if (total < es[k + ES_MIN]) es[k + ES_MIN] = total;
          if (total > es[k + ES_MAX]) es[k + ES_MAX] = total;
          out.exitHistogram[vm * HISTOGRAM_BUCKETS + bucketOf(total)]++;
        }
      }
    }
    if (trips === 0) return false; // the caller goes on in guest mode
    if (after === AFTER_CONTINUE) {
      cEntry += lastEntry;
      cRefill += refill;
    } else {
      this.pendingEntry[v] = lastEntry;
      this.pendingRefill[v] = refill;
    }
    const len = cRec + cSave + cStore + cLoad + cMsrLoad + cKernel + cUser + cEntry + cRefill;
    const now = this.now;
    this.epStart[v] = now;
    if (
      after === AFTER_CONTINUE &&
      now >= this.warmup &&
      now + len <= this.end &&
      this.unitActive[v] &&
      !this.wantsLock[v] &&
      this.walkRem[v] === 0 &&
      this.pendingTimer[v] === 0 &&
      this.pendingDevice[v] === 0
    ) {
      // Fast path: nothing can cut an episode short, and after it the vCPU just computes on.
      // Book it now (wholly inside the window) and arm the next guest happening past its end:
      // one timer event per exit. Anything arriving meanwhile sees segStart in the future and
      // waits, as in host mode.
      const vc = this.vcpuCycles;
      const b = v * N_CAT;
      vc[b + CAT.EXIT_RECORD] += cRec;
      vc[b + CAT.EXIT_SAVE_GUEST] += cSave;
      vc[b + CAT.EXIT_MSR_STORE] += cStore;
      vc[b + CAT.EXIT_LOAD_HOST] += cLoad;
      vc[b + CAT.EXIT_MSR_LOAD] += cMsrLoad;
      vc[b + CAT.HANDLER_KERNEL] += cKernel;
      vc[b + CAT.HANDLER_USER] += cUser;
      vc[b + CAT.ENTRY] += cEntry;
      vc[b + CAT.INDIRECT_TLB_REFILL] += cRefill;
      this.scheduleGuestFrom(v, now + len);
      return true;
    }
    const ep = v * N_CAT;
    const e = this.epCat;
    e[ep + CAT.EXIT_RECORD] = cRec;
    e[ep + CAT.EXIT_SAVE_GUEST] = cSave;
    e[ep + CAT.EXIT_MSR_STORE] = cStore;
    e[ep + CAT.EXIT_LOAD_HOST] = cLoad;
    e[ep + CAT.EXIT_MSR_LOAD] = cMsrLoad;
    e[ep + CAT.HANDLER_KERNEL] = cKernel;
    e[ep + CAT.HANDLER_USER] = cUser;
    e[ep + CAT.ENTRY] = cEntry;
    e[ep + CAT.INDIRECT_TLB_REFILL] = cRefill;
    this.state[v] = S_EXIT;
    this.after[v] = after;
    this.heap.set(v, now + len);
    return true;
  }

  /** Books the episode's stages in category order from its start (clipped to the window). */
  private bookEpisode(v: number): void {
    const p = this.pcpuOf[v];
    const vm = this.vmOf[v];
    const ep = v * N_CAT;
    let t = this.epStart[v];
    let len = 0;
    for (let c = 1; c <= CAT.INDIRECT_TLB_REFILL; c++) len += this.epCat[ep + c];
    if (t >= this.warmup && t + len <= this.end) {
      // Wholly inside the window (the common case): no clipping needed.
      const pc = this.out.pcpuCycles;
      const vc = this.out.vmCycles;
      const pb = p * N_CAT;
      const vb = vm * N_CAT;
      for (let c = 1; c <= CAT.INDIRECT_TLB_REFILL; c++) {
        const x = this.epCat[ep + c];
        if (x > 0) {
          pc[pb + c] += x;
          vc[vb + c] += x;
          this.epCat[ep + c] = 0;
        }
      }
      return;
    }
    for (let c = 1; c <= CAT.INDIRECT_TLB_REFILL; c++) {
      const len = this.epCat[ep + c];
      if (len > 0) {
        this.book(p, vm, c, t, t + len);
        t += len;
        this.epCat[ep + c] = 0;
      }
    }
  }

  private afterEpisode(v: number): void {
    const after = this.after[v];
    if (after === AFTER_BLOCK) {
      this.haltStart[v] = this.now;
      if (this.hasWake(v)) this.startEntry(v);
      else if (this.pollWindow[v] > 0) {
        this.state[v] = S_POLL;
        this.segStart[v] = this.now;
        this.heap.set(v, this.now + this.pollWindow[v]);
      } else this.block(v);
      return;
    }
    if (after === AFTER_CONTINUE) {
      this.enterGuest(v);
      return;
    }
    if (after === AFTER_YIELD) {
      this.directedYield(v);
      return;
    }
    const p = this.pcpuOf[v];
    if (this.m.policy !== POLICY_PINNED && this.rq.length(p) > 0 && this.now - this.dispatchedAt[v] >= this.m.sliceCycles) {
      this.deschedule(v);
      this.rq.push(p, v);
      this.state[v] = S_RUNNABLE;
      this.schedule(p);
      return;
    }
    this.startEntry(v);
  }

  /** Back to guest mode: the host's switch to this vCPU (when it was off-CPU), VM entry, TLB refill — one timer event. */
  private startEntry(v: number, switchCycles = 0): void {
    const entry = this.pendingEntry[v] + (this.lastPcpu[v] >= 0 && this.lastPcpu[v] !== this.pcpuOf[v] ? this.m.vmcsMigrationCycles : 0);
    const refill = this.pendingRefill[v];
    this.pendingEntry[v] = 0;
    this.pendingRefill[v] = 0;
    this.lastPcpu[v] = this.pcpuOf[v];
    if (switchCycles + entry + refill === 0) {
      this.enterGuest(v);
      return;
    }
    this.state[v] = S_ENTRY;
    this.segStart[v] = this.now;
    this.schedSeg[v] = switchCycles;
    this.entrySeg[v] = entry;
    this.refillSeg[v] = refill;
    this.heap.set(v, this.now + switchCycles + entry + refill);
  }

  private bookEntry(v: number): void {
    const p = this.pcpuOf[v];
    const vm = this.vmOf[v];
    const t = this.segStart[v];
    const a = t + this.schedSeg[v];
    const b = a + this.entrySeg[v];
    this.book(p, vm, CAT.HOST_SCHED, t, a);
    this.book(p, vm, CAT.ENTRY, a, b);
    this.book(p, vm, CAT.INDIRECT_TLB_REFILL, b, b + this.refillSeg[v]);
  }

  // ---- idle and interrupts --------------------------------------------------------

  private halt(v: number, w: VmModel): void {
    if (!this.idleEntryDone[v]) {
      // NOHZ idle entry reprograms the timer before HLT.
      this.idleEntryDone[v] = 1;
      if (this.m.plans.length[w.planHalt] > 0 && this.startPlan(v, w.planIdleEntryHalt, AFTER_BLOCK)) return;
      if (this.startPlan(v, w.planIdleEntry, AFTER_CONTINUE)) return;
      if (this.nativeRem[v] > 0) {
        this.scheduleGuest(v);
        return;
      }
    }
    if (!this.startPlan(v, w.planHalt, AFTER_BLOCK)) this.idleInGuest(v);
  }

  private idleInGuest(v: number): void {
    if (this.nativeRem[v] > 0 || this.hasWake(v)) {
      this.enterGuest(v);
      return;
    }
    this.state[v] = S_IDLE_GUEST;
    this.segStart[v] = this.now;
    this.heap.cancel(v);
  }

  private hasWake(v: number): boolean {
    if (this.pendingTimer[v] > 0 || this.pendingDevice[v] > 0) return true;
    const vm = this.vmOf[v];
    return !this.m.vms[vm].closed && this.qLen[vm] > 0;
  }

  private block(v: number): void {
    const p = this.pcpuOf[v];
    this.deschedule(v);
    this.state[v] = S_HALTED;
    this.blockStart[v] = this.now;
    this.schedule(p);
  }

  private wake(v: number): void {
    switch (this.state[v]) {
      case S_HALTED: {
        const from = this.blockStart[v] > this.warmup ? this.blockStart[v] : this.warmup;
        if (this.now > from) this.out.vmBlockedCycles[this.vmOf[v]] += this.now - from;
        this.adaptPollWindow(v);
        this.makeRunnable(v);
        return;
      }
      case S_POLL:
        this.book(this.pcpuOf[v], this.vmOf[v], CAT.HALT_POLL, this.segStart[v], this.now);
        this.adaptPollWindow(v);
        this.startEntry(v);
        return;
      case S_IDLE_GUEST:
        this.book(this.pcpuOf[v], -1, CAT.IDLE, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        this.enterGuest(v);
        return;
    }
  }

  /**
   * KVM's adaptive halt polling: a halt longer than the maximum window resets
   * the vCPU's window to 0; a shorter one grows it (from the start value, ×2).
   */
  private adaptPollWindow(v: number): void {
    const max = this.m.haltPollCycles;
    if (max === 0) return;
    const halted = this.now - this.haltStart[v];
    const w = this.pollWindow[v];
    if (halted > max) this.pollWindow[v] = 0;
    else if (w < max) this.pollWindow[v] = w === 0 ? this.m.haltPollStartCycles : Math.min(max, w * 2);
  }

  /** A guest interrupt aimed at vCPU v (its timer, a device, an IPI). */
  private raiseInterrupt(v: number, kind: number): void {
    const st = this.state[v];
    if (st === S_GUEST && this.now < this.segStart[v]) {
      // Inside an episode booked ahead (host mode): the interrupt waits for entry.
      if (kind === INTERRUPT_TIMER) this.pendingTimer[v]++;
      else this.pendingDevice[v]++;
      this.phase[v] = PH_REENTER;
      this.heap.set(v, this.segStart[v]);
      return;
    }
    if (st === S_GUEST || st === S_SPIN || st === S_IDLE_GUEST) {
      // The vCPU is in guest mode: delivery exits unless posted (APICv).
      this.leaveCurrentState(v);
      const w = this.m.vms[this.vmOf[v]];
      this.idleEntryDone[v] = 0;
      if (!this.startPlan(v, kind === INTERRUPT_TIMER ? w.planDeliverTimer : w.planDeliverDevice, AFTER_CONTINUE)) this.enterGuest(v);
      return;
    }
    if (kind === INTERRUPT_TIMER) this.pendingTimer[v]++;
    else this.pendingDevice[v]++;
    if (st === S_HALTED || st === S_POLL) this.wake(v);
  }

  /** Books the current guest-mode segment of a vCPU that is on a pCPU. */
  private leaveCurrentState(v: number): void {
    const p = this.pcpuOf[v];
    const vm = this.vmOf[v];
    switch (this.state[v]) {
      case S_GUEST:
        this.advanceGuest(v);
        return;
      case S_SPIN:
        this.book(p, vm, CAT.SPIN, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        return;
      case S_IDLE_GUEST:
        this.book(p, -1, CAT.IDLE, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        return;
      case S_EXIT:
        this.bookEpisode(v);
        return;
      case S_ENTRY:
        this.bookEntry(v);
        return;
      case S_POLL:
        this.book(p, vm, CAT.HALT_POLL, this.segStart[v], this.now);
        return;
    }
  }

  private onWall(v: number, k: number): void {
    const w = this.m.vms[this.vmOf[v]];
    this.heap.set(this.wallBase + v * this.maxWall + k, this.now + this.drawWallGap(v, w, k));
    this.raiseInterrupt(v, w.wallType[k]);
  }

  private onTick(p: number): void {
    this.heap.set(this.tickBase + p, this.now + this.m.tickPeriodCycles);
    if (this.m.policy === POLICY_FAIR) this.rq.balanceTowards(p, this.cur, this.vruntime);
    const v = this.cur[p];
    if (v < 0) return;
    const st = this.state[v];
    if (st === S_GUEST && this.now < this.segStart[v]) return; // in host mode (an episode booked ahead)
    if (st === S_GUEST || st === S_SPIN || st === S_IDLE_GUEST) {
      this.leaveCurrentState(v);
      if (!this.startPlan(v, this.m.vms[this.vmOf[v]].planHostTick, AFTER_RESCHED)) this.enterGuest(v);
    }
  }

  private onArrival(vm: number): void {
    const w = this.m.vms[vm];
    this.heap.set(this.arrivalBase + vm, this.now + this.drawArrivalGap(vm));
    const cap = this.m.queueCapacity;
    if (this.now >= this.warmup) this.out.vmArrivals[vm]++;
    if (this.qLen[vm] >= cap) {
      if (this.now >= this.warmup) this.out.vmDropped[vm]++;
      return;
    }
    this.queue[vm * cap + ((this.qHead[vm] + this.qLen[vm]) % cap)] = this.now;
    this.qLen[vm]++;
    // The request's interrupt goes to an idle vCPU if there is one, else round robin.
    const first = this.firstVcpuOfVm[vm];
    let target = -1;
    for (let j = 0; j < w.vcpus; j++) {
      const st = this.state[first + j];
      if (st === S_HALTED || st === S_POLL || st === S_IDLE_GUEST) {
        target = first + j;
        break;
      }
    }
    if (target < 0) {
      target = first + this.rrTarget[vm];
      this.rrTarget[vm] = (this.rrTarget[vm] + 1) % w.vcpus;
    }
    this.raiseInterrupt(target, INTERRUPT_DEVICE);
  }

  // ---- scheduler ---------------------------------------------------------------

  /** Takes v off its pCPU (the pCPU is then free). */
  private deschedule(v: number): void {
    const p = this.pcpuOf[v];
    this.flushVcpu(v);
    this.vruntime[v] += this.now - this.dispatchedAt[v];
    this.lastPcpu[v] = p;
    this.cur[p] = -1;
    this.pcpuOf[v] = -1;
  }

  private makeRunnable(v: number): void {
    const m = this.m;
    let p: number;
    if (m.policy === POLICY_PINNED) p = v;
    else {
      p = this.lastPcpu[v] >= 0 ? this.lastPcpu[v] : v % m.pcpus;
      if (this.cur[p] >= 0 && this.idlePcpus > 0) {
        for (let q = 0; q < m.pcpus; q++) {
          if (this.cur[q] < 0 && this.rq.length(q) === 0) {
            p = q;
            break;
          }
        }
      }
      if (m.policy === POLICY_FAIR) {
        // A sleeper does not bank its sleep: it rejoins at most one slice behind the queue's minimum.
        const floor = this.rq.minVruntime(p, this.vruntime) - m.sliceCycles;
        if (this.vruntime[v] < floor) this.vruntime[v] = floor;
      }
    }
    this.state[v] = S_RUNNABLE;
    this.rq.push(p, v);
    const running = this.cur[p];
    if (running < 0) this.schedule(p);
    else if (this.state[running] === S_POLL) {
      // KVM polls only while nothing else is runnable (single_task_running): stop and block.
      this.book(p, this.vmOf[running], CAT.HALT_POLL, this.segStart[running], this.now);
      this.heap.cancel(running); // (its poll window's end would find it blocked: no event needed)
      this.block(running);
    }
  }

  /** Picks the next vCPU for a free pCPU, or leaves it idle. */
  private schedule(p: number): void {
    const m = this.m;
    let v = m.policy === POLICY_FAIR ? this.rq.popMinVruntime(p, this.vruntime) : this.rq.shift(p);
    if (v < 0 && m.policy !== POLICY_PINNED) v = this.rq.stealFromLongest(p);
    if (v < 0) {
      if (!this.pIdle[p]) {
        this.pIdle[p] = 1;
        this.idleSince[p] = this.now;
        this.idlePcpus++;
      }
      return;
    }
    this.dispatchOn(p, v);
  }

  private dispatchOn(p: number, v: number): void {
    if (this.pIdle[p]) {
      this.book(p, -1, CAT.IDLE, this.idleSince[p], this.now);
      this.pIdle[p] = 0;
      this.idlePcpus--;
    }
    this.cur[p] = v;
    this.pcpuOf[v] = p;
    this.dispatchedAt[v] = this.now;
    this.startEntry(v, this.m.hostContextSwitchCycles);
  }

  /** After a PLE exit: yield to a preempted lock holder of the same VM, else to anyone runnable here. */
  private directedYield(v: number): void {
    const p = this.pcpuOf[v];
    const holder = this.lockHolder[this.vmOf[v]];
    if (holder >= 0 && this.state[holder] === S_RUNNABLE && this.m.policy !== POLICY_PINNED && this.rq.remove(holder)) {
      this.deschedule(v);
      this.state[v] = S_RUNNABLE;
      this.rq.push(p, v);
      this.dispatchOn(p, holder);
      return;
    }
    if (this.m.policy !== POLICY_PINNED && this.rq.length(p) > 0) {
      this.deschedule(v);
      this.state[v] = S_RUNNABLE;
      this.rq.push(p, v);
      this.schedule(p);
      return;
    }
    this.startEntry(v);
  }

  // ---- accounting and draws -------------------------------------------------------

  /** Books [from, to) on pCPU p (and VM vm unless -1), clipped to the measurement window. */
  private book(p: number, vm: number, cat: number, from: number, to: number): void {
    const a = from > this.warmup ? from : this.warmup;
    const b = to < this.end ? to : this.end;
    if (b <= a) return;
    const len = b - a;
    this.out.pcpuCycles[p * N_CAT + cat] += len;
    if (vm >= 0) this.out.vmCycles[vm * N_CAT + cat] += len;
  }


  /** Books [from, to) of vCPU v on its pCPU, clipped to the window, into its row (see vcpuCycles). */
  private bookVcpu(v: number, cat: number, from: number, to: number): void {
    const a = from > this.warmup ? from : this.warmup;
    const b = to < this.end ? to : this.end;
    if (b > a) this.vcpuCycles[v * N_CAT + cat] += b - a;
  }

  /** Adds vCPU v's row to its pCPU's and its VM's counters (before it leaves the pCPU, or a read). */
  private flushVcpu(v: number): void {
    const p = this.pcpuOf[v];
    if (p < 0) return;
    const row = this.vcpuCycles;
    const b = v * N_CAT;
    const pb = p * N_CAT;
    const vb = this.vmOf[v] * N_CAT;
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

  /** Copies the interleaved exit statistics out to RawResult's arrays. */
  private syncExitStats(): void {
    const es = this.exitStats;
    const o = this.out;
    for (let k = 0; k < o.exitCount.length; k++) {
      const b = k * ES_STRIDE;
      o.exitCount[k] = es[b + ES_COUNT];
      o.exitCycles[k] = es[b + ES_CYCLES];
      o.exitSumSq[k] = es[b + ES_SUM_SQ];
      o.exitMin[k] = es[b + ES_MIN];
      o.exitMax[k] = es[b + ES_MAX];
    }
  }

  /** Every counter brought up to date in `out` (rows held per vCPU, interleaved exit statistics). */
  private syncCounters(): void {
    for (let v = 0; v < this.nV; v++) this.flushVcpu(v);
    this.syncExitStats();
  }

  private drawGap(stream: number, dist: number, mean: number, mu: number, sigma: number, table: Float64Array | undefined): number {
    const u = this.rng.next(stream);
    switch (dist) {
      case DIST_EXPONENTIAL:
        return roundPositive(-mean * Math.log(1 - u));
      case DIST_CONSTANT:
        return roundPositive(mean);
      case DIST_EMPIRICAL: {
        const t = table as Float64Array;
        return roundPositive(mean * t[Math.floor(u * t.length)]);
      }
      default:
        return roundPositive(Math.exp(mu + sigma * normalFromUniform(u)));
    }
  }

  private drawClassGap(v: number, w: VmModel, c: number): number {
    if (w.classDist[c] === DIST_EXPONENTIAL) {
      // The common case, without the general switch.
      return roundPositive(-w.classMeanGap[c] * Math.log(1 - this.rng.next(this.classStreams[v * this.maxClass + c])));
    }
    return this.drawGap(this.classStreams[v * this.maxClass + c], w.classDist[c], w.classMeanGap[c], w.classMu[c], w.classSigma[c], w.classEmpirical[c]);
  }

  private drawWallGap(v: number, w: VmModel, k: number): number {
    return this.drawGap(this.wallStreams[v * this.maxWall + k], w.wallDist[k], w.wallMeanGap[k], w.wallMu[k], w.wallSigma[k], w.wallEmpirical[k]);
  }

  private drawArrivalGap(vm: number): number {
    return roundPositive(-this.m.vms[vm].arrivalGapCycles * Math.log(1 - this.rng.next(this.arrivalStreams[vm])));
  }
}
