import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { estimate } from '../../src/stats/confidence.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';

// One pinned vCPU, one event kind at rate λ per guest second, exit cost c,
// frequency f, no host tick: efficiency = 1 / (1 + λ·c / f)  (SPEC §10).
function analyticCase(seed: number, ratePerGuestSec: number, cv: boolean, aggregate = false) {
  const p = profile('sapphire-rapids', (x) => {
    if (!cv) {
      x.stageCv.value = 0;
      x.handlerCv.value = 0;
    }
  });
  const w = workload({
    name: 'analytic',
    description: 'one CPUID event kind',
    sources: ['test'],
    kind: 'closed',
    unitName: 'unit',
    cyclesPerUnit: 1_000_000,
    events: [{ kind: 'cpuid', perGuestSec: ratePerGuestSec, nativeCycles: 0, source: 'test' }],
  });
  const s = simulate({
    scenario: { name: 'analytic', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'analytic', vcpus: 1 }], durationSec: 0.5, seed },
    workloads: [w],
    profile: p,
    features: 'modern',
    aggregate,
  });
  const c = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'cpuid', 'kernel'));
  const f = p.frequencyGHz.value * 1e9;
  return { s, expected: 1 / (1 + (ratePerGuestSec * c) / f) };
}

/** Ten seeds of the analytic case: the mean efficiency, its 95% CI and the closed form. */
function tenSeeds(rate: number, cv: boolean, aggregate = false) {
  const runs = Array.from({ length: 10 }, (_, i) => analyticCase(i + 1, rate, cv, aggregate));
  const e = estimate(runs.map((r) => r.s.total.efficiency as number));
  return { mean: e.mean as number, half: e.ci95 as number, expected: runs[0].expected };
}

test('efficiency of one CPUID kind at a known rate matches 1/(1+λc/f) within the 95% CI (constant costs)', () => {
  const { mean, half, expected } = tenSeeds(200_000, false);
  assert.ok(expected < 0.95, `the case must have visible overhead (expected ${expected})`);
  assert.ok(Math.abs(mean - expected) <= half + 1e-4, `mean ${mean} ± ${half} vs analytic ${expected}`);
});

test('efficiency with lognormal stage and handler costs still matches the closed form (means unchanged)', () => {
  const { mean, half, expected } = tenSeeds(100_000, true);
  assert.ok(Math.abs(mean - expected) <= half + 2e-4, `mean ${mean} ± ${half} vs analytic ${expected}`);
});

test('the exit count matches the rate: λ × guest seconds within 4 standard deviations', () => {
  const { s } = analyticCase(3, 100_000, false);
  const count = s.total.exits.CPUID.count;
  const eff = s.total.efficiency as number;
  const guestSeconds = 0.5 * eff; // the vCPU executes guest code this share of the time
  const expected = 100_000 * guestSeconds;
  assert.ok(Math.abs(count - expected) < 4 * Math.sqrt(expected), `count ${count} vs ${expected}`);
});

test('aggregated mode: the analytic case still matches 1/(1+λc/f) within the 95% CI, and the exit count the rate', () => {
  const { mean, half, expected } = tenSeeds(200_000, true, true);
  assert.ok(Math.abs(mean - expected) <= half + 2e-4, `mean ${mean} ± ${half} vs analytic ${expected}`);
  const { s } = analyticCase(3, 100_000, false, true);
  const guestSeconds = 0.5 * (s.total.efficiency as number);
  const count = s.total.exits.CPUID.count;
  assert.ok(Math.abs(count - 100_000 * guestSeconds) < 4 * Math.sqrt(100_000 * guestSeconds), `count ${count}`);
});
