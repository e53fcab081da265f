// Scheduler policies: the decisions (SPEC §6) — where a vCPU starts, which
// vCPU a free pCPU runs next, where a woken vCPU queues, whether a slice is
// over at a host tick, periodic balancing. The mechanism (per-pCPU run queues)
// is run-queues.ts; the engine calls these and never tests a policy itself.
// Adding a policy: a class here and a line in schedulerPolicy().
import { RunQueues } from './run-queues.js';

/** Policy ids as the compiled model carries them (BuiltModel.policy). */
export const POLICY_PINNED = 0;
export const POLICY_ROUND_ROBIN = 1;
export const POLICY_FAIR = 2;

export abstract class SchedulerPolicy {
  readonly queues: RunQueues;
  /** Per vCPU: host cycles it has run (the fair policy's virtual runtime; kept for every policy). */
  readonly vruntime: Float64Array;
  /** Whether vCPUs share and move between pCPUs (false: one vCPU a pCPU, nothing to yield to). */
  abstract readonly migrates: boolean;

  constructor(
    protected readonly pcpus: number,
    vcpus: number,
    protected readonly sliceCycles: number,
  ) {
    this.queues = new RunQueues(pcpus, vcpus);
    this.vruntime = new Float64Array(vcpus);
  }

  /** The pCPU whose queue vCPU v starts in. */
  home(v: number): number {
    return v % this.pcpus;
  }

  /** The next vCPU for free pCPU p (taken out of its queue), or -1 to leave it idle. */
  abstract pickNext(p: number): number;

  /**
   * The pCPU whose queue a woken vCPU v joins: where it last ran (or its
   * home), unless that pCPU is busy and another sits idle with nothing queued.
   */
  placeWakee(v: number, lastPcpu: number, cur: Int32Array, idlePcpus: number): number {
    let p = lastPcpu >= 0 ? lastPcpu : v % this.pcpus;
    if (cur[p] >= 0 && idlePcpus > 0) {
      for (let q = 0; q < this.pcpus; q++) {
        if (cur[q] < 0 && this.queues.length(q) === 0) {
          p = q;
          break;
        }
      }
    }
    return p;
  }

  /** At a host tick on pCPU p, whose vCPU has run `ranCycles` since dispatch: whether it gives way. */
  sliceOver(p: number, ranCycles: number): boolean {
    return this.queues.length(p) > 0 && ranCycles >= this.sliceCycles;
  }

  /** At pCPU p's host tick (before its vCPU is looked at). */
  onTick(_p: number, _cur: Int32Array): void {}

  /** vCPU v leaves its pCPU after running `ranCycles`. */
  charge(v: number, ranCycles: number): void {
    this.vruntime[v] += ranCycles;
  }
}

/** One vCPU a pCPU, never moved (the default host). */
export class PinnedPolicy extends SchedulerPolicy {
  readonly migrates = false;

  override home(v: number): number {
    return v;
  }

  pickNext(p: number): number {
    return this.queues.shift(p);
  }

  override placeWakee(v: number): number {
    return v;
  }

  override sliceOver(): boolean {
    return false;
  }
}

/** FIFO queues with time slices; an idle pCPU steals the head of the longest queue. */
export class RoundRobinPolicy extends SchedulerPolicy {
  readonly migrates = true;

  pickNext(p: number): number {
    const v = this.queues.shift(p);
    return v >= 0 ? v : this.queues.stealFromLongest(p);
  }
}

/** CFS-like: the least virtual runtime runs next; sleepers rejoin at most a slice behind; ticks balance load. */
export class FairPolicy extends SchedulerPolicy {
  readonly migrates = true;

  pickNext(p: number): number {
    const v = this.queues.popMinVruntime(p, this.vruntime);
    return v >= 0 ? v : this.queues.stealFromLongest(p);
  }

  override placeWakee(v: number, lastPcpu: number, cur: Int32Array, idlePcpus: number): number {
    const p = super.placeWakee(v, lastPcpu, cur, idlePcpus);
    // A sleeper does not bank its sleep: it rejoins at most one slice behind the queue's minimum.
    const floor = this.queues.minVruntime(p, this.vruntime) - this.sliceCycles;
    if (this.vruntime[v] < floor) this.vruntime[v] = floor;
    return p;
  }

  override onTick(p: number, cur: Int32Array): void {
    this.queues.balanceTowards(p, cur, this.vruntime);
  }
}

/** Policy `policy` (POLICY_*) over a run queue per pCPU. */
export function schedulerPolicy(policy: number, pcpus: number, vcpus: number, sliceCycles: number): SchedulerPolicy {
  if (policy === POLICY_PINNED) return new PinnedPolicy(pcpus, vcpus, sliceCycles);
  if (policy === POLICY_FAIR) return new FairPolicy(pcpus, vcpus, sliceCycles);
  return new RoundRobinPolicy(pcpus, vcpus, sliceCycles);
}
