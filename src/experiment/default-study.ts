// The default study (npm start) as sweeps: every shipped workload on the default host under the
// study presets, and the same workloads under modern on the default CPU, the AMD one and the arm64
// one side by side (the intel-vs-amd folder, named before arm64 joined it). The command runs them; tests check their figures' shape.
import { shippedWorkloadNames } from '../config/load.js';
import { ARM_PROFILE, DEFAULT_HOST, QUICK_DURATION_SEC, QUICK_WARMUP_SEC, STUDY_PRESETS, VENDOR_PROFILE } from './settings.js';
import { expandSweep, type ExpandedSweep } from './sweep-spec.js';

export interface DefaultStudySweeps {
  /** Every shipped workload × the study presets, on the default host. */
  main: ExpandedSweep;
  /** Every shipped workload × {default CPU, VENDOR_PROFILE, ARM_PROFILE}, features modern. */
  vendor: ExpandedSweep;
}

export function defaultStudySweeps(o: { quick?: boolean; replications?: number }): DefaultStudySweeps {
  const names = shippedWorkloadNames();
  const base = (name: string) => ({
    name,
    host: { pcpus: DEFAULT_HOST.pcpus, profile: DEFAULT_HOST.profile, scheduler: DEFAULT_HOST.scheduler },
    vms: [{ workload: names[0], vcpus: DEFAULT_HOST.vcpus, count: DEFAULT_HOST.vms }],
    durationSec: o.quick ? QUICK_DURATION_SEC : DEFAULT_HOST.durationSec,
    warmupSec: o.quick ? QUICK_WARMUP_SEC : DEFAULT_HOST.warmupSec,
  });
  const workloads = { path: 'vms[0].workload', values: names };
  const replications = o.replications ?? 1;
  return {
    main: expandSweep({ name: 'default-study', base: base('default-study'), parameters: [workloads], featureSets: STUDY_PRESETS, replications }, 'default study'),
    vendor: expandSweep(
      {
        name: 'default-study-intel-vs-amd', base: base('default-study-intel-vs-amd'),
        parameters: [workloads, { path: 'host.profile', values: [DEFAULT_HOST.profile, VENDOR_PROFILE, ARM_PROFILE] }], featureSets: ['modern'], replications,
      },
      'default study',
    ),
  };
}
