// Random draws as pure functions of (stream bank, stream, parameters): every
// sampler the engine uses, in one place, each reading the next uniform(s) of
// one seeded stream. The arithmetic order is part of the results (golden runs).
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, normalFromUniform, type StreamBank } from './random.js';
import { POISSON_NORMAL_ABOVE } from './settings.js';
import type { VmModel } from './model.js';

/** A gap or size in whole cycles, at least one. */
export function roundPositive(x: number): number {
  const r = Math.round(x);
  return r >= 1 ? r : 1;
}

/** Exponential with mean `mean`, in whole cycles ≥ 1 (inversion of one uniform). */
export function exponentialCycles(rng: StreamBank, stream: number, mean: number): number {
  return roundPositive(-mean * Math.log(1 - rng.next(stream)));
}

/** A standard normal (one uniform through the quantile table). */
export function standardNormal(rng: StreamBank, stream: number): number {
  return normalFromUniform(rng.next(stream));
}

/** exp(mu + sigma·Z): a lognormal factor or size (unrounded). */
export function lognormal(rng: StreamBank, stream: number, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normalFromUniform(rng.next(stream)));
}

/** A gap of distribution `dist` (DIST_*) in whole cycles ≥ 1; `table` holds an empirical law's multipliers of the mean. */
export function drawGap(rng: StreamBank, stream: number, dist: number, mean: number, mu: number, sigma: number, table: Float64Array | undefined): number {
  const u = rng.next(stream);
  switch (dist) {
    case DIST_EXPONENTIAL:
      return roundPositive(-mean * Math.log(1 - u));
    case DIST_CONSTANT:
      return roundPositive(mean);
    case DIST_EMPIRICAL: {
      const t = table as Float64Array;
      return roundPositive(mean * t[Math.floor(u * t.length)]);
    }
    default:
      return roundPositive(Math.exp(mu + sigma * normalFromUniform(u)));
  }
}

/** A Poisson count: inversion for small means, the normal approximation for large ones. */
export function poisson(rng: StreamBank, stream: number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > POISSON_NORMAL_ABOVE) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normalFromUniform(rng.next(stream))));
  let p = rng.next(stream);
  // exp(-m) ≥ 1 - m: a first uniform below 1 - m means no event, without computing exp.
  if (p <= 1 - mean) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  while (p > limit) {
    k++;
    p *= rng.next(stream);
  }
  return k;
}

/** The next gap of guest-clock class c of VM model w (compute cycles), from that class's stream. */
export function classGap(rng: StreamBank, stream: number, w: VmModel, c: number): number {
  if (w.classDist[c] === DIST_EXPONENTIAL) {
    // The common case, without the general switch.
    return roundPositive(-w.classMeanGap[c] * Math.log(1 - rng.next(stream)));
  }
  return drawGap(rng, stream, w.classDist[c], w.classMeanGap[c], w.classMu[c], w.classSigma[c], w.classEmpirical[c]);
}

/** The next gap of wall-clock class k of VM model w (wall cycles). */
export function wallGap(rng: StreamBank, stream: number, w: VmModel, k: number): number {
  return drawGap(rng, stream, w.wallDist[k], w.wallMeanGap[k], w.wallMu[k], w.wallSigma[k], w.wallEmpirical[k]);
}
