// Which shipped profile a log starts from when the user names none: the one whose figures for the
// log's round-trip tests lie nearest (in log ratio), among the profiles of the log's architecture.
import { loadProfile, shippedProfileNames } from '../config/load.js';
import type { Profile } from '../config/schema.js';
import { parseFeatureSet } from '../exits/features.js';
import { supportedFeatures } from '../model/profile-checks.js';
import { ARCHITECTURES, ARCHS, archOf } from '../exits/arch/index.js';
import { runMicrobenchTest, MICROBENCH_TESTS } from '../experiment/microbench.js';
import { DEFAULT_MSR_LISTS } from '../config/schema.js';
import { stageMeans, totalCycles } from '../exits/cost.js';
import { simulateTest } from './fit.js';
import type { LoggedTest } from './log.js';

/**
 * The round trips the guess compares on, in closed form (the stage and handler means the engine draws
 * around: no simulation, so fourteen profiles cost nothing), first present first, at most two.
 */
const GUESS_TESTS: Record<string, (p: Profile, features: number) => number> = {
  cpuid: (p, f) => totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'cpuid', 'kernel', undefined, f)),
  vmcall: (p, f) => totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'vmcall', 'kernel', undefined, f)),
  svm_latency_vmrun: (p, f) => simulateTest('svm_latency_vmrun', p, f),
  svm_latency_vmexit: (p, f) => simulateTest('svm_latency_vmexit', p, f),
};

/** The default features a profile runs the tests with: the preset modern, less what its CPU lacks. */
export const defaultFeatures = (p: Profile): number => supportedFeatures(parseFeatureSet('modern'), p);

/**
 * The nearest shipped profile among those of an architecture whose hosts print every suite the log
 * holds; with no round-trip test to compare on, that architecture's current profile.
 */
export function guessBase(tests: LoggedTest[], suites: ReadonlyArray<'vmexit' | 'svm'>): { profile: Profile; on: string[]; candidates: number } {
  const on = Object.keys(GUESS_TESTS).filter((t) => tests.some((x) => x.test === t)).slice(0, 2);
  const candidates = shippedProfileNames()
    .map((n) => loadProfile(n).profile)
    .filter((p) => suites.every((s) => archOf(p).kvmUnitTestsSuites.includes(s)));
  if (on.length === 0) {
    const current = ARCHS.map((a) => ARCHITECTURES[a]).find((d) => suites.every((s) => d.kvmUnitTestsSuites.includes(s)))!.currentProfile;
    return { profile: loadProfile(current).profile, on: [], candidates: candidates.length };
  }
  let best = candidates[0];
  let bestScore = Infinity;
  for (const p of candidates) {
    const score = on.reduce((a, t) => a + Math.log(GUESS_TESTS[t](p, defaultFeatures(p)) / tests.find((x) => x.test === t)!.cycles) ** 2, 0);
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
