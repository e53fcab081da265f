import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { exitsCsv, runsCsv, vmsCsv } from '../../src/output/csv.js';
import { parseFeatureSet } from '../../src/exits/features.js';

async function csvOf(seed: number, workers: number): Promise<string> {
  const r = resolveScenario('network-server', { durationSec: 0.05, seed });
  const out = await runScenario(r, ['none', 'modern'].map(parseFeatureSet), { workers });
  return runsCsv(out.summaries) + vmsCsv(out.summaries) + exitsCsv(out.summaries);
}

test('the same inputs and seed give byte-identical CSV', async () => {
  assert.equal(await csvOf(5, 1), await csvOf(5, 1));
});

test('CSV is byte-identical with one worker thread and with two', async () => {
  assert.equal(await csvOf(5, 1), await csvOf(5, 2));
});

test('a different seed gives different results', async () => {
  assert.notEqual(await csvOf(5, 1), await csvOf(6, 1));
});

test('common random numbers: bare-metal units are identical under every feature set', async () => {
  const r = resolveScenario('kernel-build', { durationSec: 0.05, seed: 2 });
  const out = await runScenario(r, ['none', 'nehalem', 'modern'].map(parseFeatureSet), { workers: 1 });
  const native = out.summaries.map((s) => s.total.native_throughput_units_per_s);
  assert.ok(native.every((x) => x === native[0]));
});
