import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Every command that writes results: into a folder (or onto a file) that already holds earlier
// results it refuses, leaving them byte for byte, and it replaces them only with --force.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-keep-'));
const tiny = path.join(d, 'tiny.yaml');
fs.writeFileSync(tiny, 'name: tiny\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: cpu-bound, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [modern]\n');
const shard = path.join(d, 'shard');
assert.equal(exitsim('sweep', tiny, '--shard', '1/1', '--out', shard).status, 0);

// [command, the file it would write, its arguments with OUT standing for the target]
const WRITERS: Array<[string, string, string[]]> = [
  ['run', 'runs.csv', ['run', 'cpu-bound', '--quick', '--out', 'OUT']],
  ['compare', 'runs.csv', ['compare', 'cpu-bound', '--quick', '--out', 'OUT']],
  ['capacity', 'capacity.csv', ['capacity', 'cpu-bound', '--quick', '--sla', 'efficiency>=50%', '--max', '2', '--out', 'OUT']],
  ['microbench', 'microbench.csv', ['microbench', '--profile', 'nehalem', '--out', 'OUT']],
  ['sensitivity', 'sensitivity.csv', ['sensitivity', 'cpu-bound', '--quick', '--out', 'OUT']],
  ['study', 'runs.csv', ['study', '--quick', '--out', 'OUT']],
  ['sweep', 'runs.csv', ['sweep', tiny, '--out', 'OUT']],
  ['merge', 'runs.csv', ['merge', shard, '--out', 'OUT']],
  ['import', 'scenario.json', ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', 'OUT/scenario.json']],
];

for (const [command, file, args] of WRITERS) {
  test(`${command} does not overwrite an earlier ${file} without --force, and does with it`, () => {
    const out = fs.mkdtempSync(path.join(d, `${command}-`));
    const earlier = path.join(out, file);
    fs.writeFileSync(earlier, 'earlier result\n');
    const argv = args.map((a) => a.replace('OUT', out));
    const r = exitsim(...argv);
    assert.equal(r.status, 2, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /--force|--out/, r.stderr);
    assert.equal(fs.readFileSync(earlier, 'utf8'), 'earlier result\n', 'left as it was');
    const forced = exitsim(...argv, '--force');
    assert.equal(forced.status, 0, `${command} --force: ${forced.stderr}`);
    assert.notEqual(fs.readFileSync(earlier, 'utf8'), 'earlier result\n', 'replaced with --force');
  });
}
