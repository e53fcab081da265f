// The state machine's typed-array columns — per vCPU, per pCPU, per VM —
// allocated once per run. Simulation extends this class, so the hot path reads
// its columns as fields of one object (no indirection per access).
import type { EngineLayout } from './layout.js';
import { INTERRUPT_DEVICE, INTERRUPT_TIMER, WAIT_NONE, type BuiltModel } from './model.js';

// vCPU states.
export const S_RUNNABLE = 0; // in a run queue, off-CPU
export const S_HALTED = 1; // blocked until an interrupt
export const S_GUEST = 2; // guest mode: native handling, 2-D walk, or compute
export const S_SPIN = 3; // guest mode, spinning on a held lock
export const S_EXIT = 4; // host mode: exit stages and handlers of an episode
export const S_ENTRY = 5; // host switch to the vCPU thread (if any), VM entry, TLB refill without VPID
export const S_POLL = 6; // halt polling in the host
export const S_IDLE_GUEST = 7; // halted in guest mode on a dedicated pCPU (exitless idle, bare metal)
export const S_WAIT = 8; // guest mode, spinning until an awaited interrupt (a timer deadline, an I/O completion) is handled

// Guest-mode phases.
export const PH_NATIVE = 0;
export const PH_WALK = 1;
export const PH_COMPUTE = 2;
// An exit episode was booked ahead and something (an interrupt) arrived
// during it: at the episode's end, go through entry again (inject, decide).
export const PH_REENTER = 3;

// What happens after an exit episode. CONTINUE folds the VM entry into the
// episode (one timer event per episode); RESCHED (the host tick) decides at
// the end whether the slice is over, so its entry waits for that decision.
export const AFTER_CONTINUE = 0;
export const AFTER_BLOCK = 1;
export const AFTER_YIELD = 2;
export const AFTER_RESCHED = 3;

export class EngineColumns {
  // Layout (see layout.ts), copied into fields for the hot path.
  protected readonly nV: number;
  protected readonly maxClass: number;
  protected readonly maxWall: number;
  protected readonly maxDev: number;
  protected readonly wallBase: number;
  protected readonly devBase: number;
  protected readonly tickBase: number;
  protected readonly arrivalBase: number;
  protected readonly warmupSlot: number;
  protected readonly lapicBase: number;
  protected readonly ipiBase: number;
  protected readonly ackBase: number;
  protected readonly vmOf: Int32Array;
  protected readonly firstVcpuOfVm: Int32Array;
  protected readonly classCountOf: Int32Array;

  // Per vCPU: where it is.
  protected readonly state: Int32Array;
  protected readonly phase: Int32Array;
  /** Start of the current segment (wall cycles); in the future while an episode booked ahead runs. */
  protected readonly segStart: Float64Array;
  protected readonly pcpuOf: Int32Array;
  protected readonly lastPcpu: Int32Array;
  protected readonly dispatchedAt: Float64Array;
  /** Guest compute done (compute cycles): the clock of its guest-clock event classes. */
  protected readonly computeClock: Float64Array;
  /** [v * maxClass + c]: compute time of the class's next event. */
  protected readonly nextAt: Float64Array;
  // Per vCPU: its unit of work.
  protected readonly unitActive: Uint8Array;
  protected readonly unitStart: Float64Array;
  protected readonly unitEndAt: Float64Array;
  protected readonly unitSize: Float64Array;
  /** Native handling still owed (cycles), paid before compute. */
  protected readonly nativeRem: Float64Array;
  /** 2-D walk still owed at the unit's end (cycles). */
  protected readonly walkRem: Float64Array;
  // The armed timer event of a computing vCPU includes the 2-D walk after its unit's end (one
  // event for both); advanceGuest splits compute from walk if anything reads the clock sooner.
  protected readonly walkAhead: Uint8Array;
  protected readonly unitWalked: Uint8Array; // the walk is done; the unit completes at the next event
  /** Aggregated mode: compute clock up to which the batchable events have been charged. */
  protected readonly aggUntil: Float64Array;
  // Per vCPU: locks.
  protected readonly holding: Uint8Array;
  protected readonly lockReleaseAt: Float64Array;
  protected readonly wantsLock: Uint8Array;
  protected readonly holdPending: Float64Array;
  // Per vCPU: interrupts, idle and entry.
  protected readonly pendingTimer: Int32Array;
  protected readonly pendingDevice: Int32Array;
  protected readonly pendingOneShot: Int32Array;
  /** The interrupt kind the vCPU's unit waits for (INTERRUPT_*), WAIT_ACK, or WAIT_NONE. */
  protected readonly waitingFor: Int32Array;
  /** 1 while the vCPU's wait is an idle one (the guest halts), 0 while it spins. */
  protected readonly waitIdle: Uint8Array;
  protected readonly idleEntryDone: Uint8Array;
  protected readonly haltStart: Float64Array;
  protected readonly pollWindow: Float64Array;
  /** The vCPU's PLE window (cycles): grows after each PLE exit, back to the base when scheduled in. */
  protected readonly pleWindow: Float64Array;
  protected readonly blockStart: Float64Array;
  protected readonly after: Int32Array;
  protected readonly pendingEntry: Float64Array;
  protected readonly pendingRefill: Float64Array;
  protected readonly entrySeg: Float64Array;
  protected readonly schedSeg: Float64Array;
  protected readonly refillSeg: Float64Array;

  // Per pCPU.
  protected readonly cur: Int32Array;
  protected readonly pIdle: Uint8Array;
  protected readonly idleSince: Float64Array;
  protected idlePcpus = 0;

  // Per VM.
  protected readonly lockHolder: Int32Array;
  // Set while a vCPU may be spinning on the VM's lock: only then does the
  // holder's release need a timer event of its own (an uncontended release is
  // applied lazily, the next time the holder's clock is read).
  protected readonly lockWatched: Uint8Array;
  protected readonly rrTarget: Int32Array;
  /** Per VM: its vCPUs that run units (the first ones); the others only take interrupts. */
  protected readonly activeVcpusOfVm: Int32Array;

  /** `shortcuts: false`: every lock counts as watched (each release has its own timer event). */
  constructor(model: BuiltModel, layout: EngineLayout, shortcuts: boolean) {
    const { nV, maxClass } = layout;
    const nVm = model.vms.length;
    this.nV = nV;
    this.maxClass = maxClass;
    this.maxWall = layout.maxWall;
    this.maxDev = layout.maxDev;
    this.wallBase = layout.wallBase;
    this.devBase = layout.devBase;
    this.tickBase = layout.tickBase;
    this.arrivalBase = layout.arrivalBase;
    this.warmupSlot = layout.warmupSlot;
    this.lapicBase = layout.lapicBase;
    this.ipiBase = layout.ipiBase;
    this.ackBase = layout.ackBase;
    this.vmOf = layout.vmOf;
    this.firstVcpuOfVm = layout.firstVcpuOfVm;
    this.classCountOf = layout.classCountOf;
    this.state = new Int32Array(nV);
    this.phase = new Int32Array(nV);
    this.segStart = new Float64Array(nV);
    this.pcpuOf = new Int32Array(nV).fill(-1);
    this.lastPcpu = new Int32Array(nV).fill(-1);
    this.dispatchedAt = new Float64Array(nV);
    this.computeClock = new Float64Array(nV);
    this.nextAt = new Float64Array(nV * maxClass).fill(Infinity);
    this.unitActive = new Uint8Array(nV);
    this.unitStart = new Float64Array(nV);
    this.unitEndAt = new Float64Array(nV);
    this.unitSize = new Float64Array(nV);
    this.nativeRem = new Float64Array(nV);
    this.walkRem = new Float64Array(nV);
    this.walkAhead = new Uint8Array(nV);
    this.unitWalked = new Uint8Array(nV);
    this.aggUntil = new Float64Array(nV);
    this.holding = new Uint8Array(nV);
    this.lockReleaseAt = new Float64Array(nV).fill(Infinity);
    this.wantsLock = new Uint8Array(nV);
    this.holdPending = new Float64Array(nV);
    this.pendingTimer = new Int32Array(nV);
    this.pendingDevice = new Int32Array(nV);
    this.pendingOneShot = new Int32Array(nV);
    this.waitingFor = new Int32Array(nV).fill(WAIT_NONE);
    this.waitIdle = new Uint8Array(nV);
    this.idleEntryDone = new Uint8Array(nV);
    this.haltStart = new Float64Array(nV);
    this.pollWindow = new Float64Array(nV);
    this.pleWindow = new Float64Array(nV);
    this.blockStart = new Float64Array(nV);
    this.after = new Int32Array(nV);
    this.pendingEntry = new Float64Array(nV);
    this.pendingRefill = new Float64Array(nV);
    this.entrySeg = new Float64Array(nV);
    this.schedSeg = new Float64Array(nV);
    this.refillSeg = new Float64Array(nV);

    this.cur = new Int32Array(model.pcpus).fill(-1);
    this.pIdle = new Uint8Array(model.pcpus);
    this.idleSince = new Float64Array(model.pcpus);

    this.lockHolder = new Int32Array(nVm).fill(-1);
    this.lockWatched = new Uint8Array(nVm).fill(shortcuts ? 0 : 1);
    this.rrTarget = new Int32Array(nVm);
    this.activeVcpusOfVm = Int32Array.from(model.vms, (w) => w.activeVcpus);
  }

  /** An interrupt of kind `kind` (INTERRUPT_*) waits for vCPU v's next entry. */
  protected addPending(v: number, kind: number): void {
    if (kind === INTERRUPT_TIMER) this.pendingTimer[v]++;
    else if (kind === INTERRUPT_DEVICE) this.pendingDevice[v]++;
    else this.pendingOneShot[v]++;
  }

  /** The vCPU of VM vm a request's interrupt goes to: an idle one if there is one, else the next in turn (round robin). */
  protected arrivalTarget(vm: number): number {
    const first = this.firstVcpuOfVm[vm];
    const n = this.activeVcpusOfVm[vm];
    for (let j = 0; j < n; j++) {
      const st = this.state[first + j];
      if (st === S_HALTED || st === S_POLL || st === S_IDLE_GUEST) return first + j;
    }
    const target = first + this.rrTarget[vm];
    this.rrTarget[vm] = (this.rrTarget[vm] + 1) % n;
    return target;
  }

  /** Whether an interrupt waits for vCPU v's next entry. */
  protected hasPendingInterrupt(v: number): boolean {
    return this.pendingTimer[v] > 0 || this.pendingDevice[v] > 0 || this.pendingOneShot[v] > 0;
  }

  /** Whether vCPU v, back in guest mode, would just compute on: a unit active, no lock wanted, no interrupt pending, nothing awaited. */
  protected onlyComputes(v: number): boolean {
    return this.unitActive[v] === 1 && !this.wantsLock[v] && !this.hasPendingInterrupt(v) && this.waitingFor[v] === WAIT_NONE;
  }

  /** How much of vCPU v's current unit is done (0..1) at time `now`, counting the 2-D walk at its end. */
  protected unitProgress(v: number, now: number, walkCyclesPerUnit: number): number {
    if (!this.unitActive[v]) return 0;
    if (this.unitWalked[v]) return 1;
    const size = this.unitSize[v];
    const walk = walkCyclesPerUnit;
    let clock = this.computeClock[v];
    const guestMode = this.state[v] === S_GUEST;
    if (guestMode && this.phase[v] === PH_COMPUTE) clock += Math.max(0, now - this.segStart[v] - this.nativeRem[v]);
    let done = Math.min(size, clock - (this.unitEndAt[v] - size));
    if (this.walkRem[v] > 0 || (guestMode && this.phase[v] === PH_WALK)) {
      let walkLeft = this.walkRem[v];
      if (guestMode && this.phase[v] === PH_WALK) walkLeft -= Math.max(0, now - this.segStart[v] - this.nativeRem[v]);
      done = size + (walk - walkLeft);
    }
    return Math.max(0, Math.min(1, done / (size + walk)));
  }
}
