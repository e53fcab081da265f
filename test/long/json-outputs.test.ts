// --json on validate, table, report, merge and rerun (moved from test/unit/help.test.ts: a sharded
// sweep, a merge and a rerun end to end, ~20 s, kept out of npm test's five minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, root } from '../cli-spawn.js';

test('--json on validate, table, report, merge and rerun: JSON on stdout and nothing else', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const json = (...args: string[]) => {
    const r = cli(...args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  assert.deepEqual(json('validate', 'kernel-build', '--json').kind, 'workload');
  assert.equal(json('validate', path.join(root, 'workloads', 'studies', 'msr-bitmap.yaml'), '--json').kind, 'sweep');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-json-'));
  try {
    const sweep = path.join(dir, 's.yaml');
    fs.writeFileSync(sweep, 'name: s\nbase: { name: b, host: { pcpus: 2 }, vms: [{ workload: kernel-build, vcpus: 2 }], durationSec: 0.01 }\nparameters: [{ path: host.pcpus, values: [2, 4] }]\nfeatureSets: [none, modern]\nreplications: 1\n');
    for (const i of [1, 2]) assert.equal(cli('sweep', sweep, '--shard', `${i}/2`, '--out', path.join(dir, `s${i}`)).status, 0);
    const merged = json('merge', path.join(dir, 's1'), path.join(dir, 's2'), '--out', path.join(dir, 'm'), '--json');
    assert.equal(merged.jobs, 2);
    const tables = json('table', path.join(dir, 'm'), '--json');
    assert.equal(tables[0].label, 'tab:efficiency');
    const report = json('report', path.join(dir, 'm'), '--json');
    assert.ok(report.length === 4 && report[0].exits.length > 0 && typeof report[0].exits[0].avg_time_us === 'number');
    const rerun = json('rerun', path.join(dir, 'm', 'manifest.json'), '--out', path.join(dir, 'r'), '--json');
    assert.equal(rerun.kind, 'study');
    assert.equal(rerun.ran, 2);
    // A merged or rerun study writes its parameter columns in the sweep file's order, as the sweep did.
    assert.equal(fs.readFileSync(path.join(dir, 'r', 'summary.csv'), 'utf8'), fs.readFileSync(path.join(dir, 'm', 'summary.csv'), 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
