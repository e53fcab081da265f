// Indexed binary min-heap of timer slots over typed arrays: each slot (a vCPU's
// activity, a pCPU's tick, a VM's arrivals…) is in the heap at most once, so
// memory is fixed at build time and re-arming a slot is an in-place update.
// Ties at equal time go in arming order (a sequence number), as SimPy does.

export class TimerHeap {
  readonly time: Float64Array;
  private readonly seq: Float64Array;
  private readonly pos: Int32Array;
  private readonly heap: Int32Array;
  private size = 0;
  private nextSeq = 0;

  constructor(slots: number) {
    this.time = new Float64Array(slots);
    this.seq = new Float64Array(slots);
    this.pos = new Int32Array(slots).fill(-1);
    this.heap = new Int32Array(slots);
  }

  get length(): number {
    return this.size;
  }

  isArmed(slot: number): boolean {
    return this.pos[slot] >= 0;
  }

  peekSlot(): number {
    return this.size > 0 ? this.heap[0] : -1;
  }

  peekTime(): number {
    return this.size > 0 ? this.time[this.heap[0]] : Infinity;
  }

  /** Arms (or re-arms) `slot` to fire at `time`. */
  set(slot: number, time: number): void {
    this.time[slot] = time;
    this.seq[slot] = this.nextSeq++;
    const p = this.pos[slot];
    if (p < 0) {
      const i = this.size++;
      this.heap[i] = slot;
      this.pos[slot] = i;
      this.up(i);
    } else {
      this.up(p);
      this.down(this.pos[slot]);
    }
  }

  cancel(slot: number): void {
    const p = this.pos[slot];
    if (p < 0) return;
    const last = this.heap[--this.size];
    this.pos[slot] = -1;
    if (p === this.size) return;
    this.heap[p] = last;
    this.pos[last] = p;
    this.up(p);
    this.down(this.pos[last]);
  }

  /** Removes and returns the earliest slot; -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0];
    this.cancel(top);
    return top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a];
    const tb = this.time[b];
    return ta < tb || (ta === tb && this.seq[a] < this.seq[b]);
  }

  private up(i: number): void {
    const heap = this.heap;
    const slot = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = heap[parent];
      if (!this.less(slot, ps)) break;
      heap[i] = ps;
      this.pos[ps] = i;
      i = parent;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = this.size;
    const slot = heap[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(heap[r], heap[l]) ? r : l;
      const cs = heap[c];
      if (!this.less(cs, slot)) break;
      heap[i] = cs;
      this.pos[cs] = i;
      i = c;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }
}
