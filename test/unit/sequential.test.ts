import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { singlePointSweep } from '../../src/experiment/sweep-spec.js';
import { runToCiTarget, widestHalfWidthPp } from '../../src/experiment/sequential.js';
import { runStudy } from '../../src/experiment/study.js';
import { parseFeatureSet } from '../../src/exits/features.js';

const sweep = () => singlePointSweep(resolveScenario('idle-guest', { durationSec: 0.2, warmupSec: 0.02 }), ['none', 'modern'].map(parseFeatureSet));

test('runToCiTarget adds replications until the widest half-width is within the target, and gives what one run of that many replications gives', async () => {
  const res = await runToCiTarget(sweep(), 2, { paired: true, workers: 1 });
  assert.equal(res.reached, true);
  assert.ok(res.widestHalfWidthPp <= 2, `${res.widestHalfWidthPp}`);
  assert.ok(res.replications > 5, `more than the first round (${res.replications})`);
  const plain = await runStudy(sweep(), { replications: res.replications, workers: 1 });
  assert.deepEqual(res.records, plain.records);
  assert.equal(widestHalfWidthPp(plain.records, 2, true), res.widestHalfWidthPp);
});

test('runToCiTarget stops at the cap and says the target was not reached', async () => {
  const res = await runToCiTarget(sweep(), 0.001, { paired: false, workers: 1, maxReplications: 6 });
  assert.equal(res.reached, false);
  assert.equal(res.replications, 6);
});
