// IPIs between a sender's ICR write and their target taking them (the exit
// handler's end plus the hardware's cross-core latency), and senders that wait
// for their target's handler (kvm-unit-tests `ipi`: on_cpu spins on a flag the
// target's handler sets). At most one IPI in flight per sender.
import type { TimerHeap } from './timer-heap.js';

export class IpiFlight {
  /** Per sender: the target of its IPI in flight, or -1. */
  private readonly target: Int32Array;
  /** Per waiting sender: the vCPU whose handler it waits for, or -1. */
  private readonly ackFrom: Int32Array;
  /** Per vCPU: senders waiting for it to handle their IPI. */
  private readonly acksOwed: Int32Array;

  constructor(
    nV: number,
    private readonly firstVcpuOfVm: Int32Array,
    private readonly vmOf: Int32Array,
    private readonly heap: TimerHeap,
    private readonly ackBase: number,
  ) {
    this.target = new Int32Array(nV).fill(-1);
    this.ackFrom = new Int32Array(nV).fill(-1);
    this.acksOwed = new Int32Array(nV);
  }

  /**
   * v's IPI to `target` lands at `at` (its slot from `ipiBase`). Returns the target of an earlier one
   * still in flight, which lands now (-1 if none).
   */
  queue(v: number, target: number, at: number, ipiBase: number): number {
    const earlier = this.target[v];
    this.target[v] = target;
    this.heap.set(ipiBase + v, at);
    return earlier;
  }

  /** v's IPI has landed: its target (or -1). */
  land(v: number): number {
    const t = this.target[v];
    this.target[v] = -1;
    return t;
  }

  /** Sender s waits for t's handler. */
  await(s: number, t: number): void {
    this.ackFrom[s] = t;
    this.acksOwed[t]++;
  }

  /**
   * Target t starts handling a device interrupt, its handler done at `done`: the senders waiting
   * for it see their flag then (their ack slots). The caller counts `done` from now plus the
   * delivery plan's exits and guest work — as if nothing else were owed first, and after all the
   * plan's exits (an EOI exit too, though the handler sets the flag before it).
   */
  handled(t: number, done: number): void {
    if (this.acksOwed[t] === 0) return;
    const first = this.firstVcpuOfVm[this.vmOf[t]];
    const last = this.firstVcpuOfVm[this.vmOf[t] + 1];
    for (let s = first; s < last; s++) {
      if (this.ackFrom[s] !== t) continue;
      this.ackFrom[s] = -1;
      this.heap.set(this.ackBase + s, done);
    }
    this.acksOwed[t] = 0;
  }
}
