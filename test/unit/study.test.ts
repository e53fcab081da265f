import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { estimate, tQuantile975 } from '../../src/stats/confidence.js';
import { capacitySearch, parseSla } from '../../src/experiment/capacity.js';
import { Workload } from '../../src/config/schema.js';
import { loadProfile } from '../../src/config/load.js';
import { Scenario } from '../../src/config/schema.js';
import { readOutputs, sweepFile } from '../sweep-files.js';
import { killAfter } from '../cli-spawn.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-study-'));

const read = readOutputs;

test('estimate(values) gives the mean and the Student-t 95% half-width', () => {
  const e = estimate([1, 2, 3, 4]);
  assert.equal(e.mean, 2.5);
  assert.ok(Math.abs((e.ci95 as number) - 3.182 * (Math.sqrt(5 / 3) / 2)) < 1e-9);
  assert.equal(estimate([5]).ci95, null);
  assert.equal(estimate([]).mean, null);
  assert.ok(Math.abs(tQuantile975(1000) - 1.9623) < 1e-3);
});

test('a sweep gives byte-identical CSV and figures with 1 and 2 workers', () => {
  const d = tmp();
  const f = sweepFile(d);
  assert.equal(exitsim('sweep', f, '--workers', '1', '--out', path.join(d, 'w1')).code, 0);
  const r2 = exitsim('sweep', f, '--workers', '2', '--out', path.join(d, 'w2'));
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(read(path.join(d, 'w2')), read(path.join(d, 'w1')));
  const runs = parse(fs.readFileSync(path.join(d, 'w1', 'runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(runs.length, 3 * 2 * 2, 'points × feature sets × replications');
  assert.equal(new Set(runs.map((x) => x.run_id)).size, runs.length, 'run ids are unique');
  const summary = parse(fs.readFileSync(path.join(d, 'w1', 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(summary.length, 6);
  assert.ok(summary.every((x) => Number(x.efficiency_ci95_halfwidth) >= 0 && x.replications === '2'));
});

test('replications can be added to an earlier study without rerunning what is done', () => {
  const d = tmp();
  const f = sweepFile(d);
  assert.equal(exitsim('sweep', f, '--workers', '1', '--out', path.join(d, 'grow')).code, 0);
  const more = exitsim('sweep', f, '--workers', '1', '--replications', '4', '--out', path.join(d, 'grow'), '--json');
  assert.equal(more.code, 0, more.stderr);
  const j = JSON.parse(more.stdout);
  assert.equal(j.reused, 6);
  assert.equal(j.ran, 6);
  assert.equal(exitsim('sweep', f, '--workers', '1', '--replications', '4', '--out', path.join(d, 'fresh')).code, 0);
  assert.deepEqual(read(path.join(d, 'grow')), read(path.join(d, 'fresh')));
});

test('a study folder holding another study is not overwritten without --force', () => {
  const d = tmp();
  assert.equal(exitsim('sweep', sweepFile(d), '--workers', '1', '--out', path.join(d, 'x')).code, 0);
  const before = fs.readFileSync(path.join(d, 'x', 'runs.csv'), 'utf8');
  const r = exitsim('sweep', sweepFile(d, 'other'), '--workers', '1', '--out', path.join(d, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--force/);
  assert.equal(fs.readFileSync(path.join(d, 'x', 'runs.csv'), 'utf8'), before);
  assert.equal(exitsim('sweep', sweepFile(d, 'other'), '--workers', '1', '--out', path.join(d, 'x'), '--force').code, 0);
});

test('capacity search returns the analytic answer: VMs ≤ pCPUs · f / (cycles per unit · SLA rate)', () => {
  const w = Workload.parse({
    name: 'busy', description: 'CPU-bound, no traps', sources: ['test'], kind: 'closed', unitName: 'u', cyclesPerUnit: 2_600_000,
  });
  const profile = loadProfile('sapphire-rapids').profile; // 2.6 GHz: 1000 units/s on a dedicated pCPU
  const scenario = Scenario.parse({ name: 'cap', host: { pcpus: 4, scheduler: 'fair', hostTickHz: 1000, timeSliceUs: 3000 }, vms: [{ workload: 'busy', vcpus: 1, count: 1 }], durationSec: 1 });
  const r = { scenario, file: 'test', workloads: new Map([['busy', { workload: w, file: 'busy.json' }]]), profile, profileFile: 'p' };
  // 4 pCPUs × 1000 units/s shared by n VMs: n ≤ 4000 / 300 = 13.3.
  const res = capacitySearch(r, 0, [parseSla('throughput_units_per_s>=300')], { vary: 'vms', max: 40, replications: 2 });
  assert.equal(res.max, 13, JSON.stringify(res.evaluations.map((e) => [e.n, e.metrics])));
  assert.throws(() => parseSla('efficiency>>0.9'), /--sla/);
});

test('an efficiency SLA is read in percent, as every screen shows it; a bare fraction is refused with what it likely meant', () => {
  assert.equal(parseSla('efficiency>=85').value, 0.85);
  assert.equal(parseSla('efficiency>=85%').value, 0.85);
  assert.equal(parseSla('efficiency >= 92.5 %').text, 'efficiency>=92.5%');
  assert.throws(() => parseSla('efficiency>=0.85'), /did you mean efficiency>=85%/);
  assert.throws(() => parseSla('efficiency>=120'), /at most 100/);
  assert.throws(() => parseSla('p99_latency_us<=500%'), /--sla/);
  assert.equal(parseSla('p99_latency_us<=500').value, 500);
});

test('slurm submit --dry-run writes an array script (one shard per task) and a merge script; status reads the shard folders', () => {
  const d = tmp();
  const f = sweepFile(d);
  const out = path.join(d, 'cluster');
  const r = exitsim('slurm', 'submit', f, '--shards', '3', '--out', out, '--dry-run', '--partition', 'short', '--sbatch-arg=--account=lab');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sbatch --parsable --array=1,2,3 /);
  assert.match(r.stdout, /sbatch --dependency=afterok:\$ARRAY .*merge\.sh/, 'the merge submission is printed too');
  const array = fs.readFileSync(path.join(out, 'slurm', 'array.sh'), 'utf8');
  assert.match(array, /^'node' /m, "the compute node's own node (on its PATH), not this machine's path");
  assert.match(array, /#SBATCH --partition=short/);
  assert.match(array, /#SBATCH --account=lab/);
  assert.match(array, /sweep .* --shard "\$SLURM_ARRAY_TASK_ID\/3"/);
  assert.match(fs.readFileSync(path.join(out, 'slurm', 'merge.sh'), 'utf8'), /merge .*shard-1-of-3.*shard-2-of-3.*shard-3-of-3.* --out .*merged/);
  // Run shard 2 by hand (as a task would); status counts it.
  assert.equal(exitsim('sweep', f, '--shard', '2/3', '--out', path.join(out, 'shard-2-of-3')).code, 0);
  const st = JSON.parse(exitsim('slurm', 'status', out, '--json').stdout);
  assert.deepEqual(st.shards.map((s: { done: number }) => s.done), [0, 2, 0]);
  assert.equal(st.merged, false);
  const dry = exitsim('slurm', 'submit', f, '--shards', '3', '--out', out, '--dry-run');
  assert.match(dry.stdout, /--array=1,3 /, 'only the incomplete shards');
  assert.equal(exitsim('slurm', 'submit', f, '--shards', '3', '--out', out, '--dry-run', '--node', '/opt/node20/bin/node').code, 0);
  assert.match(fs.readFileSync(path.join(out, 'slurm', 'array.sh'), 'utf8'), /^'\/opt\/node20\/bin\/node' /m, '--node names another');
});

test('an interrupted default study resumes (its finished jobs are kept); a finished one is recomputed', async () => {
  const d = tmp();
  const out = path.join(d, 'study');
  const { code, stderr } = await killAfter(['study', '--out', out, '--workers', '1', '--replications', '2'], path.join(out, 'runs'), 2, 'SIGINT');
  assert.equal(code, 130);
  assert.match(stderr, /interrupted — \d+ of 14 jobs are saved in .*study; run the same command to resume: exitsim study --out /);
  assert.ok(!fs.existsSync(path.join(out, 'manifest.json')), 'no manifest: the folder is not a finished study');
  const saved = fs.readdirSync(path.join(out, 'runs')).filter((x) => x.endsWith('.json')).length;
  // Resume, and interrupt again as soon as the progress line says what it reused.
  const child = spawn(process.execPath, [bin, 'study', '--out', out, '--workers', '1', '--replications', '2'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
  let err = '';
  const reused = await new Promise<string>((resolve) => {
    child.stderr!.on('data', (chunk) => {
      err += chunk;
      const m = /(\d+) done before/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('close', () => resolve(''));
  });
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  assert.ok(Number(reused) >= saved, `resumed with ${reused} jobs done before (${saved} were saved): ${err}`);
});

test('report refuses a results folder whose manifest is missing (a set cut short by a kill)', () => {
  const d = tmp();
  const out = path.join(d, 'r');
  assert.equal(exitsim('run', 'cpu-bound', '--quick', '--out', out).code, 0);
  assert.equal(exitsim('report', out).code, 0);
  fs.rmSync(path.join(out, 'manifest.json'));
  const r = exitsim('report', out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /manifest\.json: expected a complete results folder .*an interrupted write/);
});
