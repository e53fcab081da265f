import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { shippedWorkloadNames } from '../../src/config/load.js';
import { buildRunModel } from '../../src/request/run-path.js';
import { Simulation } from '../../src/engine/simulation.js';
import { N_CAT, CAT } from '../../src/exits/cost.js';
import { PRESETS, parseFeatureSet } from '../../src/exits/features.js';
import { assertEveryPcpuCycleBooked } from '../helpers.js';

// Every pCPU cycle of the window is booked exactly once (SPEC §7), whatever the
// workload, preset, scheduler or warm-up split.
const cases: Array<{ scheduler: 'pinned' | 'round-robin' | 'fair'; pcpus?: number }> = [
  { scheduler: 'pinned' },
  { scheduler: 'round-robin', pcpus: 2 },
  { scheduler: 'fair', pcpus: 3 },
];

for (const name of shippedWorkloadNames()) {
  for (const preset of Object.keys(PRESETS)) {
    for (const c of cases) {
      test(`cycle accounting adds up exactly: ${name}, ${preset}, ${c.scheduler}`, () => {
        const r = resolveScenario(name, { durationSec: 0.03, warmupSec: 0.007, scheduler: c.scheduler, pcpus: c.pcpus, seed: 7 });
        for (const nativeMode of [false, true]) {
          const model = buildRunModel(r, parseFeatureSet(preset), { nativeMode: nativeMode });
          const raw = new Simulation(model).run();
          assertEveryPcpuCycleBooked(raw, `${name}, ${preset}, native ${nativeMode}`);
          let vmSum = 0;
          let idle = 0;
          for (let p = 0; p < raw.pcpus; p++) idle += raw.pcpuCycles[p * N_CAT + CAT.IDLE];
          for (let i = 0; i < raw.vmCycles.length; i++) vmSum += raw.vmCycles[i];
          assert.equal(vmSum + idle, raw.pcpus * raw.windowCycles, 'per-VM cycles plus idle = pCPUs × window');
        }
      });
    }
  }
}
