// Runs a scenario given as plain objects (no files): for validation, tests and
// library users. The same run path as the CLI (run-path.ts).
import { Scenario, type Profile, type ScenarioInput, type Workload } from '../config/schema.js';
import { Simulation, type RawResult } from '../engine/simulation.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { parseFeatureSet } from '../exits/features.js';
import { buildRunModel, runId, summaryContext, type RunSpec } from '../request/run-path.js';

export interface InlineCase {
  scenario: ScenarioInput;
  workloads: Workload[];
  profile: Profile;
  features: string;
  /** Aggregated mode (--aggregate). */
  aggregate?: boolean;
}

/** The run spec of an inline case (what estimateRun and the run path take). */
export function specOf(c: InlineCase): RunSpec {
  const scenario = Scenario.parse(c.scenario);
  const workloads = new Map(c.workloads.map((w) => [w.name, { workload: w, file: `${w.name}.json` }]));
  return { scenario, file: scenario.name, workloads, profile: c.profile };
}

export function simulateInlineRaw(c: InlineCase, nativeMode = false): RawResult {
  return new Simulation(buildRunModel(specOf(c), parseFeatureSet(c.features), { nativeMode, aggregate: c.aggregate })).run();
}

export function simulateInline(c: InlineCase): RunSummary {
  const spec = specOf(c);
  const features = parseFeatureSet(c.features);
  return summarize(simulateInlineRaw(c), simulateInlineRaw(c, true), summaryContext(spec, features, runId(spec.scenario.name, features, spec.scenario.seed)));
}
