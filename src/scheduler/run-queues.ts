// Per-pCPU run queues over one typed array (SPEC §6). The policies share this
// mechanism and differ only in which vCPU they take next: round-robin takes
// the head, fair takes the least virtual runtime, pinned has one vCPU a pCPU.

export class RunQueues {
  private readonly items: Int32Array; // [p * capacity + i]
  private readonly len: Int32Array;
  private readonly where: Int32Array; // the pCPU whose queue holds v, or -1

  constructor(
    private readonly pcpus: number,
    private readonly capacity: number,
  ) {
    this.items = new Int32Array(pcpus * capacity);
    this.len = new Int32Array(pcpus);
    this.where = new Int32Array(capacity).fill(-1);
  }

  length(p: number): number {
    return this.len[p];
  }

  push(p: number, v: number): void {
    this.items[p * this.capacity + this.len[p]++] = v;
    this.where[v] = p;
  }

  /** Head of the queue (round-robin and pinned); -1 when empty. */
  shift(p: number): number {
    if (this.len[p] === 0) return -1;
    return this.removeAt(p, 0);
  }

  /** The least virtual runtime (fair); ties go to the earlier queued. */
  popMinVruntime(p: number, vruntime: Float64Array): number {
    const n = this.len[p];
    if (n === 0) return -1;
    const base = p * this.capacity;
    let best = 0;
    for (let i = 1; i < n; i++) if (vruntime[this.items[base + i]] < vruntime[this.items[base + best]]) best = i;
    return this.removeAt(p, best);
  }

  minVruntime(p: number, vruntime: Float64Array): number {
    const n = this.len[p];
    let min = Infinity;
    const base = p * this.capacity;
    for (let i = 0; i < n; i++) if (vruntime[this.items[base + i]] < min) min = vruntime[this.items[base + i]];
    return min === Infinity ? -Infinity : min;
  }

  /** Takes v out of whichever queue holds it; false when none does. */
  remove(v: number): boolean {
    const p = this.where[v];
    if (p < 0) return false;
    const base = p * this.capacity;
    for (let i = 0; i < this.len[p]; i++) {
      if (this.items[base + i] === v) {
        this.removeAt(p, i);
        return true;
      }
    }
    return false;
  }

  /** An idle pCPU pulls the head of the longest other queue (migration); -1 when all are empty. */
  stealFromLongest(p: number): number {
    let from = -1;
    let longest = 0;
    for (let q = 0; q < this.pcpus; q++) {
      if (q !== p && this.len[q] > longest) {
        longest = this.len[q];
        from = q;
      }
    }
    return from < 0 ? -1 : this.removeAt(from, 0);
  }

  /**
   * Periodic load balancing for the fair policy (at pCPU p's tick): when a
   * busier pCPU queues a vCPU that has run less than anything waiting here
   * (global virtual runtime), pull it. Over time vCPUs rotate among queues, so
   * n vCPUs on m pCPUs each get about m/n of a pCPU, as CFS gives them.
   */
  balanceTowards(p: number, cur: Int32Array, vruntime: Float64Array): void {
    const load = (q: number) => this.len[q] + (cur[q] >= 0 ? 1 : 0);
    let from = -1;
    for (let q = 0; q < this.pcpus; q++) if (q !== p && this.len[q] > 0 && (from < 0 || load(q) > load(from))) from = q;
    if (from < 0 || load(from) <= load(p)) return;
    const here = this.len[p] > 0 ? this.minVruntime(p, vruntime) : cur[p] >= 0 ? vruntime[cur[p]] : Infinity;
    const base = from * this.capacity;
    let best = -1;
    for (let i = 0; i < this.len[from]; i++) {
      const v = this.items[base + i];
      if (vruntime[v] < here && (best < 0 || vruntime[v] < vruntime[this.items[base + best]])) best = i;
    }
    if (best >= 0) this.push(p, this.removeAt(from, best));
  }

  private removeAt(p: number, i: number): number {
    const base = p * this.capacity;
    const v = this.items[base + i];
    this.items.copyWithin(base + i, base + i + 1, base + this.len[p]);
    this.len[p]--;
    this.where[v] = -1;
    return v;
  }
}
