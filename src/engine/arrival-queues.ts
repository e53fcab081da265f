// Each open VM's queue of requests that arrived and wait for a vCPU: ring
// buffers of arrival times over one typed array. A full queue drops (the
// caller counts the drop).
export class ArrivalQueues {
  private readonly times: Float64Array; // [vm * capacity + i]
  private readonly head: Int32Array;
  /** Per VM: requests waiting. */
  readonly length: Int32Array;

  constructor(
    vms: number,
    private readonly capacity: number,
  ) {
    this.times = new Float64Array(vms * capacity);
    this.head = new Int32Array(vms);
    this.length = new Int32Array(vms);
  }

  /** Queues a request that arrived at `at`; false (nothing queued) when the queue is full. */
  push(vm: number, at: number): boolean {
    const cap = this.capacity;
    if (this.length[vm] >= cap) return false;
    this.times[vm * cap + ((this.head[vm] + this.length[vm]) % cap)] = at;
    this.length[vm]++;
    return true;
  }

  /** The arrival time of the oldest waiting request, taken off the queue (the queue must not be empty). */
  shift(vm: number): number {
    const cap = this.capacity;
    const at = this.times[vm * cap + this.head[vm]];
    this.head[vm] = (this.head[vm] + 1) % cap;
    this.length[vm]--;
    return at;
  }
}
