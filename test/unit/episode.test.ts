// episode.ts: EpisodeComposer.drawPlan and drawBatch against closed forms (no cost spread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleAccounts, ES_COUNT, ES_STRIDE } from '../../src/engine/accounting.js';
import { EpisodeComposer } from '../../src/engine/episode.js';
import { EngineLayout } from '../../src/engine/layout.js';
import { newRawResult } from '../../src/engine/result.js';
import { EngineStreams } from '../../src/engine/streams.js';
import { buildRunModel } from '../../src/request/run-path.js';
import { resolveScenario } from '../../src/request/scenario.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { CAT, N_CAT, stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';
import { EXIT_REASON_SLOTS, R } from '../../src/exits/reasons.js';

function setup(features: string, zeroSpread = true) {
  const r = resolveScenario('kernel-build', { durationSec: 0.01, warmupSec: 0 });
  if (zeroSpread) {
    r.profile = structuredClone(r.profile);
    r.profile.stageCv.value = 0;
    r.profile.handlerCv.value = 0;
  }
  const model = buildRunModel(r, parseFeatureSet(features));
  const layout = new EngineLayout(model);
  const out = newRawResult(model);
  const acct = new CycleAccounts(out, layout.nV, model.warmupCycles, model.endCycles);
  const composer = new EpisodeComposer(model, new EngineStreams(model, layout), acct, layout.maxClass);
  return { r, model, out, acct, composer };
}

test('EpisodeComposer.drawPlan(HLT, closed) with no spread: one round trip of exactly the stage means, stages in their categories', () => {
  const { r, model, acct, composer } = setup('modern');
  const len = composer.drawPlan(0, 0, model.vms[0].planHalt, true, true, -1);
  const means = stageMeans(r.profile, DEFAULT_MSR_LISTS, 'hlt', 'kernel');
  assert.equal(len, totalCycles(means), 'drawPlan returns the episode length');
  assert.equal(composer.length, totalCycles(means), 'length = the round trip (no TLB refill with VPID)');
  assert.equal(composer.bookedAhead, false, 'aheadMax -1: left in the episode row');
  assert.equal(acct.episode[CAT.HANDLER_KERNEL], means.handlerKernel);
  assert.equal(acct.episode[CAT.ENTRY], means.entry);
  let sum = 0;
  for (let c = 0; c < N_CAT; c++) sum += acct.episode[c];
  assert.equal(sum, composer.length, 'the categories add up to the length');
  assert.equal(acct.exitStats[R.HLT * ES_STRIDE + ES_COUNT], 1, 'the exit is counted under HLT');
});

test('EpisodeComposer.drawPlan(…, open) leaves the last entry out, for the engine to pay at re-entry', () => {
  const { r, model, acct, composer } = setup('modern');
  composer.drawPlan(0, 0, model.vms[0].planHalt, false, true, -1);
  const means = stageMeans(r.profile, DEFAULT_MSR_LISTS, 'hlt', 'kernel');
  assert.equal(acct.episode[CAT.ENTRY], 0);
  assert.equal(composer.lastEntry, means.entry);
  assert.equal(composer.length, totalCycles(means) - means.entry);
});

test('EpisodeComposer.drawPlan books ahead into the vCPU row when the episode fits in aheadMax, and not otherwise', () => {
  const { model, acct, composer } = setup('modern');
  composer.drawPlan(1, 0, model.vms[0].planHalt, true, true, 1e9);
  assert.equal(composer.bookedAhead, true);
  assert.ok(acct.episode.every((x) => x === 0), 'nothing left in the episode row');
  assert.equal(acct.vcpuCycles.slice(N_CAT, 2 * N_CAT).reduce((a, b) => a + b, 0), composer.length);
  composer.drawPlan(1, 0, model.vms[0].planHalt, true, true, composer.length - 1);
  assert.equal(composer.bookedAhead, false);
});

test('EpisodeComposer.drawPlan outside the window counts nothing in the result', () => {
  const { model, out, acct, composer } = setup('modern');
  assert.ok(composer.drawPlan(0, 0, model.vms[0].planHalt, true, false, -1) > 0, 'the episode happened');
  acct.syncExitStats();
  assert.equal(out.exitCount.reduce((a, b) => a + b, 0), 0);
  assert.equal(out.exitHistogram.reduce((a, b) => a + b, 0), 0);
  assert.equal(acct.exitStats[(acct.warmupStatsVm * EXIT_REASON_SLOTS + R.HLT) * ES_STRIDE + ES_COUNT], 1, 'it went to the warm-up block');
});

test('EpisodeComposer.drawBatch(v, vm, cycles): mean events ≈ rate × cycles; each batch books its exits and native work', () => {
  const { model, composer } = setup('none');
  const w = model.vms[0];
  let ratePerCycle = 0;
  for (let c = 0; c < w.classCount; c++) if (w.classAggregatable[c]) ratePerCycle += 1 / w.classMeanGap[c];
  assert.ok(ratePerCycle > 0, 'kernel-build has batchable classes');
  const native = new Float64Array(4);
  const cycles = 2 / ratePerCycle; // two events expected per batch
  let events = 0;
  const n = 20000;
  for (let k = 0; k < n; k++) {
    const len = composer.drawBatch(0, 0, cycles, true, native);
    events += composer.events;
    assert.ok(len >= 0);
  }
  assert.ok(Math.abs(events / n / 2 - 1) < 0.03, `events per batch ${events / n}`);
  assert.ok(native[0] > 0, 'native work was added');
});
