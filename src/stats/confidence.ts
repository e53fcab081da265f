// Means and 95% confidence intervals (Student t) for replications.
import { mean as d3mean, deviation } from 'd3-array';

// Two-sided 95% quantiles t(0.975, df) for df = 1..30 (standard tables).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df): the table up to 30, then a Cornish–Fisher expansion around the normal quantile. */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  const z = 1.959964;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  return z + g1 / df + g2 / df ** 2;
}

export interface Estimate {
  n: number;
  mean: number | null;
  /** Half-width of the 95% CI; null with fewer than two values. */
  ci95: number | null;
}

export function estimate(values: Array<number | null>): Estimate {
  const xs = values.filter((x): x is number => x !== null && Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return { n, mean: null, ci95: null };
  const m = d3mean(xs) as number;
  if (n < 2) return { n, mean: m, ci95: null };
  const sd = deviation(xs) as number;
  return { n, mean: m, ci95: tQuantile975(n - 1) * (sd / Math.sqrt(n)) };
}
