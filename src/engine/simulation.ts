// The event loop: vCPUs and pCPUs as state machines over typed arrays, one
// indexed timer heap, dispatch by a switch on small integers. It knows exit
// plans and cycle categories, never files, names or terminals (SPEC §10).
// Only the transitions live here (they call each other); the leaves they use
// are rooms of their own: columns.ts (state), guest-clock.ts (guest time and
// the arming of each vCPU's next happening), layout.ts (slots), streams.ts
// and draws.ts (randomness), accounting.ts (cycles and exit statistics),
// episode.ts (exit-episode composition), silent-queue.ts, and the scheduler
// policy (src/scheduler/policies.ts).
//
// Time is integer host cycles. Every pCPU cycle in the measurement window
// [warm-up end, run end] is booked into exactly one category (CAT), so the
// per-pCPU accounting adds up to the window length exactly.
import { CAT } from '../exits/cost.js';
import { HISTOGRAM_BUCKETS, bucketOf } from './histogram.js';
// prettier-ignore
import { BEHAVIOUR_IO, BEHAVIOUR_IPI, BEHAVIOUR_LOCK, BEHAVIOUR_ONESHOT, INTERRUPT_DEVICE, INTERRUPT_ONESHOT, INTERRUPT_TIMER, WAIT_ACK, WAIT_NONE,
  type BuiltModel, type VmModel } from './model.js';
import { IpiFlight } from './ipi-flight.js';
import { EngineLayout } from './layout.js';
import { GuestClock } from './guest-clock.js';
import { copyRawResult, noteBlocked, type RawResult } from './result.js';
// prettier-ignore
import { AFTER_BLOCK, AFTER_CONTINUE, AFTER_RESCHED, AFTER_YIELD, PH_COMPUTE, PH_NATIVE, PH_REENTER, PH_WALK,
  S_ENTRY, S_EXIT, S_GUEST, S_HALTED, S_IDLE_GUEST, S_POLL, S_RUNNABLE, S_SPIN, S_WAIT } from './columns.js';
import { schedulerPolicy, type SchedulerPolicy } from '../scheduler/policies.js';
import { nextPollWindow } from '../scheduler/halt-poll.js';
import { ArrivalQueues } from './arrival-queues.js';
import { DeviceQueues } from './device-queues.js';
import type { RunQueues } from '../scheduler/run-queues.js';

export type { RawResult } from './result.js';

export class Simulation extends GuestClock {
  private readonly policy: SchedulerPolicy;
  private readonly rq: RunQueues;
  private readonly ipis: IpiFlight;
  private readonly arrivals: ArrivalQueues;
  private readonly deviceQueues: DeviceQueues;

  /**
   * `timerShortcuts: false` gives every happening its own timer event — each
   * silent event, each lock release, each unit's end before its walk: the
   * reference the shortcuts must reproduce exactly (tests compare the two).
   */
  constructor(model: BuiltModel, options: { timerShortcuts?: boolean } = {}) {
    const shortcuts = options.timerShortcuts !== false;
    const layout = new EngineLayout(model);
    super(model, layout, shortcuts);
    this.policy = schedulerPolicy(model.policy, model.pcpus, layout.nV, model.sliceCycles);
    this.rq = this.policy.queues;
    this.ipis = new IpiFlight(layout.nV, layout.firstVcpuOfVm, layout.vmOf, this.heap, layout.ackBase);
    this.pleWindow.fill(model.pleWindowCycles);
    this.arrivals = new ArrivalQueues(model.vms.length, model.queueCapacity);
    this.deviceQueues = new DeviceQueues(layout.nV * layout.maxDev, Math.max(0, ...model.vms.map((w) => Math.max(0, ...w.deviceQueueDepth))));
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
        this.nextAt[v * this.maxClass + c] = this.aggregate && w.classAggregatable[c] ? Infinity : this.draw.classGap(v, w, c);
      }
      for (let k = 0; k < w.wallCount; k++) this.heap.set(this.wallBase + v * this.maxWall + k, this.draw.wallGap(v, w, k));
      this.pendingEntry[v] = m.nativeMode ? 0 : m.stages[5].mean;
      this.state[v] = S_RUNNABLE;
      this.rq.push(this.policy.home(v), v);
    }
    for (let vm = 0; vm < m.vms.length; vm++) {
      if (m.vms[vm].arrivalGapCycles > 0) this.heap.set(this.arrivalBase + vm, this.draw.arrivalGap(vm, this.m.vms[vm].arrivalGapCycles));
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
        if (this.pIdle[p]) this.acct.book(p, -1, CAT.IDLE, this.idleSince[p], this.end);
        continue;
      }
      this.leaveCurrentState(v);
    }
    this.syncCounters();
    return this.out;
  }

  get currentCycles(): number { return this.now; } // prettier-ignore
  get endCycles(): number { return this.end; } // prettier-ignore

  /**
   * The counters so far, as if the run ended now (for live views): copies,
   * with the window cut at the current time and in-progress units counted by
   * their done fraction. Segments still open are not in the cycle accounting.
   */
  snapshot(): RawResult {
    // (Computing vCPUs first catch up: queued silent events the clock passed count, as at the end.)
    this.syncComputing();
    this.syncCounters();
    const units = Float64Array.from(this.out.vmUnits);
    // Before the warm-up ends there is no window yet: nothing counts.
    if (this.now > this.warmup) for (let v = 0; v < this.nV; v++) units[this.vmOf[v]] += this.unitProgress(v, this.now, this.m.vms[this.vmOf[v]].walkCyclesPerUnit);
    return copyRawResult(this.out, units, Math.max(0, this.now - this.warmup));
  }

  /** Guest events so far (cheap: no counters are synced, unlike `result`). */
  get guestEvents(): number {
    return this.out.guestEvents;
  }

  get result(): RawResult {
    this.syncCounters();
    return this.out;
  }

  /** Every counter brought up to date in `out` (rows held per vCPU, interleaved exit statistics). */
  private syncCounters(): void {
    for (let v = 0; v < this.nV; v++) this.flushVcpu(v);
    this.acct.syncExitStats();
  }

  private flushVcpu(v: number): void {
    const p = this.pcpuOf[v];
    if (p >= 0) this.acct.flushVcpu(v, p, this.vmOf[v]);
  }

  // ---- dispatch -------------------------------------------------------------

  private dispatch(slot: number): void {
    if (slot < this.wallBase) this.onActivity(slot);
    else if (slot < this.devBase) {
      const i = slot - this.wallBase;
      this.onWall((i / this.maxWall) | 0, i % this.maxWall);
    } else if (slot < this.tickBase) {
      this.onDeviceCompletion(slot - this.devBase);
    } else if (slot < this.arrivalBase) this.onTick(slot - this.tickBase);
    else if (slot < this.warmupSlot) this.onArrival(slot - this.arrivalBase);
    else if (slot === this.warmupSlot) this.countPartialUnits(-1);
    else if (slot < this.ipiBase) this.raiseInterrupt(slot - this.lapicBase, INTERRUPT_ONESHOT);
    else if (slot < this.ackBase) this.sendIpi(slot - this.ipiBase, this.ipis.land(slot - this.ipiBase));
    else this.onAck(slot - this.ackBase);
  }

  private onActivity(v: number): void {
    switch (this.state[v]) {
      case S_ENTRY:
        this.bookEntry(v);
        this.enterGuest(v);
        return;
      case S_EXIT:
        this.acct.bookEpisode(v, this.pcpuOf[v], this.vmOf[v]);
        this.afterEpisode(v);
        return;
      case S_GUEST:
        this.onGuestHappening(v);
        return;
      case S_SPIN:
        // The PAUSE loop outlasted the PLE window.
        this.acct.book(this.pcpuOf[v], this.vmOf[v], CAT.SPIN, this.segStart[v], this.now);
        if (!this.startPlan(v, this.m.vms[this.vmOf[v]].planPause, AFTER_YIELD)) this.enterGuest(v);
        return;
      case S_POLL:
        this.acct.book(this.pcpuOf[v], this.vmOf[v], CAT.HALT_POLL, this.segStart[v], this.now);
        this.block(v);
        return;
    }
  }

  // ---- guest execution ------------------------------------------------------

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

  /**
   * A guest event of class c: its plan runs, and what its kind does besides (the behaviour the
   * model's event-kind compiler gave it, src/model/event-kinds/) happens first.
   */
  private fireEvent(v: number, w: VmModel, c: number): void {
    this.out.guestEvents++;
    this.nextAt[v * this.maxClass + c] = this.computeClock[v] + this.draw.classGap(v, w, c);
    this.waitIdle[v] = w.classWaitIdle[c]; // how it waits, if this event makes it wait
    switch (w.classBehaviour[c]) {
      case BEHAVIOUR_LOCK:
        this.wantLock(v, w, c);
        return;
      case BEHAVIOUR_IO:
        this.requestIo(v, w, c);
        break;
      case BEHAVIOUR_ONESHOT:
        // The deadline counts from the write: the TSC runs on while the write's exit is handled.
        this.heap.set(this.lapicBase + v, this.now + w.classDeadlineCycles[c]);
        this.waitingFor[v] = w.classWaitKind[c];
        break;
      case BEHAVIOUR_IPI:
        if (w.vcpus > 1) {
          this.writeIcr(v, w, c);
          return;
        }
        break;
    }
    if (!this.startPlan(v, w.classPlan[c], AFTER_CONTINUE)) this.enterGuest(v);
  }

  /** A spin-lock acquisition: the vCPU wants the VM's lock (unless it holds it already). */
  private wantLock(v: number, w: VmModel, c: number): void {
    // Drawn whether or not the lock is free, so every feature set sees the same sequence.
    const hold = this.draw.lockHold(v, c, w.classHoldMean[c]);
    if (this.holding[v]) {
      this.scheduleGuest(v);
      return;
    }
    this.holdPending[v] = hold;
    this.wantsLock[v] = 1;
    this.enterGuest(v);
  }

  /** A device request: arms its completion (and makes the unit wait once the device's queue is full). */
  private requestIo(v: number, w: VmModel, c: number): void {
    const d = w.classDevice[c];
    const slot = this.devBase + v * this.maxDev + d;
    const latency = w.deviceLatencyCycles[d];
    if (w.deviceQueueDepth[d] > 0) {
      // A tracked device: every request completes on its own; the unit waits once its queue is full.
      const k = v * this.maxDev + d;
      if (this.deviceQueues.push(k, this.now + latency) === 1) this.heap.set(slot, this.now + latency);
      if (this.deviceQueues.count[k] >= w.classQueueDepth[c]) this.waitingFor[v] = INTERRUPT_DEVICE;
    } else if (latency > 0 && !this.heap.isArmed(slot)) {
      // One completion interrupt outstanding per device and vCPU: later ones coalesce into it.
      this.heap.set(slot, this.now + latency);
    }
  }

  /** An ICR write: the IPI leaves when the write's exit (if any) is handled, then crosses cores. */
  private writeIcr(v: number, w: VmModel, c: number): void {
    const target = this.draw.ipiTarget(v, this.firstVcpuOfVm[this.vmOf[v]], w.vcpus);
    if (w.classWaitKind[c] === WAIT_ACK) this.waitingFor[v] = WAIT_ACK;
    // Sent at the end of KVM's handler when the ICR write exits, at once with IPIv.
    const away = w.classPlanTargetAway[c]; // (AVIC: a target that is descheduled or blocked)
    const exited = this.startPlan(v, away >= 0 && (this.pcpuOf[target] < 0 || this.state[target] === S_HALTED) ? away : w.classPlan[c], AFTER_CONTINUE);
    const sentAt = exited ? this.now + this.composer.length - this.composer.lastEntry - w.tlbRefillCycles : this.now;
    const earlier = this.ipis.queue(v, target, sentAt + this.m.crossCoreInterruptCycles, this.ipiBase);
    if (earlier >= 0) this.sendIpi(v, earlier);
    if (!exited) this.enterGuest(v);
  }

  /** An IPI from v reaches its target; a sender that waits is owed the target's handling. */
  private sendIpi(v: number, target: number): void {
    if (this.waitingFor[v] === WAIT_ACK) this.ipis.await(v, target);
    this.raiseInterrupt(target, INTERRUPT_DEVICE, true);
  }

  /** The target has handled sender s's IPI: the flag s spins on is set. */
  private onAck(s: number): void {
    if (this.waitingFor[s] !== WAIT_ACK) return;
    this.waitingFor[s] = WAIT_NONE;
    if (this.state[s] !== S_WAIT) return;
    this.leaveCurrentState(s);
    this.enterGuest(s);
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
      if (this.waitingFor[v] === INTERRUPT_DEVICE) this.waitingFor[v] = WAIT_NONE;
      const injected = this.startPlan(v, w.planInjectDevice, AFTER_CONTINUE);
      this.ipis.handled(v, this.now + (injected ? this.composer.length : 0) + this.m.plans.nativeCycles[w.planInjectDevice]);
      if (injected) return;
    } else if (this.pendingOneShot[v] > 0) {
      this.pendingOneShot[v]--;
      this.idleEntryDone[v] = 0;
      if (this.waitingFor[v] === INTERRUPT_ONESHOT) this.waitingFor[v] = WAIT_NONE;
      if (this.startPlan(v, w.planInjectOneShot, AFTER_CONTINUE)) return;
    }
    if (this.nativeRem[v] > 0) {
      this.scheduleGuest(v);
      return;
    }
    if (this.waitingFor[v] !== WAIT_NONE) {
      // The unit waits for the interrupt: its thread blocks (the vCPU idles) or it spins (no PAUSE).
      if (this.waitIdle[v]) return this.halt(v, w);
      this.state[v] = S_WAIT;
      this.segStart[v] = this.now;
      this.heap.cancel(v);
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
        if (this.m.pleWindowCycles > 0) this.heap.set(v, this.now + this.pleWindow[v]);
        else this.heap.cancel(v);
        return;
      }
    }
    if (!this.unitActive[v]) {
      const vm = this.vmOf[v];
      // A vCPU that runs no units only takes interrupts.
      if (v - this.firstVcpuOfVm[vm] >= w.activeVcpus) return this.halt(v, w);
      if (w.closed) this.startUnit(v, w, this.now);
      else if (this.arrivals.length[vm] > 0) this.startUnit(v, w, this.arrivals.shift(vm));
      else {
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
    const size = this.draw.unitSize(v, w);
    this.unitEndAt[v] = this.computeClock[v] + size;
    this.unitSize[v] = size;
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

  protected releaseLock(v: number): void {
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
      this.acct.book(this.pcpuOf[taker], vm, CAT.SPIN, this.segStart[taker], this.now);
      this.acquireLock(taker);
      this.scheduleGuest(taker);
    }
  }

  // ---- exits ------------------------------------------------------------------

  /**
   * Starts the exit episode of plan `plan` (episode.ts draws its round trips
   * and counts the exits) and enters S_EXIT, or books it ahead when nothing can
   * cut it short. Returns false (and runs the native part in the guest) when no
   * exit happens.
   */
  private startPlan(v: number, plan: number, after: number): boolean {
    const m = this.m;
    const vm = this.vmOf[v];
    this.nativeRem[v] += m.plans.nativeCycles[plan];
    if (m.plans.length[plan] === 0) return false;
    const now = this.now;
    const composer = this.composer;
    const closed = after === AFTER_CONTINUE;
    // Fast path: when nothing can cut the episode short and after it the vCPU just computes on,
    // it is booked now (if wholly inside the window) and the next guest happening is armed past
    // its end: one timer event per exit. Anything arriving meanwhile sees segStart in the future
    // and waits, as in host mode.
    const aheadMax = closed && now >= this.warmup && this.walkRem[v] === 0 && this.onlyComputes(v) ? this.end - now : -1;
    if (composer.drawPlan(v, vm, plan, closed, now >= this.warmup, aheadMax) === 0) return false; // the caller goes on in guest mode
    if (!closed) {
      this.pendingEntry[v] = composer.lastEntry;
      this.pendingRefill[v] = composer.lastEntry > 0 ? m.vms[vm].tlbRefillCycles : 0; // no exit, no refill
    }
    const len = composer.length;
    this.acct.episodeStart[v] = now;
    if (composer.bookedAhead) {
      this.scheduleGuestFrom(v, now + len);
      return true;
    }
    this.state[v] = S_EXIT;
    this.after[v] = after;
    this.heap.set(v, now + len);
    return true;
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
      this.pleWindow[v] = Math.min(this.pleWindow[v] * this.m.pleWindowGrow, this.m.pleWindowMaxCycles); // KVM grows it per PLE exit
      this.directedYield(v);
      return;
    }
    const p = this.pcpuOf[v];
    if (this.policy.sliceOver(p, this.now - this.dispatchedAt[v])) {
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
    this.acct.bookEntry(this.pcpuOf[v], this.vmOf[v], this.segStart[v], this.schedSeg[v], this.entrySeg[v], this.refillSeg[v]);
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
    if (this.hasPendingInterrupt(v)) return true;
    const vm = this.vmOf[v];
    return !this.unitActive[v] && !this.m.vms[vm].closed && this.arrivals.length[vm] > 0;
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
        if (this.now > from) noteBlocked(this.out, this.vmOf[v], this.now - from);
        this.adaptPollWindow(v);
        this.makeRunnable(v);
        return;
      }
      case S_POLL:
        this.acct.book(this.pcpuOf[v], this.vmOf[v], CAT.HALT_POLL, this.segStart[v], this.now);
        this.adaptPollWindow(v);
        this.startEntry(v);
        return;
      case S_IDLE_GUEST:
        this.acct.book(this.pcpuOf[v], -1, CAT.IDLE, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        this.enterGuest(v);
        return;
    }
  }

  /** KVM's adaptive halt polling (src/scheduler/halt-poll.ts). */
  private adaptPollWindow(v: number): void {
    this.pollWindow[v] = nextPollWindow(this.pollWindow[v], this.now - this.haltStart[v], this.m.haltPollCycles, this.m.haltPollStartCycles);
  }

  /** A guest interrupt aimed at vCPU v (its timer, a device, an IPI, its one-shot timer). */
  private raiseInterrupt(v: number, kind: number, ipi = false): void {
    const st = this.state[v];
    if (st === S_GUEST && this.now < this.segStart[v]) {
      // Inside an episode booked ahead (host mode): the interrupt waits for entry.
      this.addPending(v, kind);
      this.phase[v] = PH_REENTER;
      this.heap.set(v, this.segStart[v]);
      return;
    }
    if (st === S_GUEST || st === S_SPIN || st === S_IDLE_GUEST || st === S_WAIT) {
      // The vCPU is in guest mode: delivery exits unless posted (APICv).
      this.leaveCurrentState(v);
      const w = this.m.vms[this.vmOf[v]];
      this.idleEntryDone[v] = 0;
      // Its handler is what a waiting unit waits for.
      if (this.waitingFor[v] === kind) this.waitingFor[v] = WAIT_NONE;
      const plan = kind === INTERRUPT_TIMER ? w.planDeliverTimer : kind === INTERRUPT_DEVICE ? (ipi ? w.planDeliverIpi : w.planDeliverDevice) : w.planDeliverOneShot;
      const exited = this.startPlan(v, plan, AFTER_CONTINUE);
      if (kind === INTERRUPT_DEVICE) this.ipis.handled(v, this.now + (exited ? this.composer.length : 0) + this.m.plans.nativeCycles[plan]);
      if (!exited) this.enterGuest(v);
      return;
    }
    this.addPending(v, kind);
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
        this.acct.book(p, vm, CAT.SPIN, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        return;
      case S_WAIT:
        // Spinning on a flag is the guest's own work (bare metal spins too).
        this.acct.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        return;
      case S_IDLE_GUEST:
        this.acct.book(p, -1, CAT.IDLE, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        return;
      case S_EXIT:
        this.acct.bookEpisode(v, p, vm);
        return;
      case S_ENTRY:
        this.bookEntry(v);
        return;
      case S_POLL:
        this.acct.book(p, vm, CAT.HALT_POLL, this.segStart[v], this.now);
        return;
    }
  }

  /** A device completion (slot index i = v * maxDev + device): its interrupt; a tracked device arms its next completion. */
  private onDeviceCompletion(i: number): void {
    const v = (i / this.maxDev) | 0;
    const w = this.m.vms[this.vmOf[v]];
    if (w.deviceQueueDepth[i % this.maxDev] > 0) {
      const next = this.deviceQueues.pop(i);
      if (next >= 0) this.heap.set(this.devBase + i, next);
    }
    this.raiseInterrupt(v, INTERRUPT_DEVICE);
  }

  private onWall(v: number, k: number): void {
    const w = this.m.vms[this.vmOf[v]];
    this.heap.set(this.wallBase + v * this.maxWall + k, this.now + this.draw.wallGap(v, w, k));
    this.raiseInterrupt(v, w.wallType[k]);
  }

  private onTick(p: number): void {
    this.heap.set(this.tickBase + p, this.now + this.m.tickPeriodCycles);
    this.policy.onTick(p, this.cur);
    const v = this.cur[p];
    if (v < 0) return;
    const st = this.state[v];
    if (st === S_GUEST && this.now < this.segStart[v]) return; // in host mode (an episode booked ahead)
    if (st === S_GUEST || st === S_SPIN || st === S_IDLE_GUEST || st === S_WAIT) {
      this.leaveCurrentState(v);
      if (!this.startPlan(v, this.m.vms[this.vmOf[v]].planHostTick, AFTER_RESCHED)) this.enterGuest(v);
    }
  }

  private onArrival(vm: number): void {
    this.heap.set(this.arrivalBase + vm, this.now + this.draw.arrivalGap(vm, this.m.vms[vm].arrivalGapCycles));
    if (this.now >= this.warmup) this.out.vmArrivals[vm]++;
    if (!this.arrivals.push(vm, this.now)) {
      if (this.now >= this.warmup) this.out.vmDropped[vm]++;
      return;
    }
    this.raiseInterrupt(this.arrivalTarget(vm), INTERRUPT_DEVICE);
  }

  // ---- scheduling (the decisions are the policy's: src/scheduler/policies.ts) -------

  /** Takes v off its pCPU (the pCPU is then free). */
  private deschedule(v: number): void {
    const p = this.pcpuOf[v];
    this.flushVcpu(v);
    this.policy.charge(v, this.now - this.dispatchedAt[v]);
    this.lastPcpu[v] = p;
    this.cur[p] = -1;
    this.pcpuOf[v] = -1;
  }

  private makeRunnable(v: number): void {
    const p = this.policy.placeWakee(v, this.lastPcpu[v], this.cur, this.idlePcpus);
    this.state[v] = S_RUNNABLE;
    this.rq.push(p, v);
    const running = this.cur[p];
    if (running < 0) this.schedule(p);
    else if (this.state[running] === S_POLL) {
      // KVM polls only while nothing else is runnable (single_task_running): stop and block.
      this.acct.book(p, this.vmOf[running], CAT.HALT_POLL, this.segStart[running], this.now);
      this.heap.cancel(running); // (its poll window's end would find it blocked: no event needed)
      this.block(running);
    }
  }

  /** Runs the policy's next vCPU on a free pCPU, or leaves it idle. */
  private schedule(p: number): void {
    const v = this.policy.pickNext(p);
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
      this.acct.book(p, -1, CAT.IDLE, this.idleSince[p], this.now);
      this.pIdle[p] = 0;
      this.idlePcpus--;
    }
    this.cur[p] = v;
    this.pcpuOf[v] = p;
    this.pleWindow[v] = this.m.pleWindowCycles; // scheduled in: KVM shrinks the PLE window back to its base
    this.dispatchedAt[v] = this.now;
    this.startEntry(v, this.m.hostContextSwitchCycles);
  }

  /** After a PLE exit: yield to a preempted lock holder of the same VM, else to anyone runnable here. */
  private directedYield(v: number): void {
    const p = this.pcpuOf[v];
    const holder = this.lockHolder[this.vmOf[v]];
    const migrates = this.policy.migrates;
    if (holder >= 0 && this.state[holder] === S_RUNNABLE && migrates && this.rq.remove(holder)) {
      this.deschedule(v);
      this.state[v] = S_RUNNABLE;
      this.rq.push(p, v);
      this.dispatchOn(p, holder);
      return;
    }
    if (migrates && this.rq.length(p) > 0) {
      this.deschedule(v);
      this.state[v] = S_RUNNABLE;
      this.rq.push(p, v);
      this.schedule(p);
      return;
    }
    this.startEntry(v);
  }
}
