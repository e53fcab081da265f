// Indexed binary min-heap of timer slots over typed arrays: each slot (a vCPU's
// activity, a pCPU's tick, a VM's arrivals…) is in the heap at most once, so
// memory is fixed at build time and re-arming a slot is an in-place update.
// Ties at equal time go by slot number: as reproducible as SimPy's insertion
// order, and it spares the hottest loop a second array.

export class TimerHeap {
  readonly time: Float64Array;
  private readonly pos: Int32Array;
  private readonly heap: Int32Array;
  private size = 0;

  constructor(slots: number) {
    this.time = new Float64Array(slots);
    this.pos = new Int32Array(slots).fill(-1);
    this.heap = new Int32Array(slots);
  }

  get length(): number {
    return this.size;
  }

  isArmed(slot: number): boolean {
    if (slot === this.firing) return this.rearmed;
    return this.pos[slot] >= 0;
  }

  peekTime(): number {
    return this.size > 0 ? this.time[this.heap[0]] : Infinity;
  }

  // The slot being dispatched stays at the top while its handler runs, so
  // re-arming it (the common case) is one sift-down instead of a pop and a push.
  private firing = -1;
  private rearmed = false;

  /** The earliest slot, left in place while it is dispatched; call endFire() after. */
  beginFire(): number {
    const slot = this.heap[0];
    this.firing = slot;
    this.rearmed = false;
    return slot;
  }

  /** Ends a dispatch: a fired slot that was not re-armed leaves the heap. */
  endFire(): void {
    const slot = this.firing;
    this.firing = -1;
    if (!this.rearmed) this.cancel(slot);
  }

  /** Arms (or re-arms) `slot` to fire at `time`. */
  set(slot: number, time: number): void {
    if (slot === this.firing) this.rearmed = true;
    const before = this.time[slot];
    this.time[slot] = time;
    const p = this.pos[slot];
    if (p < 0) {
      const i = this.size++;
      this.heap[i] = slot;
      this.pos[slot] = i;
      this.up(i);
    } else if (time > before) this.down(p); // later: it can only sink
    else this.up(p);
  }

  cancel(slot: number): void {
    if (slot === this.firing) {
      this.rearmed = false; // endFire() takes it out
      return;
    }
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

  // Sift loops compare (time, slot) inline: this is the hottest code of the engine.
  private up(i: number): void {
    const heap = this.heap;
    const time = this.time;
    const pos = this.pos;
    const slot = heap[i];
    const t = time[slot];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = heap[parent];
      const pt = time[ps];
      if (pt < t || (pt === t && ps < slot)) break;
      heap[i] = ps;
      pos[ps] = i;
      i = parent;
    }
    heap[i] = slot;
    pos[slot] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const time = this.time;
    const pos = this.pos;
    const n = this.size;
    const slot = heap[i];
    const t = time[slot];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let cs = heap[l];
      let ct = time[cs];
      if (r < n) {
        const rs = heap[r];
        const rt = time[rs];
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          cs = rs;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && slot < cs)) break;
      heap[i] = cs;
      pos[cs] = i;
      i = c;
    }
    heap[i] = slot;
    pos[slot] = i;
  }
}
