// Runs a scenario given as plain objects (no files): for validation, tests and
// library users. The same build → simulate → summarize path as the CLI.
import { Scenario, type Profile, type ScenarioInput, type Workload } from '../config/schema.js';
import { buildModel } from '../model/build.js';
import { Simulation, type RawResult } from '../engine/simulation.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { featureSetLabel, parseFeatureSet } from '../exits/features.js';
import { aggregateBatchCycles, vmLayout } from './job.js';

export interface InlineCase {
  scenario: ScenarioInput;
  workloads: Workload[];
  profile: Profile;
  features: string;
  /** Aggregated mode (--aggregate). */
  aggregate?: boolean;
}

function parts(c: InlineCase) {
  const scenario = Scenario.parse(c.scenario);
  const workloads = new Map(c.workloads.map((w) => [w.name, { workload: w, file: `${w.name}.json` }]));
  return { scenario, workloads };
}

export function simulateInlineRaw(c: InlineCase, nativeMode = false): RawResult {
  const { scenario, workloads } = parts(c);
  const model = buildModel({ scenario, scenarioFile: scenario.name, workloads, profile: c.profile, features: parseFeatureSet(c.features), nativeMode, aggregateBatchCycles: aggregateBatchCycles(c) });
  return new Simulation(model).run();
}

export function simulateInline(c: InlineCase): RunSummary {
  const { scenario, workloads } = parts(c);
  const layout = vmLayout(scenario, workloads);
  const features = parseFeatureSet(c.features);
  return summarize(simulateInlineRaw(c), simulateInlineRaw(c, true), {
    runId: `${scenario.name}.${featureSetLabel(features)}.s${scenario.seed}`,
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
