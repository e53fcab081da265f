// Which shipped profile a log starts from when the user names none: the one whose figures for the
// log's round-trip tests lie nearest (in log ratio), among the profiles of the log's architecture.
import { loadProfile, shippedProfileNames } from '../config/load.js';
import type { Profile } from '../config/schema.js';
import { parseFeatureSet } from '../exits/features.js';
import { supportedFeatures } from '../model/profile-checks.js';
import { archOf } from '../exits/arch/index.js';
import { runMicrobenchTest, MICROBENCH_TESTS } from '../experiment/microbench.js';
import { simulateTest } from './fit.js';
import type { LoggedTest } from './log.js';

/** The tests the guess compares on, first present first (at most two: each costs a simulation per profile). */
const GUESS_TESTS = ['cpuid', 'vmcall', 'svm_latency_vmrun', 'svm_latency_vmexit', 'outl_to_kernel', 'inl_from_qemu'];

/** The default features a profile runs the tests with: the preset modern, less what its CPU lacks. */
export const defaultFeatures = (p: Profile): number => supportedFeatures(parseFeatureSet('modern'), p);

export function guessBase(tests: LoggedTest[], suites: ReadonlyArray<'vmexit' | 'svm'>): { profile: Profile; on: string[]; candidates: number } {
  const on = GUESS_TESTS.filter((t) => tests.some((x) => x.test === t)).slice(0, 2);
  const candidates = shippedProfileNames()
    .map((n) => loadProfile(n).profile)
    // Only profiles of an architecture whose hosts print every suite the log holds.
    .filter((p) => suites.every((s) => archOf(p).kvmUnitTestsSuites.includes(s)));
  let best = candidates[0];
  let bestScore = Infinity;
  for (const p of candidates) {
    const score = on.reduce((a, t) => a + Math.log(simulateTest(t, p, defaultFeatures(p)) / tests.find((x) => x.test === t)!.cycles) ** 2, 0);
    if (score < bestScore) [best, bestScore] = [p, score];
  }
  return { profile: best, on, candidates: candidates.length };
}

/**
 * A log from a nested (L2) guest: its plain round trip is many times the base's and near the base's
 * nested one. Returns what it saw, or null.
 */
export function looksNested(tests: LoggedTest[], base: Profile, features: number): { test: string; measured: number; plain: number; nested: number } | null {
  const t = tests.find((x) => x.test === 'cpuid') ?? tests.find((x) => x.test === 'vmcall');
  if (!t) return null;
  const spec = MICROBENCH_TESTS.find((x) => x.name === t.test)!;
  const plain = runMicrobenchTest(spec, base, features).cycles_per_iteration;
  if (t.cycles < 4 * plain) return null;
  const nested = runMicrobenchTest(spec, base, features, { vmType: 'nested' }).cycles_per_iteration;
  return t.cycles > nested / 2.5 && t.cycles < nested * 2.5 ? { test: t.test, measured: t.cycles, plain, nested } : null;
}
