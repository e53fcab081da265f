// Shared test helpers: build and run scenarios in-process with literal inputs.
import { Profile, Scenario, Workload, type ScenarioInput, type WorkloadInput } from '../src/config/schema.js';
import { loadProfile } from '../src/config/load.js';
import { buildModel } from '../src/model/build.js';
import { Simulation, type RawResult } from '../src/engine/simulation.js';
import { summarize, type RunSummary } from '../src/metrics/summarize.js';
import { vmLayout } from '../src/experiment/job.js';
import { featureSetLabel, parseFeatureSet } from '../src/exits/features.js';

export function profile(name = 'sapphire-rapids', patch: (p: Profile) => void = () => {}): Profile {
  const p = structuredClone(loadProfile(name).profile);
  patch(p);
  return Profile.parse(p);
}

export function workload(input: WorkloadInput): Workload {
  return Workload.parse(input);
}

export interface SimCase {
  scenario: ScenarioInput;
  workloads: Workload[];
  profile: Profile;
  features: string;
}

export function simulateRaw(c: SimCase, nativeMode = false): RawResult {
  const scenario = Scenario.parse(c.scenario);
  const model = buildModel({
    scenario,
    scenarioFile: 'test',
    workloads: new Map(c.workloads.map((w) => [w.name, { workload: w, file: `${w.name}.json` }])),
    profile: c.profile,
    features: parseFeatureSet(c.features),
    nativeMode,
  });
  return new Simulation(model).run();
}

export function simulate(c: SimCase): RunSummary {
  const scenario = Scenario.parse(c.scenario);
  const workloads = new Map(c.workloads.map((w) => [w.name, { workload: w, file: `${w.name}.json` }]));
  const layout = vmLayout(scenario, workloads);
  const features = parseFeatureSet(c.features);
  return summarize(simulateRaw(c), simulateRaw(c, true), {
    runId: 'test',
    scenario: scenario.name,
    profile: c.profile.name,
    features: featureSetLabel(features),
    seed: scenario.seed,
    durationSec: scenario.durationSec,
    warmupSec: scenario.warmupSec,
    vmNames: layout.names,
    vmWorkloads: layout.workloads,
    vmVcpus: layout.vcpus,
  });
}

/** Mean and half-width of the 95% confidence interval (Student t). */
export function meanCi(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t: Record<number, number> = { 4: 2.776, 5: 2.571, 7: 2.365, 9: 2.262, 11: 2.201, 15: 2.131, 19: 2.093 };
  return { mean, half: (t[n - 1] ?? 2.0) * (sd / Math.sqrt(n)) };
}
