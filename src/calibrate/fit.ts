// A CPU profile fitted to a host's kvm-unit-tests figures: starting from a shipped profile, the fewest
// costs the tests determine are fitted (each to one test, in a fixed order: the hardware round trip
// first, since every other test includes it), every other number is kept; then the fitted profile is
// checked on the tests it was fitted to, predicts the tests it was not (held back), and each fitted
// test is predicted once more without it (leave-one-out), so that a user sees how far to trust it.
import { produce } from 'immer';
import { InputError } from '../config/errors.js';
import { DEFAULT_MSR_LISTS, type Profile } from '../config/schema.js';
import { stageMeans } from '../exits/cost.js';
import { archOf } from '../exits/arch/index.js';
import { MICROBENCH_TESTS, runMicrobenchTest } from '../experiment/microbench.js';
import type { LoggedTest } from './log.js';

type HandlerKey = keyof Profile['handlerCycles'];

/** One cost the tests can determine: how to read it from a profile and write it into one. */
export interface FitParameter {
  /** Where it lives in the profile file (stages.* for the round trip's four). */
  id: string;
  /** What it is, for the report. */
  label: string;
  /** The tests that determine it, preferred first: the first present is fitted to, the rest are held back. */
  tests: string[];
  /** The kvm-unit-tests suite its tests come from (a base's architecture must print it). */
  suite: 'vmexit' | 'svm';
  get(p: Profile): number;
  set(p: Profile, value: number): Profile;
}

const HW_STAGES = ['recordExitInfoCycles', 'saveGuestStateCycles', 'loadHostStateCycles', 'entryCycles'] as const;

const handler = (key: HandlerKey, label: string, tests: string[], suite: 'vmexit' | 'svm' = 'vmexit'): FitParameter => ({
  id: `handlerCycles.${key}`,
  label,
  tests,
  suite,
  get: (p) => p.handlerCycles[key]?.value ?? 0,
  set: (p, v) => produce(p, (d) => {
    const h = d.handlerCycles[key];
    if (h) h.value = v;
  }),
});

/** The costs calibrate may fit, in the order it fits them. */
export const FIT_PARAMETERS: FitParameter[] = [
  {
    id: 'stages (hardware round trip)',
    label: 'hardware round trip: exit info, guest save, host load, VM entry (their split kept)',
    tests: ['cpuid', 'vmcall'],
    suite: 'vmexit',
    get: (p) => HW_STAGES.reduce((a, s) => a + p.stages[s].value, 0),
    set: (p, v) =>
      produce(p, (d) => {
        const total = HW_STAGES.reduce((a, s) => a + d.stages[s].value, 0);
        for (const s of HW_STAGES) d.stages[s].value = Math.round((d.stages[s].value * v) / total);
      }),
  },
  handler('io-kernel', 'port I/O handled in the kernel', ['outl_to_kernel', 'inl_from_kernel']),
  {
    id: 'kernelUserRoundTripCycles',
    label: 'the trip to the user-space device model and back',
    tests: ['inl_from_qemu', 'inl_from_pmtimer'],
    suite: 'vmexit',
    get: (p) => p.kernelUserRoundTripCycles.value,
    set: (p, v) => produce(p, (d) => void (d.kernelUserRoundTripCycles.value = v)),
  },
  handler('msr-write', 'WRMSR handler (an MSR the bitmap intercepts)', ['wr_tsc_adjust_msr']),
  handler('msr-read', 'RDMSR handler', ['rd_tsc_adjust_msr']),
  handler('timer-program', 'TSC-deadline timer programming', ['tscdeadline_immed', 'tscdeadline']),
  handler('msr-write-icr', 'x2APIC ICR write (IPI send) when it exits', ['x2apic_self_ipi', 'ipi', 'ipi_halt']),
  handler('wbinvd', 'WBINVD handler', ['wbinvd']),
  handler('invd', 'INVD handler (KVM fastpath)', ['invd']),
  handler('dr-access', 'MOV DR handler', ['mov_dr']),
  {
    id: 'svm.vmloadCycles',
    label: 'VMLOAD (run in hardware by an L1 with virtual VMLOAD/VMSAVE)',
    tests: ['svm_latency_vmload'],
    suite: 'svm',
    get: (p) => p.svm?.vmloadCycles.value ?? 0,
    set: (p, v) => produce(p, (d) => void (d.svm && (d.svm.vmloadCycles.value = v))),
  },
  {
    id: 'svm.vmsaveCycles',
    label: 'VMSAVE (as VMLOAD)',
    tests: ['svm_latency_vmsave'],
    suite: 'svm',
    get: (p) => p.svm?.vmsaveCycles.value ?? 0,
    set: (p, v) => produce(p, (d) => void (d.svm && (d.svm.vmsaveCycles.value = v))),
  },
  handler('nested-vmentry', "emulating an L1's VMRUN into its L2 (nested entry)", ['svm_latency_vmrun'], 'svm'),
  handler('nested-vmexit', "emulating an L2's #VMEXIT back to its L1 (nested exit)", ['svm_latency_vmexit'], 'svm'),
];

/** Tests calibrate can simulate: x86/vmexit's (the microbench command's) and the svm latency lines. */
export const SIMULATED_TESTS = new Set([...MICROBENCH_TESTS.map((t) => t.name), 'svm_latency_vmrun', 'svm_latency_vmexit', 'svm_latency_vmload', 'svm_latency_vmsave']);

/**
 * A test's cycles on `profile` under `features`. x86/vmexit tests run in the engine, as `exitsim
 * microbench` runs them; the svm latency lines are closed forms (what validation compares them with):
 * an L1's VMRUN is its #VMEXIT to L0, the nested-entry emulation and L0's VMRUN into L2; its L2's
 * #VMEXIT the same with the nested-exit emulation; VMLOAD/VMSAVE the profile's cost itself.
 */
export function simulateTest(test: string, profile: Profile, features: number, iterations = CHECK_ITERATIONS): number {
  // Profiles are immutable (immer): a test simulated once on a profile object is not simulated again.
  let byTest = SIMULATED.get(profile);
  if (!byTest) SIMULATED.set(profile, (byTest = new Map()));
  const key = `${test}|${features}|${iterations}`;
  let cycles = byTest.get(key);
  if (cycles === undefined) byTest.set(key, (cycles = simulateUncached(test, profile, features, iterations)));
  return cycles;
}

/** Iterations of a simulated test: the checks run as many as `exitsim microbench` (its figures are the ones shown). */
export const CHECK_ITERATIONS = 4000;
/** The search runs fewer (a quarter of the time; its means move by under 1%, and the checks then say how close it came). */
export const SEARCH_ITERATIONS = 1000;

const SIMULATED = new WeakMap<Profile, Map<string, number>>();
let engineRuns = 0;

/** Engine runs behind simulated tests so far in this process (the benchmark counts them). */
export const engineRunsSoFar = (): number => engineRuns;

function simulateUncached(test: string, profile: Profile, features: number, iterations: number): number {
  if (test.startsWith('svm_latency_')) {
    const s = stageMeans(profile, DEFAULT_MSR_LISTS, 'cpuid', 'kernel', 0, features);
    const exitHw = s.recordExitInfo + s.saveGuestState + s.msrStore + s.loadHostState + s.msrLoad;
    switch (test) {
      case 'svm_latency_vmrun':
        return exitHw + (profile.handlerCycles['nested-vmentry']?.value ?? 0) + s.entry;
      case 'svm_latency_vmexit':
        return exitHw + (profile.handlerCycles['nested-vmexit']?.value ?? 0) + s.entry;
      case 'svm_latency_vmload':
        return profile.svm?.vmloadCycles.value ?? 0;
      case 'svm_latency_vmsave':
        return profile.svm?.vmsaveCycles.value ?? 0;
    }
  }
  const t = MICROBENCH_TESTS.find((x) => x.name === test);
  if (!t) throw new Error(`not a simulated test: ${test}`);
  engineRuns++;
  return runMicrobenchTest(t, profile, features, { iterations }).cycles_per_iteration;
}

export interface FittedParameter {
  id: string;
  label: string;
  test: string;
  files: string[];
  measured: number;
  baseValue: number;
  value: number;
}

export interface TestCheck {
  test: string;
  measured: number;
  /** The fitted profile's figure. */
  simulated: number;
  errorPct: number;
  /** The base profile's figure, before any fit. */
  base: number;
}

export interface CalibrationFit {
  profile: Profile;
  fitted: FittedParameter[];
  /** The tests the fit was made to, reproduced by the fitted profile. */
  reproduced: TestCheck[];
  /** Tests present but not fitted to: predicted by the fitted profile. */
  heldBack: Array<TestCheck & { note: string }>;
  /** Each fitted test, predicted by a fit made without it (its cost then from its next test, or the base's). */
  leaveOneOut: Array<TestCheck & { without: string; fallback: string }>;
  /** Tests in the log the model cannot use here, with why. */
  notUsed: Array<{ test: string; measured: number; why: string }>;
}

/** A cost's id as a report column shows it: the round trip's four stages as one, handlers by name. */
export const shortId = (id: string): string => (id.startsWith('stages') ? 'round trip' : id === 'kernelUserRoundTripCycles' ? 'user-space trip' : id.replace(/^handlerCycles\./, ''));

/** How close a fitted test must come to its figure (the fit iterates until it does). */
export const FIT_TOLERANCE = 0.005;

const pct = (sim: number, measured: number) => Math.round(((sim - measured) / measured) * 10000) / 100;

/**
 * Sets `param` so that `test` simulates to `target`: a secant search on the simulated figure, which is
 * linear in a handler's cost and nearly so in the round trip. Null when the test does not move with it
 * (under these features the test takes no exit of that kind).
 */
function solve(profile: Profile, param: FitParameter, test: string, target: number, features: number, file: string): { profile: Profile; value: number } | null {
  let v0 = param.get(profile);
  let y0 = simulateTest(test, profile, features, SEARCH_ITERATIONS);
  // A probe: does the test move with this cost at all (under these features it may take no such
  // exit)? Its slope starts the secant search.
  const probe = v0 + Math.max(200, 0.25 * target);
  const yProbe = simulateTest(test, param.set(profile, probe), features, SEARCH_ITERATIONS);
  if (Math.abs(yProbe - y0) < 0.2 * (probe - v0)) return null;
  if (Math.abs(y0 - target) <= FIT_TOLERANCE * target) return { profile, value: v0 };
  let v1 = Math.max(0, Math.round(v0 + ((target - y0) * (probe - v0)) / (yProbe - y0)));
  let p1 = param.set(profile, v1);
  let y1 = simulateTest(test, p1, features, SEARCH_ITERATIONS);
  for (let i = 0; i < 8; i++) {
    if (Math.abs(y1 - target) <= FIT_TOLERANCE * target || v1 === v0) break;
    const slope = (y1 - y0) / (v1 - v0);
    const next = v1 + (target - y1) / slope;
    if (next < 0) {
      throw new InputError(file, test, `a figure the base structure can reach (at least ${Math.round(y1 - slope * v1)} cycles: what the fitted round trip and the base's other costs already take)`, `${target} cycles`, ` — the tests contradict each other (${test} is below what the round trip fitted to the other tests costs), or the base is far from this host: try another --base`);
    }
    [v0, y0] = [v1, y1];
    v1 = Math.round(next);
    if (v1 === v0) break;
    p1 = param.set(profile, v1);
    y1 = simulateTest(test, p1, features, SEARCH_ITERATIONS);
  }
  return { profile: p1, value: param.get(p1) };
}

interface FitInput {
  base: Profile;
  features: number;
  tests: LoggedTest[];
}

/** The test's suite: svm latency lines are the svm suite's, the rest x86/vmexit's. */
export const suiteOf = (test: string): 'vmexit' | 'svm' => (test.startsWith('svm_latency_') ? 'svm' : 'vmexit');

/** The fit alone (no checks): which parameter went to which test, and the profile. */
function fitOnce(input: FitInput, skip?: string): { profile: Profile; fitted: FittedParameter[]; insensitive: Map<string, string> } {
  let profile = input.base;
  const fitted: FittedParameter[] = [];
  const insensitive = new Map<string, string>();
  const present = new Map(input.tests.map((t) => [t.test, t]));
  for (const param of FIT_PARAMETERS) {
    if (!archOf(input.base).kvmUnitTestsSuites.includes(param.suite)) continue;
    for (const name of param.tests) {
      const t = present.get(name);
      if (!t || name === skip) continue;
      const solved = solve(profile, param, name, t.cycles, input.features, t.files.join(', '));
      if (!solved) {
        insensitive.set(name, `${shortId(param.id)}: no such exit here`);
        continue;
      }
      profile = solved.profile;
      fitted.push({ id: param.id, label: param.label, test: name, files: t.files, measured: t.cycles, baseValue: param.get(input.base), value: solved.value });
      break;
    }
  }
  return { profile, fitted, insensitive };
}

/** Fits, checks, predicts the held-back tests and the left-out ones. */
export function calibrate(input: FitInput): CalibrationFit {
  const { profile, fitted, insensitive } = fitOnce(input);
  const fittedTests = new Set(fitted.map((f) => f.test));
  const check = (t: LoggedTest, p: Profile): TestCheck => {
    const simulated = simulateTest(t.test, p, input.features);
    return { test: t.test, measured: t.cycles, simulated, errorPct: pct(simulated, t.cycles), base: simulateTest(t.test, input.base, input.features) };
  };
  const notUsed: CalibrationFit['notUsed'] = [];
  const reproduced: TestCheck[] = [];
  const heldBack: CalibrationFit['heldBack'] = [];
  for (const t of input.tests) {
    if (!SIMULATED_TESTS.has(t.test)) {
      notUsed.push({ test: t.test, measured: t.cycles, why: 'not simulated' });
      continue;
    }
    if (!archOf(input.base).kvmUnitTestsSuites.includes(suiteOf(t.test))) {
      notUsed.push({ test: t.test, measured: t.cycles, why: `a ${suiteOf(t.test)} test, which a ${archOf(input.base).displayName} host does not run` });
      continue;
    }
    if (fittedTests.has(t.test)) reproduced.push(check(t, profile));
    else {
      const param = FIT_PARAMETERS.find((p) => p.tests.includes(t.test));
      const by = param && fitted.find((f) => f.id === param.id);
      const note = insensitive.get(t.test) ?? (by ? `${shortId(by.id)}, fitted to ${by.test}` : 'none of its own fitted');
      heldBack.push({ ...check(t, profile), note });
    }
  }
  // Leave one out: each fitted test predicted by a fit made without it; its cost then comes from the
  // next test that determines it, or stays the base's. Only the round trip moves every other test:
  // without its test the whole fit is made again; any other cost is refitted alone.
  const leaveOneOut: CalibrationFit['leaveOneOut'] = [];
  for (const f of fitted) {
    const t = input.tests.find((x) => x.test === f.test)!;
    const param = FIT_PARAMETERS.find((p) => p.id === f.id)!;
    let without: Profile;
    let fallback = `the base's ${Math.round(f.baseValue)}`;
    if (param === FIT_PARAMETERS[0]) {
      const again = fitOnce(input, f.test);
      without = again.profile;
      const instead = again.fitted.find((x) => x.id === f.id);
      if (instead) fallback = `fitted to ${instead.test}`;
    } else {
      without = param.set(profile, f.baseValue);
      for (const name of param.tests) {
        const next = input.tests.find((x) => x.test === name);
        if (!next || name === f.test) continue;
        const solved = solve(without, param, name, next.cycles, input.features, next.files.join(', '));
        if (solved) {
          without = solved.profile;
          fallback = `fitted to ${name}`;
          break;
        }
      }
    }
    leaveOneOut.push({ ...check(t, without), without: f.test, fallback });
  }
  return { profile, fitted, reproduced, heldBack, leaveOneOut, notUsed };
}
