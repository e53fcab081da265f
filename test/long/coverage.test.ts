import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { estimate } from '../../src/stats/confidence.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';

// Statistical check of the analytic case: over many independent batches of
// seeds, the 95% CI of the mean efficiency should contain the closed form in
// about 95% of batches (SPEC §10). Lognormal costs, exponential gaps.
test('95% CIs of the analytic case cover 1/(1+λc/f) in about 95% of batches', () => {
  const p = profile();
  const w = workload({
    name: 'analytic', description: 'one MSR kind', sources: ['test'], kind: 'closed', unitName: 'u', cyclesPerUnit: 1_000_000,
    events: [{ kind: 'vmcall', perGuestSec: 50_000, nativeCycles: 0, source: 'test' }],
  });
  const c = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'vmcall', 'kernel'));
  const expected = 1 / (1 + (50_000 * c) / (p.frequencyGHz.value * 1e9));
  const batches = 60;
  let covered = 0;
  let seed = 1;
  for (let b = 0; b < batches; b++) {
    const effs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const s = simulate({
        scenario: { name: 'a', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'analytic', vcpus: 1 }], durationSec: 0.05, seed: seed++ },
        workloads: [w], profile: p, features: 'modern',
      });
      effs.push(s.total.efficiency as number);
    }
    const e = estimate(effs);
    if (Math.abs((e.mean as number) - expected) <= (e.ci95 as number)) covered++;
  }
  const share = covered / batches;
  // Binomial(60, 0.95): below 0.85 happens with probability < 0.5%.
  assert.ok(share >= 0.85, `coverage ${share}`);
});
