// Streaming log-bucket histogram (SPEC §7): bounded memory, a stated relative
// error, quantiles summarised with d3-array.
import { bisectLeft, cumsum } from 'd3-array';

export const HISTOGRAM_SUB_BUCKETS = 64;
const MAX_LOG2 = 64;
export const HISTOGRAM_BUCKETS = MAX_LOG2 * HISTOGRAM_SUB_BUCKETS + 1;
/**
 * Log-linear buckets (as HDR histograms): bucket e·64 + m + 1 holds values in
 * [2^e (1 + m/64), 2^e (1 + (m+1)/64)); the reported value is the bucket's
 * middle, so the relative error is at most 1/128 ≈ 0.78%.
 */
export const HISTOGRAM_RELATIVE_ERROR = 1 / (2 * HISTOGRAM_SUB_BUCKETS);

/** Bucket index of a value (values below 1 share bucket 0). */
export function bucketOf(value: number): number {
  if (value < 1) return 0;
  if (value < 4294967296 && value === Math.floor(value)) {
    // Integer path: the exponent from clz32, the next six bits as the sub-bucket.
    const x = value >>> 0;
    const lead = Math.clz32(x);
    const e = 31 - lead;
    const m = e >= 6 ? (x >>> (e - 6)) & 63 : ((x << (6 - e)) & 63);
    return e * HISTOGRAM_SUB_BUCKETS + m + 1;
  }
  const e = Math.floor(Math.log2(value));
  const m = Math.min(63, Math.floor((value / Math.pow(2, e) - 1) * HISTOGRAM_SUB_BUCKETS));
  const i = e * HISTOGRAM_SUB_BUCKETS + m + 1;
  return i < HISTOGRAM_BUCKETS ? i : HISTOGRAM_BUCKETS - 1;
}

export function bucketValue(index: number): number {
  if (index === 0) return 0;
  const e = Math.floor((index - 1) / HISTOGRAM_SUB_BUCKETS);
  const m = (index - 1) % HISTOGRAM_SUB_BUCKETS;
  return Math.pow(2, e) * (1 + (m + 0.5) / HISTOGRAM_SUB_BUCKETS);
}

/** Quantiles (0..1) of the histogram stored at counts[offset .. offset+HISTOGRAM_BUCKETS). */
export function histogramQuantiles(counts: Float64Array, offset: number, qs: readonly number[]): number[] {
  const view = counts.subarray(offset, offset + HISTOGRAM_BUCKETS);
  const cumulative = cumsum(view);
  const total = cumulative[cumulative.length - 1];
  if (!(total > 0)) return qs.map(() => NaN);
  return qs.map((q) => bucketValue(bisectLeft(cumulative, Math.max(1, Math.ceil(q * total)))));
}
