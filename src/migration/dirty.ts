// How many distinct pages a guest dirties in a window: writes land on a hot set with probability
// `hotShare`, uniformly on the rest of memory otherwise, each page write an independent Poisson
// stream; a page counts once however often it is written. The closed form of the expectation.

export interface WriteModel {
  /** Page writes per second at full guest speed (the guest's, over all its vCPUs). */
  writesPerSec: number;
  /** Pages of guest memory. */
  pages: number;
  /** Pages of the hot set (0: writes are uniform over memory). */
  hotPages: number;
  /** Share of writes that land on the hot set. */
  hotShare: number;
}

/** Expected distinct pages dirtied in `seconds` of guest time at speed `speed` (1: unthrottled). */
export function distinctPagesDirtied(m: WriteModel, seconds: number, speed = 1): number {
  if (seconds <= 0 || m.writesPerSec <= 0) return 0;
  const hot = Math.min(m.hotPages, m.pages);
  const cold = m.pages - hot;
  const rate = m.writesPerSec * speed;
  const hotRate = hot > 0 ? rate * m.hotShare : 0;
  const coldRate = rate - hotRate;
  // A set of n pages written at r per second: each page is missed with probability e^(−r·t/n).
  const part = (n: number, r: number) => (n > 0 && r > 0 ? n * -Math.expm1((-r * seconds) / n) : 0);
  return part(hot, hotRate) + part(cold, coldRate);
}

/**
 * The dirty rate people measure (QEMU's calc-dirty-rate: distinct pages dirtied over one second, as a
 * rate), for a write model; and back: the writes per second that give a measured rate (bisection).
 */
export function measuredDirtyPagesPerSec(m: WriteModel, windowSec = 1): number {
  return distinctPagesDirtied(m, windowSec) / windowSec;
}

export function writesForMeasuredRate(m: Omit<WriteModel, 'writesPerSec'>, pagesPerSec: number, windowSec = 1): number {
  // Distinct pages in the window grow with the write rate up to the whole memory: beyond, no rate fits.
  if (pagesPerSec * windowSec >= m.pages) return Infinity;
  let lo = pagesPerSec;
  let hi = pagesPerSec;
  while (distinctPagesDirtied({ ...m, writesPerSec: hi }, windowSec) < pagesPerSec * windowSec) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (distinctPagesDirtied({ ...m, writesPerSec: mid }, windowSec) < pagesPerSec * windowSec) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
