// Shared test helpers: build and run scenarios in-process with literal inputs.
import { Profile, Workload, type WorkloadInput } from '../src/config/schema.js';
import { loadProfile } from '../src/config/load.js';
import { simulateInline, simulateInlineRaw, type InlineCase } from '../src/experiment/inline.js';

export function profile(name = 'sapphire-rapids', patch: (p: Profile) => void = () => {}): Profile {
  const p = structuredClone(loadProfile(name).profile);
  patch(p);
  return Profile.parse(p);
}

export function workload(input: WorkloadInput): Workload {
  return Workload.parse(input);
}

export type SimCase = InlineCase;
export const simulateRaw = simulateInlineRaw;
export const simulate = simulateInline;

/** Mean and half-width of the 95% confidence interval (Student t). */
export function meanCi(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t: Record<number, number> = { 4: 2.776, 5: 2.571, 7: 2.365, 9: 2.262, 11: 2.201, 15: 2.131, 19: 2.093 };
  return { mean, half: (t[n - 1] ?? 2.0) * (sd / Math.sqrt(n)) };
}
