// Do the 95% confidence intervals cover? idle-guest (the noisiest shipped workload: ~25 units per
// VM a run) on 400 seeds: the mean over all of them stands for the truth, and blocks of 10
// consecutive seeds — what `--replications 10` runs — should cover it about 95% of the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { estimate } from '../../src/stats/confidence.js';

test('95% CIs of 10 replications cover the 400-seed mean in about 95% of 40 blocks (idle-guest, modern)', async () => {
  const effs: number[] = [];
  for (let seed = 1; seed <= 400; seed++) {
    const r = resolveScenario('idle-guest', { seed });
    const out = await runScenario(r, [parseFeatureSet('modern')], { workers: 1 });
    effs.push(out.summaries[0].total.efficiency as number);
  }
  const truth = effs.reduce((a, b) => a + b) / effs.length;
  let covered = 0;
  for (let b = 0; b < 40; b++) {
    const e = estimate(effs.slice(b * 10, b * 10 + 10));
    if (Math.abs((e.mean as number) - truth) <= (e.ci95 as number)) covered++;
  }
  // Binomial(40, 0.95): 31 or fewer has probability below 0.1%.
  assert.ok(covered >= 32, `${covered} of 40 blocks cover`);
  // And no lag-1 correlation of efficiency across consecutive seeds.
  const m = truth;
  const sd2 = effs.reduce((a, x) => a + (x - m) ** 2, 0) / (effs.length - 1);
  let c = 0;
  for (let i = 1; i < effs.length; i++) c += (effs[i] - m) * (effs[i - 1] - m);
  const corr = c / ((effs.length - 1) * sd2);
  assert.ok(Math.abs(corr) < 4 / Math.sqrt(effs.length), `lag-1 correlation ${corr.toFixed(3)}`);
});
