// Seeded random streams and the samplers the engine draws from. Streams are
// seedrandom's alea generator (SPEC §10: a fast generator, never the default);
// one stream per (VM, vCPU, event class) gives common random numbers.
import seedrandom from 'seedrandom';

export type Stream = () => number;

export function makeStream(seed: number, ...path: Array<string | number>): Stream {
  return seedrandom.alea(`${seed}/${path.join('/')}`) as unknown as Stream;
}

// Standard-normal quantiles on a fine grid, so a normal draw is one uniform and
// an interpolated table read instead of Box–Muller's log, sqrt and cos.
const NORMAL_TABLE_SIZE = 4096;
const normalTable = buildNormalTable();

function inverseNormalCdf(p: number): number {
  // Acklam's rational approximation (relative error < 1.2e-9).
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

function buildNormalTable(): Float64Array {
  const t = new Float64Array(NORMAL_TABLE_SIZE + 1);
  for (let i = 0; i <= NORMAL_TABLE_SIZE; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, i / NORMAL_TABLE_SIZE));
    t[i] = inverseNormalCdf(p);
  }
  return t;
}

/** A standard normal draw from one uniform (table inverse CDF; tails clipped at ±5.2σ). */
export function normalFromUniform(u: number): number {
  const x = u * NORMAL_TABLE_SIZE;
  const i = x | 0;
  const f = x - i;
  return normalTable[i] + f * (normalTable[i + 1] - normalTable[i]);
}

/** Lognormal parameters for a given mean and coefficient of variation. */
export function lognormalParams(mean: number, cv: number): { mu: number; sigma: number } {
  if (mean <= 0) return { mu: -Infinity, sigma: 0 };
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

export const DIST_EXPONENTIAL = 0;
export const DIST_CONSTANT = 1;
export const DIST_LOGNORMAL = 2;
export const DIST_EMPIRICAL = 3;
