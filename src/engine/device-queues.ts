// Requests in flight on devices that track each one (a waiting io class with
// a queue depth): per (vCPU, device), a ring of completion times in issue
// order — with a fixed latency, the order they complete in.
export class DeviceQueues {
  private readonly times: Float64Array; // [k * capacity + i]
  private readonly head: Int32Array;
  /** Per (vCPU, device) key: requests in flight. */
  readonly count: Int32Array;

  constructor(
    keys: number,
    private readonly capacity: number,
  ) {
    this.times = new Float64Array(keys * Math.max(1, capacity));
    this.head = new Int32Array(keys);
    this.count = new Int32Array(keys);
  }

  /** A request of key k completing at `at`; returns how many are in flight now. The caller keeps within the capacity. */
  push(k: number, at: number): number {
    const cap = this.capacity;
    this.times[k * cap + ((this.head[k] + this.count[k]) % cap)] = at;
    return ++this.count[k];
  }

  /** Takes key k's earliest completion off; returns the next one's time, or -1 when none is left. */
  pop(k: number): number {
    const cap = this.capacity;
    this.head[k] = (this.head[k] + 1) % cap;
    this.count[k]--;
    return this.count[k] > 0 ? this.times[k * cap + this.head[k]] : -1;
  }
}
