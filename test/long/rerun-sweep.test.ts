// rerun of a sweep and of a merged sharded sweep (moved from test/unit/rerun.test.ts: an integration
// suite of ~25 s, kept out of npm test's five minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitsim, tmpDir } from '../cli-spawn.js';

const same = (a: string, b: string, files: string[]) => {
  for (const f of files) assert.equal(fs.readFileSync(path.join(b, f), 'utf8'), fs.readFileSync(path.join(a, f), 'utf8'), `${f} byte for byte`);
};

test('rerun of a sweep, and of a merged sharded sweep: same CSVs as the original', () => {
  const d = tmpDir('rerun');
  const sweep = path.join(d, 'tiny.yaml');
  fs.writeFileSync(sweep, 'name: tiny\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: kernel-build, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [none, modern]\nreplications: 2\n');
  const whole = path.join(d, 'whole');
  assert.equal(exitsim('sweep', sweep, '--out', whole).code, 0);
  assert.equal(exitsim('sweep', sweep, '--shard', '1/2', '--out', path.join(d, 'h1')).code, 0);
  assert.equal(exitsim('sweep', sweep, '--shard', '2/2', '--out', path.join(d, 'h2')).code, 0);
  const merged = path.join(d, 'merged');
  assert.equal(exitsim('merge', path.join(d, 'h1'), path.join(d, 'h2'), '--out', merged).code, 0);
  fs.rmSync(sweep);
  const csvs = ['runs.csv', 'vms.csv', 'exits.csv', 'summary.csv', 'comparisons.csv'];
  for (const [from, to] of [[whole, 'again'], [merged, 'merged-again']]) {
    const r = exitsim('rerun', path.join(from, 'manifest.json'), '--out', path.join(d, to));
    assert.equal(r.code, 0, r.stderr);
    same(from, path.join(d, to), csvs);
  }
  same(whole, merged, csvs);
});
