// The simple-64 model against a bare typed-array heap loop in plain JavaScript:
// the limit a general engine can approach (issue 7). 64 pinned vCPUs; each
// computes for an exponential gap (mean 20,000 cycles), then takes an exit of
// a fixed 1,500 cycles; 2×10^9 cycles. One heap event per guest event.
// Same random generator family as exitsim (seedrandom alea).
import seedrandom from 'seedrandom';

export function bareLoop({ vcpus = 64, meanGapCycles = 20000, exitCycles = 1500, endCycles = 2e9, seed = 1 } = {}) {
  const time = new Float64Array(vcpus);
  const heap = new Int32Array(vcpus);
  const rng = Array.from({ length: vcpus }, (_, v) => seedrandom.alea(`${seed}/bare/${v}`));
  const guest = new Float64Array(vcpus);
  const exits = new Float64Array(vcpus);
  let n = 0;
  const less = (a, b) => time[a] < time[b] || (time[a] === time[b] && a < b);
  const push = (v) => {
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(v, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = v;
  };
  const pop = () => {
    const top = heap[0];
    const last = heap[--n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(heap[r], heap[l]) ? r : l;
      if (!less(heap[c], last)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
    return top;
  };
  for (let v = 0; v < vcpus; v++) {
    const gap = Math.max(1, Math.round(-meanGapCycles * Math.log(1 - rng[v]())));
    time[v] = gap;
    guest[v] += gap;
    push(v);
  }
  let events = 0;
  while (n > 0) {
    const v = pop();
    if (time[v] > endCycles) continue;
    events++;
    exits[v] += exitCycles;
    const gap = Math.max(1, Math.round(-meanGapCycles * Math.log(1 - rng[v]())));
    guest[v] += gap;
    time[v] += exitCycles + gap;
    push(v);
  }
  return { events, guestCycles: guest.reduce((a, b) => a + b, 0), exitCycles: exits.reduce((a, b) => a + b, 0) };
}
