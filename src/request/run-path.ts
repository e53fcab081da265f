// The one run path: what every caller (CLI, sweeps, TUI, sensitivity,
// capacity, validation, bench, tests) uses to turn a resolved scenario, a
// feature set and a mode into model inputs, to name a run, and to build the
// context its summary needs. Change how a run is set up here, once.
import type { Profile, Scenario, Workload } from '../config/schema.js';
import type { GuestOs } from '../config/guest-os.js';
import { loadGuestOs } from '../config/load.js';
import { buildModel, type BuildInputs } from '../model/build.js';
import type { BuiltModel } from '../engine/model.js';
import { aggregateBatchCycles } from '../engine/settings.js';
import { distinctFeatureSetLabel, vmFeatureSetLabel } from '../exits/features.js';
import type { SummaryContext } from '../metrics/summarize.js';

/** What a run is made of: a scenario, its workloads and its CPU profile (a ResolvedScenario fits). */
export interface RunSpec {
  scenario: Scenario;
  /** The file the scenario came from (for messages). */
  file: string;
  workloads: Map<string, { workload: Workload; file: string }>;
  profile: Profile;
  /**
   * The guest OS profiles the scenario and its workloads name, loaded once (guestOsesOf), so that a
   * manifest can embed them and a rerun runs on them; absent: each is loaded by name when built.
   */
  guestOses?: Map<string, { guestOs: GuestOs; file: string }>;
}

/** The guest OS profiles a scenario's VMs run on: its own guest.os, else each workload's. */
export function guestOsesOf(scenario: Scenario, workloads: Map<string, { workload: Workload; file: string }>): Map<string, { guestOs: GuestOs; file: string }> {
  const names = new Set<string>();
  for (const { workload } of workloads.values()) if (workload.guest) names.add(scenario.guest?.os ?? workload.guest.os);
  const out = new Map<string, { guestOs: GuestOs; file: string }>();
  for (const name of names) {
    try {
      out.set(name, loadGuestOs(name));
    } catch {
      // (An unknown name is reported where it was written when the model is built: build.ts.)
    }
  }
  return out;
}

export interface RunMode {
  /** Bare metal: the same workload with no hypervisor (SPEC §10). */
  nativeMode?: boolean;
  /** Aggregated fast mode (exact when absent). */
  aggregate?: boolean;
  /** Bare metal: the scenario holds the VMs from this index on of a larger one (capacity-runs.ts). */
  firstVmIndex?: number;
}

/** The model inputs of `spec` under feature set `features` (bit set) in `mode`. */
export function modelInputs(spec: RunSpec, features: number, mode: RunMode = {}): BuildInputs {
  return {
    scenario: spec.scenario,
    scenarioFile: spec.file,
    workloads: spec.workloads,
    profile: spec.profile,
    features,
    nativeMode: mode.nativeMode ?? false,
    aggregateBatchCycles: aggregateBatchCycles(mode.aggregate, spec.profile.frequencyGHz.value * 1e9),
    firstVmIndex: mode.firstVmIndex,
    ...(spec.guestOses ? { guestOs: (name: string) => spec.guestOses?.get(name)?.guestOs ?? loadGuestOs(name).guestOs } : {}),
  };
}

/** The compiled model of `spec` under `features` in `mode` (throws InputError on bad input). */
export function buildRunModel(spec: RunSpec, features: number, mode: RunMode = {}): BuiltModel {
  return buildModel(modelInputs(spec, features, mode));
}

/** A run's id: `prefix.features[.sSEED]`, with every character outside [A-Za-z0-9_.,+-] replaced by `_` (file-name safe). */
export function runId(prefix: string, features: number, seed?: number): string {
  // Every feature counts here: two sets a plain VM's label cannot tell apart (modern and modern,evmcs) are two runs.
  return `${prefix}.${distinctFeatureSetLabel(features)}${seed === undefined ? '' : `.s${seed}`}`.replace(/[^A-Za-z0-9_.,+-]/g, '_');
}

/** The VM names, workloads and vCPU counts in the order the engine numbers VMs. */
export function vmLayout(scenario: Scenario, workloads: Map<string, { workload: Workload }>): { names: string[]; workloads: string[]; vcpus: number[] } {
  const names: string[] = [];
  const wl: string[] = [];
  const vcpus: number[] = [];
  for (const placement of scenario.vms) {
    const w = workloads.get(placement.workload)?.workload.name ?? placement.workload;
    for (let k = 0; k < placement.count; k++) {
      names.push(placement.count > 1 ? `${w}#${k + 1}` : w);
      wl.push(w);
      vcpus.push(placement.vcpus);
    }
  }
  return { names, workloads: wl, vcpus };
}

/**
 * What summarize() needs besides the raw counters: the run's id and the scenario's shape. `label` is the
 * set as the user gave it (givenFeatureSetLabel); without one the run is labelled canonically.
 */
export function summaryContext(spec: RunSpec, features: number, id: string, label?: string): SummaryContext {
  const layout = vmLayout(spec.scenario, spec.workloads);
  const canonical = vmFeatureSetLabel(features, spec.profile.arch, spec.scenario.vmType);
  return {
    runId: id,
    scenario: spec.scenario.name,
    profile: spec.profile.name,
    features: label ?? canonical,
    featuresCanonical: canonical,
    vmType: spec.scenario.vmType,
    seed: spec.scenario.seed,
    durationSec: spec.scenario.durationSec,
    warmupSec: spec.scenario.warmupSec,
    vmNames: layout.names,
    vmWorkloads: layout.workloads,
    vmVcpus: layout.vcpus,
  };
}
