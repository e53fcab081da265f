// The standard normal distribution: its quantile function (the engine's normal
// draws), its CDF and the expected minimum of independent normals (the
// capacity search's model of the worst VM).

/** Φ⁻¹(p) for 0 < p < 1. */
export function inverseNormalCdf(p: number): number {
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


/** Φ(x), the standard normal CDF (Abramowitz & Stegun 7.1.26 for erf: absolute error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * E[min_i X_i] for independent X_i ~ N(mean_i, sd_i²): L + ∫ P(min > x) dx over a range that holds
 * all of the mass (the trapezoid rule on 1,024 steps; exact min of the means when every sd is 0).
 */
export function expectedMinOfNormals(means: number[], sds: number[]): number {
  const widest = Math.max(...sds);
  if (!(widest > 0)) return Math.min(...means);
  const lo = Math.min(...means) - 8 * widest;
  const hi = Math.min(...means) + 8 * widest;
  const steps = 1024;
  const h = (hi - lo) / steps;
  const survival = (x: number) => {
    let s = 1;
    for (let i = 0; i < means.length; i++) s *= sds[i] > 0 ? 1 - normalCdf((x - means[i]) / sds[i]) : x < means[i] ? 1 : 0;
    return s;
  };
  let integral = 0;
  let prev = survival(lo);
  for (let k = 1; k <= steps; k++) {
    const cur = survival(lo + k * h);
    integral += ((prev + cur) / 2) * h;
    prev = cur;
  }
  return lo + integral;
}
