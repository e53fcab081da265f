import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { runJobs } from '../../src/experiment/runner.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import type { Job } from '../../src/experiment/job.js';

// Progress inside runs: the jobs run in slices on worker threads and report the share of
// simulated time done; the results must be the very same numbers as a run without progress.
test('a run with progress gives byte-identical counters, and its progress rises to 1', async () => {
  const r = resolveScenario('network-server', { durationSec: 0.05, warmupSec: 0.005 });
  const jobs: Job[] = [
    { spec: r, features: 0, mode: { nativeMode: true } },
    { spec: r, features: parseFeatureSet('modern'), mode: {} },
    { spec: r, features: parseFeatureSet('none'), mode: {} },
  ];
  const plain = await runJobs(jobs, { workers: 1 });
  const seen: number[] = [];
  const sliced = await runJobs(jobs, { workers: 1, onProgress: (f) => seen.push(f) });
  for (let i = 0; i < jobs.length; i++) {
    assert.deepEqual({ ...sliced[i].raw }, { ...plain[i].raw }, `job ${i}: same counters`);
  }
  assert.equal(seen[seen.length - 1], 1, 'ends at 1');
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], 'never goes back');
  assert.ok(seen.every((f) => f >= 0 && f <= 1));
});
