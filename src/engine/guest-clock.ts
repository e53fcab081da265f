// How guest time advances: the guest-mode segments of each vCPU booked as native handling, 2-D
// walk or compute; the compute clock that the event classes, the unit's end and a held lock's
// release run on; and the arming of each computing vCPU's next happening (with the silent-event
// and aggregated-batch shortcuts). The transitions between states are the Simulation's
// (simulation.ts), which extends this class so that the hot path reads one object's fields.
import { CAT } from '../exits/cost.js';
import type { BuiltModel } from './model.js';
import { TimerHeap } from './timer-heap.js';
import { CycleAccounts } from './accounting.js';
import { EpisodeComposer } from './episode.js';
import { RANK_FIRST, SilentQueue } from './silent-queue.js';
import { EngineLayout } from './layout.js';
import { EngineStreams } from './streams.js';
import { newRawResult, type RawResult } from './result.js';
import { EngineColumns, PH_COMPUTE, PH_NATIVE, PH_WALK, S_GUEST } from './columns.js';

export abstract class GuestClock extends EngineColumns {
  protected readonly m: BuiltModel;
  protected readonly heap: TimerHeap;
  protected readonly acct: CycleAccounts;
  protected readonly composer: EpisodeComposer;
  protected readonly silent: SilentQueue;
  protected now = 0;
  protected readonly end: number;
  protected readonly warmup: number;
  protected readonly aggregate: boolean;
  protected readonly shortcuts: boolean;
  protected readonly classSilent: Uint8Array; // [vm * maxClass + c] (see silent-queue.ts)
  /** Every random draw of the run, each from its own stream (streams.ts). */
  protected readonly draw: EngineStreams;
  protected readonly out: RawResult;

  constructor(model: BuiltModel, layout: EngineLayout, shortcuts: boolean) {
    super(model, layout, shortcuts);
    this.shortcuts = shortcuts;
    this.m = model;
    this.end = model.endCycles;
    this.warmup = model.warmupCycles;
    this.aggregate = model.aggregateBatchCycles > 0;
    this.heap = new TimerHeap(layout.slotCount);
    const streams = new EngineStreams(model, layout);
    this.draw = streams;
    this.out = newRawResult(model);
    this.acct = new CycleAccounts(this.out, layout.nV, this.warmup, this.end);
    this.composer = new EpisodeComposer(model, streams, this.acct, layout.maxClass);
    this.silent = new SilentQueue(model, layout, streams, this.nextAt, shortcuts);
    this.classSilent = this.silent.classSilent;
  }

  /** A lock release the holder's clock has passed (the Simulation's: it may hand the lock on). */
  protected abstract releaseLock(v: number): void;

  /** Books guest-mode time since segStart and advances the vCPU's clocks. */
  protected advanceGuest(v: number): void {
    const elapsed = this.now - this.segStart[v];
    if (elapsed <= 0) return; // still inside an episode booked ahead
    const acct = this.acct;
    switch (this.phase[v]) {
      case PH_NATIVE:
        acct.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now);
        this.nativeRem[v] -= elapsed;
        break;
      case PH_WALK: {
        // Native handling still owed runs first, then the walk (one timer event for both).
        const debt = this.nativeRem[v];
        const paid = debt < elapsed ? debt : elapsed;
        if (paid > 0) {
          acct.bookVcpu(v, CAT.GUEST, this.segStart[v], this.segStart[v] + paid);
          this.nativeRem[v] = debt - paid;
        }
        if (elapsed > paid) {
          acct.bookVcpu(v, CAT.INDIRECT_2D_WALK, this.segStart[v] + paid, this.now);
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
        const paid = debt < rest ? debt : rest;
        debt -= paid;
        rest -= paid;
        if (debt === 0 && this.silent.len[v] > 0) {
          // Silent events the clock reaches (up to the armed cut): each adds its native work.
          const silent = this.silent;
          this.out.guestEvents += silent.drain(v, this.vmOf[v], this.computeClock[v], rest);
          this.computeClock[v] = silent.clock;
          rest = silent.rest;
          debt = silent.debt;
        }
        this.nativeRem[v] = debt;
        this.computeClock[v] += rest;
        const excess = this.walkAhead[v] ? this.computeClock[v] - this.unitEndAt[v] : 0;
        if (excess > 0) {
          // Past the unit's end: that much of the time was its 2-D walk.
          acct.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now - excess);
          acct.bookVcpu(v, CAT.INDIRECT_2D_WALK, this.now - excess, this.now);
          this.computeClock[v] = this.unitEndAt[v];
          this.walkAhead[v] = 0;
          const walk = this.m.vms[this.vmOf[v]].walkCyclesPerUnit;
          if (excess >= walk) this.unitWalked[v] = 1;
          else {
            this.walkRem[v] = walk - excess;
            this.phase[v] = PH_WALK;
          }
        } else acct.bookVcpu(v, CAT.GUEST, this.segStart[v], this.now);
        this.segStart[v] = this.now;
        // An uncontended release the clock has passed (nobody was waiting for it).
        if (this.holding[v] && this.lockReleaseAt[v] <= this.computeClock[v]) this.releaseLock(v);
        return;
      }
    }
    this.segStart[v] = this.now;
  }

  /** Arms the vCPU's next guest-mode happening (state GUEST). */
  protected scheduleGuest(v: number): void {
    this.scheduleGuestFrom(v, this.now);
  }

  /** Guest mode from time `from` (now, or the end of an episode booked ahead). */
  protected scheduleGuestFrom(v: number, from: number): void {
    this.state[v] = S_GUEST;
    this.segStart[v] = from;
    this.walkAhead[v] = 0;
    // Native handling before anything that is not plain computing (a spin, a halt) is a phase of
    // its own; before computing it is a debt paid in the same segment, saving a timer event.
    // (Also while interrupts are pending: the next is injected when this handler's native work
    // is done, not at the next guest happening.)
    if (this.nativeRem[v] > 0 && !this.onlyComputes(v)) {
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
    const vm = this.vmOf[v];
    let next = this.unitEndAt[v];
    let nextRank = RANK_FIRST; // the unit's end and a lock release come before class events
    if (this.lockReleaseAt[v] < next && this.lockWatched[vm]) next = this.lockReleaseAt[v];
    const base = v * this.maxClass;
    const sb = vm * this.maxClass;
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
        // A new batch up to the next exact happening, at most one batch long — and, while the vCPU
        // holds a guest lock, no further than its release: a batch's exits are booked at once, and
        // those past the release would otherwise delay it (the others spun ~1.8x as long as in
        // exact mode on spinlock-job under shadow paging).
        const limit = clock + this.m.aggregateBatchCycles;
        let until = next < limit ? next : limit;
        if (this.holding[v] && this.lockReleaseAt[v] > clock && this.lockReleaseAt[v] < until) until = this.lockReleaseAt[v];
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
    let at = anySilent
      ? this.silent.arm(v, vm, from, next, nextRank, this.nativeRem[v], this.computeClock[v])
      : from + this.nativeRem[v] + (next - this.computeClock[v]);
    // The unit's end is next (and the timer is for it, not for a full silent queue): arm past its walk.
    if (
      next === this.unitEndAt[v] &&
      nextRank === RANK_FIRST &&
      this.shortcuts &&
      !this.holding[v] &&
      !this.unitWalked[v] &&
      (!anySilent || this.silent.cutIs(v, next, RANK_FIRST))
    ) {
      const walk = this.m.vms[vm].walkCyclesPerUnit;
      if (walk > 0) {
        at += walk;
        this.walkAhead[v] = 1;
      }
    }
    this.heap.set(v, at);
  }

  /**
   * Aggregated mode: charges the batchable events of `computeCycles` of guest
   * work at once (episode.ts draws them), booked ahead from `from` like an
   * episode, native work as compute debt. Returns when the vCPU computes again.
   */
  protected chargeBatch(v: number, from: number, computeCycles: number): number {
    const composer = this.composer;
    const len = composer.drawBatch(v, this.vmOf[v], computeCycles, from >= this.warmup, this.nativeRem);
    this.out.guestEvents += composer.events;
    if (len === 0) return from;
    this.acct.episodeStart[v] = from;
    this.acct.bookEpisode(v, this.pcpuOf[v], this.vmOf[v]);
    this.segStart[v] = from + len;
    return from + len;
  }

  /** At the window's edges, in-progress units count by the fraction done. */
  protected countPartialUnits(sign: number): void {
    this.syncComputing();
    for (let v = 0; v < this.nV; v++) this.out.vmUnits[this.vmOf[v]] += sign * this.unitProgress(v, this.now, this.m.vms[this.vmOf[v]].walkCyclesPerUnit);
  }

  /** Brings every computing vCPU's clocks up to now (bookkeeping only: its timer stays valid). */
  protected syncComputing(): void {
    for (let v = 0; v < this.nV; v++) {
      if (this.state[v] === S_GUEST && this.phase[v] === PH_COMPUTE && this.now > this.segStart[v]) this.advanceGuest(v);
    }
  }
}
