import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { runPointJob } from '../../src/experiment/job.js';
import { shippedWorkloadNames } from '../../src/config/load.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { estimate } from '../../src/stats/confidence.js';

// --aggregate must agree with the exact mode statistically on every shipped
// workload: the same means within the combined 95% confidence intervals.
const REPS = 6;

for (const name of shippedWorkloadNames()) {
  for (const features of ['none', 'modern']) {
    test(`aggregated mode agrees with exact mode: ${name}, ${features}`, () => {
      const r = resolveScenario(name, { durationSec: 0.4, warmupSec: 0.05 });
      const figures = (aggregate: boolean) => {
        const eff: number[] = [];
        const exits: number[] = [];
        for (let k = 0; k < REPS; k++) {
          const s = runPointJob({
            runIdPrefix: 'agg', spec: { ...r, scenario: { ...r.scenario, seed: 100 + k + (aggregate ? 1000 : 0) } },
            featureSets: [parseFeatureSet(features)], aggregate,
          }).summaries[0];
          eff.push(s.total.efficiency as number);
          exits.push(s.total.exit_count / s.duration_s);
        }
        return { eff: estimate(eff), exits: estimate(exits) };
      };
      const exact = figures(false);
      const agg = figures(true);
      for (const key of ['eff', 'exits'] as const) {
        const a = exact[key];
        const b = agg[key];
        const diff = Math.abs((a.mean as number) - (b.mean as number));
        // Independent seeds: the difference's CI half-width is about the root sum of squares.
        const bound = Math.sqrt((a.ci95 ?? 0) ** 2 + (b.ci95 ?? 0) ** 2) * 1.5 + Math.abs(a.mean as number) * 0.002;
        assert.ok(diff <= bound, `${key}: exact ${a.mean} ± ${a.ci95}, aggregate ${b.mean} ± ${b.ci95}`);
      }
    });
  }
}
