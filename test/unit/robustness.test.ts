import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { CASES, ROOT, prepareCases, robustnessDoc, runCase } from '../robustness/cases.js';
import { SCHEMAS, jsonSchemaText } from '../../src/config/json-schema.js';

prepareCases();
const outcomes = CASES.map(runCase);

test('every bad input gets exit code 2, one line naming where and what, no stack trace and no stdout', () => {
  CASES.forEach((c, i) => {
    const o = outcomes[i];
    assert.equal(o.code, 2, `${c.what}: ${o.message}`);
    assert.equal(o.message.split('\n').length, 1, `${c.what}: one line`);
    assert.doesNotMatch(o.message, /\bat .+:\d+:\d+\)?$|internal error/m, `${c.what}: no stack trace`);
    assert.equal(o.stdout, '', `${c.what}: nothing on stdout`);
  });
  assert.ok(!fs.existsSync('/tmp/exitsim-robustness.json') && !fs.existsSync('/tmp/exitsim-robustness.workload.json'), 'refused imports wrote nothing');
});

test('docs/robustness.md is what the CLI answers today (npm run robustness-doc)', () => {
  assert.equal(fs.readFileSync(path.join(ROOT, 'docs', 'robustness.md'), 'utf8'), robustnessDoc(outcomes));
});

test('the shipped JSON Schema files are generated from the validators (npm run schemas)', () => {
  for (const name of Object.keys(SCHEMAS)) {
    assert.equal(fs.readFileSync(path.join(ROOT, 'schemas', name), 'utf8'), jsonSchemaText(name), name);
  }
});

test('CSV is safe to open in a spreadsheet: a formula-like name gets a leading quote and parses back', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-csv-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'exitsim.js'), 'run', 'test/fixtures/bad/formula-name.json', '--quick', '--out', dir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const vms = parse(fs.readFileSync(path.join(dir, 'vms.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(vms.every((v) => v.workload.startsWith("'=")), JSON.stringify(vms.map((v) => v.workload)));
});

test('exitsim validate checks workloads, scenarios, sweeps, profiles and measurements without running them', () => {
  const v = (f: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'exitsim.js'), 'validate', f], { cwd: ROOT, encoding: 'utf8' });
  assert.match(v('workloads/kernel-build.json').stdout, /valid workload/);
  assert.match(v('workloads/studies/generations.yaml').stdout, /valid sweep \(16 points/);
  assert.match(v('profiles/nehalem.json').stdout, /valid CPU profile/);
  assert.match(v('test/fixtures/import/kvm_stat-children.txt').stdout, /valid kvm_stat measurement/);
  assert.equal(v('test/fixtures/bad/negative-rate.json').status, 2);
});

test('inputs are bounded before they are read: a FIFO and an oversized file are refused at once, by name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-bounded-'));
  const fifo = path.join(dir, 'fifo.json');
  const made = spawnSync('mkfifo', [fifo]);
  const big = path.join(dir, 'big.json');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 5 * 1024 * 1024); // sparse: a 5 MB file without writing 5 MB
  const v = (f: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'exitsim.js'), 'validate', f], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (made.status === 0) {
    const r = v(fifo);
    assert.equal(r.status, 2, `a FIFO is refused rather than read (it would block forever): ${r.stderr}`);
    assert.match(r.stderr, /fifo\.json: \(top level\): expected a regular file .*found a named pipe/);
  }
  const r = v(big);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /big\.json: \(top level\): expected a JSON or YAML file of at most 4 MB, found 5 MB/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a write cut short (the file-size limit, as a full disk would) exits 1 with one line and leaves no temporary file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-full-'));
  const out = path.join(dir, 'out');
  // ulimit -f 8: at most 8 KiB per file; the run's manifest is larger.
  const r = spawnSync('bash', ['-c', `ulimit -f 8 && exec "${process.execPath}" bin/exitsim.js run kernel-build --quick --out "${out}"`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^exitsim: .*out: could not write \(the file-size limit \(ulimit -f\) was reached, EFBIG\); nothing half-written was left behind$/);
  // The folder it created is gone again: no temporary file, no partial set, no empty folder.
  assert.ok(!fs.existsSync(out) || fs.readdirSync(out).length === 0, `debris: ${fs.existsSync(out) ? fs.readdirSync(out).join(', ') : ''}`);
  fs.rmSync(dir, { recursive: true, force: true });
});
