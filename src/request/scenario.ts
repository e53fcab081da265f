// Resolves what the user named (a scenario file, or a workload plus flags)
// into one validated scenario with its workloads and CPU profile loaded.
import { produce } from 'immer';
import { InputError } from '../config/errors.js';
import { loadProfile, loadWorkload, looksLikeScenario, parseScenario, readDataFile } from '../config/load.js';
import type { Profile, Scenario, VmType, Workload } from '../config/schema.js';
import type { GuestOs, GuestSettings } from '../config/guest-os.js';
import { guestOsesOf } from './run-path.js';
import { checkVmTypeAgainstProfile } from '../model/profile-checks.js';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_HOST } from './defaults.js';

export interface ScenarioOverrides {
  pcpus?: number;
  vms?: number;
  vcpus?: number;
  profile?: string;
  scheduler?: 'pinned' | 'round-robin' | 'fair';
  durationSec?: number;
  warmupSec?: number;
  seed?: number;
  hostTickHz?: number;
  vmType?: VmType;
  /** The guest OS and its mitigation settings (each given field over the scenario's). */
  guest?: GuestSettings;
}

export interface ResolvedScenario {
  scenario: Scenario;
  /** The feature set is the default preset, not one the scenario file names. */
  featuresDefaulted?: boolean;
  file: string;
  workloads: Map<string, { workload: Workload; file: string }>;
  profile: Profile;
  profileFile: string;
  /** The guest OS profiles its VMs run on (run-path.ts guestOsesOf). */
  guestOses?: Map<string, { guestOs: GuestOs; file: string }>;
}


export function resolveScenario(nameOrFile: string, o: ScenarioOverrides = {}): ResolvedScenario {
  let base: Scenario;
  let file = nameOrFile;
  const isFile = fs.existsSync(nameOrFile) && fs.statSync(nameOrFile).isFile();
  const data = isFile ? readDataFile(nameOrFile) : undefined;
  if (data !== undefined && looksLikeScenario(data)) {
    base = parseScenario(data, nameOrFile);
  } else {
    // A workload (file or shipped name) on the default host.
    const { workload, file: wfile } = loadWorkload(nameOrFile);
    file = wfile;
    const vms = o.vms ?? DEFAULT_HOST.vms;
    const vcpus = o.vcpus ?? DEFAULT_HOST.vcpus;
    base = parseScenario(
      {
        name: workload.name,
        host: { pcpus: o.pcpus ?? Math.max(DEFAULT_HOST.pcpus, vms * vcpus), profile: DEFAULT_HOST.profile, scheduler: DEFAULT_HOST.scheduler },
        vms: [{ workload: wfile, vcpus, count: vms }],
        durationSec: DEFAULT_HOST.durationSec,
        warmupSec: DEFAULT_HOST.warmupSec,
      },
      wfile,
    );
  }
  const scenario = produce(base, (s) => {
    if (o.pcpus !== undefined) s.host.pcpus = o.pcpus;
    if (o.profile !== undefined) s.host.profile = o.profile;
    if (o.scheduler !== undefined) s.host.scheduler = o.scheduler;
    if (o.hostTickHz !== undefined) s.host.hostTickHz = o.hostTickHz;
    if (o.vmType !== undefined) s.vmType = o.vmType;
    if (o.guest !== undefined) {
      const g = { ...s.guest, ...Object.fromEntries(Object.entries(o.guest).filter(([, v]) => v !== undefined)) };
      s.guest = g;
    }
    if (o.durationSec !== undefined) s.durationSec = o.durationSec;
    if (o.warmupSec !== undefined) s.warmupSec = o.warmupSec;
    if (o.seed !== undefined) s.seed = o.seed;
    if (isFile && data !== undefined && looksLikeScenario(data)) {
      if (o.vms !== undefined) for (const vm of s.vms) vm.count = o.vms;
      if (o.vcpus !== undefined) for (const vm of s.vms) vm.vcpus = o.vcpus;
    }
  });
  const workloads = new Map<string, { workload: Workload; file: string }>();
  scenario.vms.forEach((vm, i) => {
    if (workloads.has(vm.workload)) return;
    // A workload path in a scenario file is relative to that file, always (an imported scenario names
    // the workload written beside it); never to the working directory, which would run whatever file
    // of that name happens to be there. A name that is no file beside it is a shipped workload.
    const fromScenarioFile = isFile && data !== undefined && looksLikeScenario(data);
    const beside = fromScenarioFile && !path.isAbsolute(vm.workload) ? path.join(path.dirname(nameOrFile), vm.workload) : vm.workload;
    const besideIsFile = fs.existsSync(beside) && fs.statSync(beside).isFile();
    try {
      workloads.set(vm.workload, loadWorkload(besideIsFile ? beside : fromScenarioFile && /[/\\]|\.(json|ya?ml)$/i.test(vm.workload) ? beside : vm.workload));
    } catch (err) {
      // Not found: the scenario's field is at fault. An error inside the workload file names that file.
      if (err instanceof InputError && !besideIsFile && err.found === 'neither') {
        throw new InputError(file, `vms[${i}].workload`, err.expected, JSON.stringify(vm.workload), err.hint);
      }
      throw err;
    }
  });
  // A profile file a scenario names is found beside the scenario too (an imported scenario of a host
  // with its calibrated profile), as its workloads are; --profile is the command line's, as typed.
  const profileFromFile = isFile && data !== undefined && looksLikeScenario(data) && o.profile === undefined && !path.isAbsolute(scenario.host.profile);
  const besideProfile = profileFromFile ? path.join(path.dirname(nameOrFile), scenario.host.profile) : scenario.host.profile;
  const { profile, file: profileFile } = loadProfile(profileFromFile && fs.existsSync(besideProfile) && fs.statSync(besideProfile).isFile() ? besideProfile : scenario.host.profile);
  // A VM type the CPU cannot run is the flag's fault when --vm-type named it, else the scenario's.
  if (o.vmType !== undefined) checkVmTypeAgainstProfile(scenario.vmType, profile, 'command line', '--vm-type');
  else checkVmTypeAgainstProfile(scenario.vmType, profile, file);
  const featuresDefaulted = !(data !== undefined && looksLikeScenario(data) && typeof data === 'object' && data !== null && 'features' in data);
  return { scenario, file, workloads, profile, profileFile, featuresDefaulted, guestOses: guestOsesOf(scenario, workloads) };
}
