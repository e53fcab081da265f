// Streaming log-bucket histogram (SPEC §7): bounded memory, a stated relative
// error, quantiles summarised with d3-array. Bucket i holds values in
// [2^(i/SUB), 2^((i+1)/SUB)); the reported value is the bucket's geometric
// middle, so the relative error is at most 2^(1/(2·SUB)) − 1 ≈ 0.54%.
import { bisectLeft, cumsum } from 'd3-array';

export const HISTOGRAM_SUB_BUCKETS = 64;
const MAX_LOG2 = 64;
export const HISTOGRAM_BUCKETS = MAX_LOG2 * HISTOGRAM_SUB_BUCKETS + 1;
export const HISTOGRAM_RELATIVE_ERROR = Math.pow(2, 1 / (2 * HISTOGRAM_SUB_BUCKETS)) - 1;

/** Bucket index of a value (values below 1 share bucket 0). */
export function bucketOf(value: number): number {
  if (value < 1) return 0;
  const i = Math.floor(Math.log2(value) * HISTOGRAM_SUB_BUCKETS) + 1;
  return i < HISTOGRAM_BUCKETS ? i : HISTOGRAM_BUCKETS - 1;
}

export function bucketValue(index: number): number {
  if (index === 0) return 0;
  return Math.pow(2, (index - 1 + 0.5) / HISTOGRAM_SUB_BUCKETS);
}

/** Quantiles (0..1) of the histogram stored at counts[offset .. offset+HISTOGRAM_BUCKETS). */
export function histogramQuantiles(counts: Float64Array, offset: number, qs: readonly number[]): number[] {
  const view = counts.subarray(offset, offset + HISTOGRAM_BUCKETS);
  const cumulative = cumsum(view);
  const total = cumulative[cumulative.length - 1];
  if (!(total > 0)) return qs.map(() => NaN);
  return qs.map((q) => bucketValue(bisectLeft(cumulative, Math.max(1, Math.ceil(q * total)))));
}
