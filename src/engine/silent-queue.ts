// Silent guest events — no exit under these features, nothing reaching
// another vCPU or a device — only add native work. They need no timer event
// of their own: each vCPU queues the next few (drawn ahead from the same
// streams, so the sequence is exact mode's), its next timer event counts
// their native work in, and the engine applies those its clock passed (drain).
import { classGap } from './draws.js';
import type { EngineLayout } from './layout.js';
import type { BuiltModel } from './model.js';
import type { StreamBank } from './random.js';
import { SILENT_QUEUE_DEPTH } from './settings.js';
import type { EngineStreams } from './streams.js';

/** Class rank of a happening that precedes every class event at the same compute time. */
export const RANK_FIRST = -1;

export class SilentQueue {
  private readonly m: BuiltModel;
  private readonly maxClass: number;
  private readonly rng: StreamBank;
  private readonly classStreams: Int32Array;
  /** The engine's next compute time of each (vCPU, class) event: [v * maxClass + c]. */
  private readonly nextAt: Float64Array;
  /** [vm * maxClass + c]: 1 when the class is silent. */
  readonly classSilent: Uint8Array;
  private readonly classSilentNative: Float64Array; // [vm * maxClass + c]
  private readonly classList: Int32Array; // [vm * maxClass + i]: the VM's silent classes
  private readonly classListCount: Int32Array; // per VM
  private readonly nativeQueued: Float64Array; // per vCPU: native cycles of its queue
  private readonly at: Float64Array; // ring per vCPU: compute time of a queued event
  private readonly cls: Int32Array; // ring per vCPU: its class
  private readonly head: Int32Array;
  /** Per vCPU: events queued. */
  readonly len: Int32Array;
  // Queued events up to this (compute time, class rank) key are due at the armed timer event.
  private readonly cutAt: Float64Array;
  private readonly cutRank: Int32Array;

  // Results of the last drain (read right after the call).
  /** Compute clock after the events applied. */
  clock = 0;
  /** Wall cycles of the segment not yet spent. */
  rest = 0;
  /** Native cycles of the last applied event still owed. */
  debt = 0;

  /** `enabled: false` (no timer shortcuts) makes no class silent: every event has its own timer event. */
  constructor(model: BuiltModel, layout: EngineLayout, streams: EngineStreams, nextAt: Float64Array, enabled: boolean) {
    const { nV, maxClass } = layout;
    const vms = model.vms;
    this.m = model;
    this.maxClass = maxClass;
    this.rng = streams.rng;
    this.classStreams = streams.classStreams;
    this.nextAt = nextAt;
    this.classSilent = new Uint8Array(vms.length * maxClass);
    this.classSilentNative = new Float64Array(vms.length * maxClass);
    this.classList = new Int32Array(vms.length * maxClass);
    this.classListCount = new Int32Array(vms.length);
    vms.forEach((w, vm) => {
      for (let c = 0; c < w.classCount; c++) {
        const plan = w.classPlan[c];
        // (In aggregated mode the batchable ones never come due one by one: their clocks stay at infinity.)
        if (enabled && w.classQuiet[c] && model.plans.length[plan] === 0) {
          this.classSilent[vm * maxClass + c] = 1;
          this.classSilentNative[vm * maxClass + c] = model.plans.nativeCycles[plan];
          this.classList[vm * maxClass + this.classListCount[vm]++] = c;
        }
      }
    });
    this.nativeQueued = new Float64Array(nV);
    this.at = new Float64Array(nV * SILENT_QUEUE_DEPTH);
    this.cls = new Int32Array(nV * SILENT_QUEUE_DEPTH);
    this.head = new Int32Array(nV);
    this.len = new Int32Array(nV);
    this.cutAt = new Float64Array(nV);
    this.cutRank = new Int32Array(nV);
  }

  /** Whether the armed timer event of vCPU v is for the happening (next, rank) itself, not for a full queue. */
  cutIs(v: number, next: number, rank: number): boolean {
    return this.cutAt[v] === next && this.cutRank[v] === rank;
  }

  /**
   * Queues vCPU v's (of VM vm) silent events that come before its next
   * happening (compute time `next`, class rank `nextRank`), as many as the
   * queue holds, sets the cut up to which they are due, and returns the wall
   * time of the timer event: the happening, or the last queued event when the
   * queue is full. The vCPU computes from wall time `from` after `nativeRem`
   * cycles of native work, its compute clock at `computeClock`.
   */
  arm(v: number, vm: number, from: number, next: number, nextRank: number, nativeRem: number, computeClock: number): number {
    const w = this.m.vms[vm];
    const nextAt = this.nextAt;
    const base = v * this.maxClass;
    const sb = vm * this.maxClass;
    const q = v * SILENT_QUEUE_DEPTH;
    let len = this.len[v];
    const head = this.head[v];
    // Fill in (time, class) order while the earliest undrawn silent event precedes the happening.
    const list = this.classList;
    const listCount = this.classListCount[vm];
    let queuedNative = this.nativeQueued[v];
    while (len < SILENT_QUEUE_DEPTH) {
      let c = -1;
      let at = Infinity;
      for (let i = 0; i < listCount; i++) {
        const k = list[sb + i];
        if (nextAt[base + k] < at) {
          at = nextAt[base + k];
          c = k;
        }
      }
      if (c < 0 || at > next || (at === next && c >= nextRank)) break;
      let slot = head + len;
      if (slot >= SILENT_QUEUE_DEPTH) slot -= SILENT_QUEUE_DEPTH;
      this.at[q + slot] = at;
      this.cls[q + slot] = c;
      queuedNative += this.classSilentNative[sb + c];
      len++;
      // The same draw exact mode makes when the event fires (its clock is then `at`).
      nextAt[base + c] = at + classGap(this.rng, this.classStreams[base + c], w, c);
    }
    this.len[v] = len;
    this.nativeQueued[v] = queuedNative;
    let wall = from + nativeRem;
    if (len === 0) {
      this.cutAt[v] = next;
      this.cutRank[v] = nextRank;
      return wall + (next - computeClock);
    }
    let last = head + len - 1;
    if (last >= SILENT_QUEUE_DEPTH) last -= SILENT_QUEUE_DEPTH;
    const lastAt = this.at[q + last];
    const lastClass = this.cls[q + last];
    const lastBefore = lastAt < next || (lastAt === next && lastClass < nextRank);
    if (len === SILENT_QUEUE_DEPTH && lastBefore) {
      // The queue filled up before the happening: the timer is for its last event, which adds its
      // own native work when reached; every event up to it is due.
      this.cutAt[v] = lastAt;
      this.cutRank[v] = lastClass + 1;
      return wall + (lastAt - computeClock) + queuedNative - this.classSilentNative[sb + lastClass];
    }
    // The timer is for the happening; the events before it add their native work.
    this.cutAt[v] = next;
    this.cutRank[v] = nextRank;
    wall += next - computeClock;
    if (lastBefore) return wall + queuedNative;
    // Some queued events lie past it (a lock release armed earlier than they): sum up to it.
    let k = head;
    for (let i = 0; i < len; i++) {
      const at = this.at[q + k];
      const c = this.cls[q + k];
      if (at > next || (at === next && c >= nextRank)) break;
      wall += this.classSilentNative[sb + c];
      k = k + 1 === SILENT_QUEUE_DEPTH ? 0 : k + 1;
    }
    return wall;
  }

  /**
   * Applies the queued events of vCPU v (VM vm) that its compute clock
   * (`clock`) reaches within `rest` wall cycles, up to the armed cut: each
   * adds its native work, paid from `rest` first. Returns how many were
   * applied; `clock`, `rest` and `debt` hold where that leaves the vCPU.
   */
  drain(v: number, vm: number, clock: number, rest: number): number {
    const q = v * SILENT_QUEUE_DEPTH;
    const sb = vm * this.maxClass;
    const cutAt = this.cutAt[v];
    const cutRank = this.cutRank[v];
    let head = this.head[v];
    let len = this.len[v];
    let debt = 0;
    let applied = 0;
    while (len > 0) {
      const at = this.at[q + head];
      if (at > cutAt || (at === cutAt && this.cls[q + head] >= cutRank)) break;
      const need = at - clock;
      if (need > rest) break;
      clock = at;
      rest -= need;
      debt = this.classSilentNative[sb + this.cls[q + head]];
      this.nativeQueued[v] -= debt;
      head = head + 1 === SILENT_QUEUE_DEPTH ? 0 : head + 1;
      len--;
      applied++;
      const paid = debt < rest ? debt : rest;
      debt -= paid;
      rest -= paid;
      if (debt > 0) break;
    }
    this.head[v] = head;
    this.len[v] = len;
    this.clock = clock;
    this.rest = rest;
    this.debt = debt;
    return applied;
  }
}
