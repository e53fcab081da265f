// `exitsim rerun MANIFEST`: a result's manifest embeds every input it ran on (scenarios, workloads,
// CPU profiles, feature sets, seeds), so the run can be repeated anywhere without the files it was
// made from. This turns a manifest back into what the runners take.
import { InputError } from '../config/errors.js';
import { validate } from '../config/load.js';
import { readStateJson } from '../config/read-input.js';
import { Profile, Scenario, Workload, type SweepFile } from '../config/schema.js';
import { FeatureParseError, parseFeatureSet } from '../exits/features.js';
import type { ResolvedScenario } from './scenario.js';
import type { StudyState } from './study.js';
import type { ExpandedSweep } from './sweep-spec.js';

export interface RunsToRepeat {
  kind: 'runs';
  resolved: ResolvedScenario;
  featureSets: number[];
  aggregate: boolean;
}

export interface StudyToRepeat {
  kind: 'study';
  sweep: ExpandedSweep;
  state: StudyState;
}

interface RunsManifest {
  kind?: string;
  aggregate?: boolean;
  runs: Array<{ features: string; seed: number }>;
  inputs: Array<{ scenario_file: string; scenario: unknown; profile_file: string; profile: unknown; workloads: Record<string, { file: string; workload: unknown }> }>;
}

interface StudyManifest {
  kind: 'study';
  study: StudyState;
  inputs?: Array<{ values: Record<string, number | string | boolean>; scenario: unknown; scenario_file: string; profile: number; workloads: Record<string, number> }>;
  workloads?: Array<{ file: string; workload: unknown }>;
  profiles?: Array<{ file: string; profile: unknown }>;
}

function features(file: string, field: string, label: string): number {
  try {
    return parseFeatureSet(label);
  } catch (err) {
    if (err instanceof FeatureParseError) throw new InputError(file, field, 'feature names or presets', `'${err.found}'`);
    throw err;
  }
}

export function readRerun(file: string): RunsToRepeat | StudyToRepeat {
  const m = readStateJson<{ tool?: string; kind?: string }>(file, 'an exitsim manifest.json', ['tool']);
  if (m.tool !== 'exitsim') throw new InputError(file, 'tool', "an exitsim manifest ('tool': 'exitsim')", JSON.stringify(m.tool));
  if (m.kind === 'study') return studyOf(file, m as unknown as StudyManifest);
  const r = m as unknown as RunsManifest;
  if (!Array.isArray(r.runs) || !Array.isArray(r.inputs) || r.inputs.length !== 1 || r.runs.length === 0) {
    throw new InputError(file, 'inputs', 'the manifest of a run, a comparison or a study, with the inputs it ran on embedded', 'a manifest without them (written by an exitsim older than the rerun command)');
  }
  const input = r.inputs[0];
  const workloads = new Map(Object.entries(input.workloads).map(([key, w]) => [key, { file: w.file, workload: validate(Workload, w.workload, `${file} (inputs[0].workloads.${key})`) }]));
  const resolved: ResolvedScenario = {
    scenario: validate(Scenario, input.scenario, `${file} (inputs[0].scenario)`),
    file: input.scenario_file,
    workloads,
    profile: validate(Profile, input.profile, `${file} (inputs[0].profile)`),
    profileFile: input.profile_file,
  };
  return { kind: 'runs', resolved, featureSets: r.runs.map((run, i) => features(file, `runs[${i}].features`, run.features)), aggregate: r.aggregate === true };
}

function studyOf(file: string, m: StudyManifest): StudyToRepeat {
  const state = m.study;
  if (!state || !Array.isArray(m.inputs) || !Array.isArray(m.workloads) || !Array.isArray(m.profiles)) {
    throw new InputError(file, 'inputs', "a study manifest with the inputs it ran on embedded (every point's scenario, its workloads and profile)", 'a manifest without them (written by an exitsim older than the rerun command)');
  }
  const workloads = m.workloads.map((w, i) => ({ file: w.file, workload: validate(Workload, w.workload, `${file} (workloads[${i}])`) }));
  const profiles = m.profiles.map((p, i) => ({ file: p.file, profile: validate(Profile, p.profile, `${file} (profiles[${i}])`) }));
  const points = m.inputs.map((p, index) => {
    const at = <T>(list: T[], k: number, field: string) => {
      if (!(k >= 0 && k < list.length)) throw new InputError(file, field, `an index into ${field.split('.').pop()} (0–${list.length - 1})`, String(k));
      return list[k];
    };
    const profile = at(profiles, p.profile, `inputs[${index}].profile`);
    return {
      index,
      values: p.values,
      resolved: {
        scenario: validate(Scenario, p.scenario, `${file} (inputs[${index}].scenario)`),
        file: p.scenario_file,
        workloads: new Map(Object.entries(p.workloads).map(([key, k]) => [key, at(workloads, k, `inputs[${index}].workloads.${key}`)])),
        profile: profile.profile,
        profileFile: profile.file,
      },
    };
  });
  const featureSets = state.feature_sets.map((label, i) => features(file, `study.feature_sets[${i}]`, label));
  const spec: SweepFile = { name: state.name, base: {}, parameters: [], featureSets: state.feature_sets, replications: state.replications };
  return { kind: 'study', state, sweep: { spec, file: state.sweep_file, featureSets, points, identity: state.identity } };
}
