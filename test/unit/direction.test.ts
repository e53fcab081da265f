import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { shippedWorkloadNames } from '../../src/config/load.js';
import { parseFeatureSet } from '../../src/exits/features.js';

const effOf = async (name: string, sets: string[]) => {
  const r = resolveScenario(name, { durationSec: 0.3, warmupSec: 0.05, seed: 11 });
  const out = await runScenario(r, sets.map(parseFeatureSet), { workers: 1 });
  return out.summaries.map((s) => s.total.efficiency as number);
};

for (const name of shippedWorkloadNames()) {
  test(`modern's efficiency beats none's on ${name}`, async () => {
    const [none, modern] = await effOf(name, ['none', 'modern']);
    assert.ok(modern > none, `modern ${modern} vs none ${none}`);
  });
}

test('adding EPT to an otherwise equal feature set helps the kernel build more than any other shipped workload', async () => {
  const gains = new Map<string, number>();
  for (const name of shippedWorkloadNames()) {
    const [without, withEpt] = await effOf(name, ['nehalem,-ept', 'nehalem']);
    gains.set(name, withEpt - without);
  }
  const best = [...gains.entries()].sort((a, b) => b[1] - a[1])[0];
  assert.equal(best[0], 'kernel-build', JSON.stringify(Object.fromEntries(gains)));
});
