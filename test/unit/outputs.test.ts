import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, documented, outputsDoc } from '../../src/output/columns.js';

// The data dictionary cannot drift from the files: every column of every CSV a real run writes is
// documented, and every documented column is written by some run.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-outputs-'));
const runs: Array<[string, string[]]> = [
  ['study', ['study', '--quick', '--replications', '2', '--out', path.join(d, 'study')]],
  ['capacity', ['capacity', 'cpu-bound', '--quick', '--sla', 'efficiency>=50%', '--max', '2', '--out', path.join(d, 'capacity')]],
  ['sensitivity', ['sensitivity', 'cpu-bound', '--quick', '--out', path.join(d, 'sensitivity')]],
  ['microbench', ['microbench', '--out', path.join(d, 'microbench')]],
  ['migrate', ['migrate', 'cpu-bound', '--guest-memory', '1GiB', '--dirty-rate', '100MB/s', '--bandwidth', '10Gbit', '--out', path.join(d, 'migrate')]],
  ['migration-study', ['migrate', path.join(d, 'migration-study.yaml'), '--out', path.join(d, 'migration-study')]],
];
fs.writeFileSync(path.join(d, 'migration-study.yaml'), 'name: s\ndescription: one point\nmigration: { workload: cpu-bound, vcpus: 1, guestMemory: 1GiB }\nparameters: { dirtyTracking: [bitmap], dirtyRate: [50MB/s], bandwidth: [10Gbit] }\n');
for (const [, args] of runs) assert.equal(exitsim(...args).status, 0, args.join(' '));

const headers = new Map<string, string[]>();
for (const [name] of runs) {
  for (const f of fs.readdirSync(path.join(d, name)).filter((x) => x.endsWith('.csv'))) {
    headers.set(f, fs.readFileSync(path.join(d, name, f), 'utf8').split('\n')[0].split(','));
  }
}

test('every column of every CSV is in the data dictionary, and every dictionary entry is written', () => {
  assert.deepEqual([...headers.keys()].sort(), Object.keys(CSV_COLUMNS).sort(), 'the same files');
  for (const [file, cols] of headers) {
    const missing = cols.filter((c) => !documented(file, c));
    assert.deepEqual(missing, [], `${file}: columns not in src/output/columns.ts`);
    const unwritten = CSV_COLUMNS[file].columns.filter((c) => (c.name === 'param_*' ? !cols.some((x) => x.startsWith('param_')) : c.name === '*_per_s' ? !cols.some((x) => x.endsWith('_per_s')) : !cols.includes(c.name)));
    assert.deepEqual(unwritten.map((c) => c.name), [], `${file}: documented but not written`);
  }
});

test('docs/outputs.md is the dictionary (npm run outputs-doc)', () => {
  assert.equal(fs.readFileSync(path.join(root, 'docs', 'outputs.md'), 'utf8'), outputsDoc());
});

test('CSV for analysis: R-friendly parameter names, numeric columns numeric, a zero row for every reason in every run', () => {
  const runsCsv = parse(fs.readFileSync(path.join(d, 'study', 'runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(Object.keys(runsCsv[0]).every((c) => /^[A-Za-z][A-Za-z0-9_]*$/.test(c)), 'every column a bare R/pandas name');
  const exits = parse(fs.readFileSync(path.join(d, 'study', 'exits.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const reasons = new Set(exits.map((e) => e.exit_reason));
  for (const r of runsCsv) {
    const mine = exits.filter((e) => e.run_id === r.run_id);
    assert.equal(mine.length, reasons.size, `${r.run_id}: a row for each of the ${reasons.size} reasons`);
  }
  assert.ok(exits.some((e) => e.count === '0' && e.mean_cycles === ''), 'zero rows: count 0, statistics empty');
  const micro = parse(fs.readFileSync(path.join(d, 'microbench', 'microbench.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  for (const m of micro) assert.ok(m.published_cycles_per_iteration === '' || Number.isFinite(Number(m.published_cycles_per_iteration)), `numeric: ${m.published_cycles_per_iteration}`);
  assert.ok(micro.some((m) => m.published_source !== ''), 'sources in their own column');
});
