// A sweep in shards merged equals the sweep whole; merge refuses gaps, duplicates and mixed sweeps
// (moved from test/unit/study.test.ts: an integration suite of ~25 s, kept out of npm test's five minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { exitsim, tmpDir } from '../cli-spawn.js';
import { readOutputs as read, sweepFile } from '../sweep-files.js';

const tmp = () => tmpDir('study');

test('shards + merge = the unsharded sweep; merge refuses gaps, duplicates and mixed sweeps', () => {
  const d = tmp();
  const f = sweepFile(d);
  assert.equal(exitsim('sweep', f, '--workers', '1', '--out', path.join(d, 'all')).code, 0);
  for (const i of [1, 2, 3]) assert.equal(exitsim('sweep', f, '--workers', '1', '--shard', `${i}/3`, '--out', path.join(d, `s${i}`)).code, 0);
  const gap = exitsim('merge', path.join(d, 's1'), path.join(d, 's2'), '--out', path.join(d, 'gap'));
  assert.equal(gap.code, 2);
  assert.match(gap.stderr, /missing/);
  const dup = exitsim('merge', path.join(d, 's1'), path.join(d, 's1'), path.join(d, 's2'), path.join(d, 's3'), '--out', path.join(d, 'dup'));
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /duplicate/);
  const other = sweepFile(d, 'other');
  assert.equal(exitsim('sweep', other, '--workers', '1', '--shard', '1/3', '--out', path.join(d, 'o1')).code, 0);
  const mixed = exitsim('merge', path.join(d, 's1'), path.join(d, 'o1'), '--out', path.join(d, 'mixed'));
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /a shard of study small/);
  const ok = exitsim('merge', path.join(d, 's3'), path.join(d, 's1'), path.join(d, 's2'), '--out', path.join(d, 'merged'));
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(read(path.join(d, 'merged')), read(path.join(d, 'all')));
});
