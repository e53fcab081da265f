import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// One writer per output folder (an exclusive lock with its pid; a dead writer's lock is stale and
// taken over), no temporary file of a killed writer left after the resume, and every value that
// reaches a generated job script checked.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-folder-'));
test.after(() => fs.rmSync(d, { recursive: true, force: true }));

/** The pid of a process that has ended (no process has it now, barring reuse). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 6000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('two writers into one folder: the second is refused while the first holds the lock, and the first finishes whole', async () => {
  const out = path.join(d, 'race');
  const sweep = path.join(d, 'slow.yaml');
  fs.writeFileSync(sweep, 'name: slow\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: kernel-build, vcpus: 2 }], durationSec: 0.5 }\nparameters: [{ path: seed, values: [1, 2, 3, 4] }]\nfeatureSets: [none, modern]\n');
  const first = spawn(process.execPath, [bin, 'sweep', sweep, '--out', out, '--workers', '1'], { cwd: root, env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
  const firstDone = new Promise<number | null>((resolve) => first.on('exit', resolve));
  await until(() => fs.existsSync(path.join(out, '.exitsim.lock')), 'the first writer to take the lock');
  const second = exitsim('run', 'cpu-bound', '--quick', '--out', out);
  assert.equal(second.status, 2, second.stderr);
  assert.match(second.stderr, /--out: expected a folder no other exitsim is writing to, found one locked by process \d+/);
  assert.equal(await firstDone, 0);
  assert.ok(fs.existsSync(path.join(out, 'manifest.json')) && !fs.existsSync(path.join(out, 'runs.csv.tmp')));
  assert.ok(!fs.existsSync(path.join(out, '.exitsim.lock')), 'released at the end');
  assert.equal(exitsim('table', out).status, 0, 'the first writer left a whole, readable set');
});

test("a dead writer's lock is stale: taken over, and the run goes on", () => {
  const out = path.join(d, 'stale');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, '.exitsim.lock'), `${deadPid()}\n${os.hostname()}\n2026-01-01T00:00:00.000Z\n`);
  const r = exitsim('run', 'cpu-bound', '--quick', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!fs.existsSync(path.join(out, '.exitsim.lock')));
});

test("a live writer's lock refuses, and names the lock file to delete if its process is gone", () => {
  const out = path.join(d, 'live');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, '.exitsim.lock'), `${process.pid}\n${os.hostname()}\n2026-01-01T00:00:00.000Z\n`);
  const r = exitsim('run', 'cpu-bound', '--quick', '--out', out);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`locked by process ${process.pid} on .* — wait for it, or delete .*\\.exitsim\\.lock if that process is gone`));
  assert.deepEqual(fs.readdirSync(out), ['.exitsim.lock'], 'nothing written, the lock left to its owner');
});

test('a writer killed between its temporary files and their renames leaves no .tmp after the resume', () => {
  const out = path.join(d, 'killed');
  const sweep = path.join(d, 'tiny.yaml');
  fs.writeFileSync(sweep, 'name: tiny\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: cpu-bound, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [modern]\n');
  assert.equal(exitsim('sweep', sweep, '--out', out).status, 0);
  const csv = fs.readFileSync(path.join(out, 'runs.csv'));
  // What a kill between the writes and the renames leaves: the temporaries of a process that is gone, no manifest.
  const pid = deadPid();
  for (const name of ['runs.csv', 'summary.csv', 'manifest.json', '.exitsim-owned.json']) fs.writeFileSync(path.join(out, `.${name}.${pid}.tmp`), 'part of a write');
  fs.writeFileSync(path.join(out, 'runs', `.p0000-r000.json.${pid}.tmp`), 'part');
  fs.rmSync(path.join(out, 'manifest.json'));
  const r = exitsim('sweep', sweep, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual([...fs.readdirSync(out), ...fs.readdirSync(path.join(out, 'runs'))].filter((f) => f.endsWith('.tmp')), []);
  assert.deepEqual(fs.readFileSync(path.join(out, 'runs.csv')), csv, 'the resumed result is the same, byte for byte');
});

test('a refused command leaves no folder behind (it created it, wrote nothing, removed it)', () => {
  const out = path.join(d, 'never', 'made');
  const r = exitsim('run', 'cpu-bound', '--quick', '--features', 'ept,msr-bitmapp', '--out', out);
  assert.equal(r.status, 2);
  const r2 = exitsim('sweep', path.join(root, 'test/fixtures/bad/sweep-unknown-feature.yaml'), '--out', out);
  assert.equal(r2.status, 2);
  assert.ok(!fs.existsSync(path.join(d, 'never')), 'no debris');
});

// Every flag whose value reaches a generated script, with each way of breaking out of it.
const INJECTIONS = ['x\nrm -rf /', "x'; rm -rf / #", 'x"; rm -rf / #', 'x$(reboot)', 'x`reboot`', 'x; reboot', 'x\r\nreboot', 'x && reboot', 'x | reboot'];
const SCRIPT_FLAGS: Array<[string, (v: string) => string[]]> = [
  ['--sbatch-arg', (v) => ['--sbatch-arg', `--account=${v}`]],
  ['--partition', (v) => ['--partition', v]],
  ['--time', (v) => ['--time', `01:00:00${v}`]],
  ['--node', (v) => ['--node', `/usr/bin/node${v}`]],
  ['--out', (v) => ['--out', path.join(d, `inj${v}`)]],
];

test('slurm submit: newlines, quotes, $( ), backticks and ; in every flag that reaches a job script are refused or quoted — never a shell line of their own', () => {
  const sweep = path.join(root, 'workloads/studies/msr-bitmap.yaml');
  for (const [flag, args] of SCRIPT_FLAGS) {
    for (const v of INJECTIONS) {
      const out = path.join(d, 'slurm-inj');
      fs.rmSync(out, { recursive: true, force: true });
      const argv = ['slurm', 'submit', sweep, '--shards', '2', '--dry-run', ...(flag === '--out' ? [] : ['--out', out]), ...args(v)];
      const r = exitsim(...argv);
      if (r.status === 2) {
        assert.match(r.stderr, new RegExp(`${flag === '--sbatch-arg' ? '--sbatch-arg' : flag}`), `${flag} ${JSON.stringify(v)}: ${r.stderr}`);
        continue;
      }
      // Accepted (a path with a shell character is legal): then every script line is its own, and the value stays quoted.
      assert.equal(r.status, 0, `${flag} ${JSON.stringify(v)}: ${r.stderr}`);
      const dir = flag === '--out' ? path.join(d, `inj${v}`) : out;
      for (const script of ['array.sh', 'merge.sh']) {
        const text = fs.readFileSync(path.join(dir, 'slurm', script), 'utf8');
        const parsed = spawnSync('bash', ['-n', '-c', text]);
        assert.equal(parsed.status, 0, `${script} parses as a shell script`);
        for (const line of text.split('\n')) assert.doesNotMatch(line, /^\s*(rm|reboot)\b/, `${flag} ${JSON.stringify(v)}: a shell line of its own in ${script}`);
        assert.ok(!/[^']\$\(reboot\)|`reboot`/.test(text.replace(/'[^']*'/g, "''")), `${flag} ${JSON.stringify(v)}: an unquoted substitution in ${script}`);
      }
    }
  }
});

test('an import whose --out is a folder is refused with --force, and the workload file beside it is kept', () => {
  const folder = path.join(d, 'imp.json');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(d, 'imp.workload.json'), 'my workload');
  const r = exitsim('import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', folder, '--force');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /imp\.json: --out: expected a file path .*, found a folder/);
  assert.equal(fs.readFileSync(path.join(d, 'imp.workload.json'), 'utf8'), 'my workload');
  assert.ok(fs.statSync(folder).isDirectory());
});

test('a scenario names its workload relative to itself, never to the working directory', () => {
  const sub = path.join(d, 'sub');
  fs.mkdirSync(sub, { recursive: true });
  const workload = JSON.parse(fs.readFileSync(path.join(root, 'workloads', 'cpu-bound.json'), 'utf8'));
  fs.writeFileSync(path.join(sub, 'w.json'), JSON.stringify({ ...workload, name: 'beside-the-scenario' }));
  fs.writeFileSync(path.join(d, 'w.json'), JSON.stringify({ ...workload, name: 'in-the-working-directory' }));
  fs.writeFileSync(path.join(sub, 's.json'), JSON.stringify({ name: 's', host: { pcpus: 1 }, vms: [{ workload: 'w.json', vcpus: 1 }], durationSec: 0.01 }));
  const r = spawnSync(process.execPath, [bin, 'run', 'sub/s.json', '--json'], { cwd: d, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /beside-the-scenario/);
  assert.doesNotMatch(r.stdout, /in-the-working-directory/);
});

test('a second run of a sweep is refused when another tool left a run record in its runs/ (copied from another study)', () => {
  const a = path.join(d, 'rec-a');
  const b = path.join(d, 'rec-b');
  const mk = (name: string, w: string) => {
    const f = path.join(d, `${name}.yaml`);
    fs.writeFileSync(f, `name: ${name}\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: ${w}, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [modern]\n`);
    return f;
  };
  const sa = mk('a', 'cpu-bound');
  assert.equal(exitsim('sweep', sa, '--out', a).status, 0);
  assert.equal(exitsim('sweep', mk('b', 'idle-guest'), '--out', b).status, 0);
  fs.rmSync(path.join(a, 'runs', 'p0001-r000.json'));
  fs.copyFileSync(path.join(b, 'runs', 'p0001-r000.json'), path.join(a, 'runs', 'p0001-r000.json'));
  const r = exitsim('sweep', sa, '--out', a);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /p0001-r000\.json: study: expected a run record of this study .* found a record of study/);
});

test('a read-only output folder is reported as read-only, not as a missing path', (t) => {
  const ro = path.join(d, 'read-only');
  fs.mkdirSync(ro);
  fs.chmodSync(ro, 0o555);
  fs.chmodSync(d, 0o755);
  // root writes through permissions: drop to nobody for this one command where that is possible.
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  if (asUser.length > 0 && spawnSync('setpriv', ['--version']).status !== 0) return t.skip('running as root without setpriv: permissions do not apply');
  for (const out of [ro, path.join(ro, 'sub')]) {
    const [cmd, ...pre] = asUser.length > 0 ? asUser : [process.execPath];
    const r = spawnSync(cmd, [...pre, ...(asUser.length > 0 ? [process.execPath] : []), bin, 'run', 'cpu-bound', '--quick', '--out', out], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--out: expected a folder exitsim can write to, found a read-only folder \(EACCES\)/);
  }
});
