import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// No user file is ever lost. Every command that writes into a folder: (1) a file of the user's where
// one of its results goes is refused, with --force or without, and left byte for byte; (2) its own
// earlier result is replaced only with --force (a study resumes in its own folder); (3) user files
// placed anywhere in the folder — beside the results, in runs/, in a subfolder — survive a run, a
// second run and a forced run.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-keep-'));
test.after(() => fs.rmSync(d, { recursive: true, force: true }));
const tiny = path.join(d, 'tiny.yaml');
fs.writeFileSync(tiny, 'name: tiny\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: cpu-bound, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [modern]\n');
const shard = path.join(d, 'shard');
assert.equal(exitsim('sweep', tiny, '--shard', '1/1', '--out', shard).status, 0);

// [command, a file it writes, its arguments with OUT standing for the folder, whether running it again on its own result resumes]
const WRITERS: Array<[string, string, string[], boolean]> = [
  ['run', 'runs.csv', ['run', 'cpu-bound', '--quick', '--out', 'OUT'], false],
  ['compare', 'runs.csv', ['compare', 'cpu-bound', '--quick', '--out', 'OUT'], false],
  ['capacity', 'capacity.csv', ['capacity', 'cpu-bound', '--quick', '--sla', 'efficiency>=50%', '--max', '2', '--out', 'OUT'], false],
  ['microbench', 'microbench.csv', ['microbench', '--profile', 'nehalem', '--out', 'OUT'], false],
  ['sensitivity', 'sensitivity.csv', ['sensitivity', 'cpu-bound', '--quick', '--out', 'OUT'], false],
  ['table', 'tables.md', ['table', shard, '--out', 'OUT'], false],
  ['study', 'runs.csv', ['study', '--quick', '--out', 'OUT'], true],
  ['sweep', 'runs.csv', ['sweep', tiny, '--out', 'OUT'], true],
  ['replicated run', 'summary.csv', ['run', 'cpu-bound', '--quick', '--replications', '2', '--out', 'OUT'], true],
  ['merge', 'runs.csv', ['merge', shard, '--out', 'OUT'], false],
  ['rerun', 'runs.csv', ['rerun', path.join(shard, 'manifest.json'), '--out', 'OUT'], true],
  ['slurm submit --dry-run', 'slurm/array.sh', ['slurm', 'submit', tiny, '--shards', '2', '--dry-run', '--out', 'OUT'], true],
];

// slurm submit has no --force: resubmitting rewrites its own scripts, and never a user's or an edited one.
const forceVariants = (command: string) => (command.startsWith('slurm') ? [[]] : [[], ['--force']]);
const force = (command: string) => (command.startsWith('slurm') ? [] : ['--force']);
/** stderr without notes and progress lines: the one line of a refusal. */
const errorLines = (stderr: string) => stderr.trim().split('\n').filter((l) => !/^exitsim: note:|^WARN /.test(l));
const hash = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

for (const [command, file, args, resumes] of WRITERS) {
  test(`${command}: a user's ${file} is never replaced, with --force or without`, () => {
    const out = fs.mkdtempSync(path.join(d, `${command.replace(/\W+/g, '-')}-user-`));
    const mine = path.join(out, file);
    fs.mkdirSync(path.dirname(mine), { recursive: true });
    fs.writeFileSync(mine, 'my own notes\n');
    const argv = args.map((a) => a.replace('OUT', out));
    for (const extra of forceVariants(command)) {
      const r = exitsim(...argv, ...extra);
      assert.equal(r.status, 2, `${command} ${extra.join(' ')}: ${r.stderr}`);
      assert.equal(errorLines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /did not write|edited since|--force/, r.stderr);
      assert.equal(fs.readFileSync(mine, 'utf8'), 'my own notes\n', 'left as it was');
    }
  });

  test(`${command}: its own earlier result is ${resumes ? 'resumed without --force' : 'replaced only with --force'}; user files anywhere in the folder survive every run`, () => {
    const out = fs.mkdtempSync(path.join(d, `${command.replace(/\W+/g, '-')}-own-`));
    const argv = args.map((a) => a.replace('OUT', out));
    const first = exitsim(...argv);
    assert.equal(first.status, 0, `${command}: ${first.stderr}`);
    // The user's files, beside and inside what exitsim wrote (each folder exitsim made, and one of the user's).
    const users = ['mine.txt', 'paper.tex', 'sub/deep.txt', '.hidden'];
    for (const dir of ['runs', 'slurm', 'intel-vs-amd']) if (fs.existsSync(path.join(out, dir))) users.push(`${dir}/mine.txt`);
    for (const u of users) {
      fs.mkdirSync(path.dirname(path.join(out, u)), { recursive: true });
      fs.writeFileSync(path.join(out, u), `user file ${u}\n`);
    }
    const before = hash(path.join(out, file));
    const again = exitsim(...argv);
    if (resumes) assert.equal(again.status, 0, `${command} again: ${again.stderr}`);
    else {
      assert.equal(again.status, 2, `${command} again without --force: ${again.stderr}`);
      assert.match(again.stderr, /--force/);
      assert.equal(hash(path.join(out, file)), before, 'its earlier result is left as it was');
    }
    const forced = exitsim(...argv, ...force(command));
    assert.equal(forced.status, 0, `${command} --force: ${forced.stderr}`);
    for (const u of users) assert.equal(fs.readFileSync(path.join(out, u), 'utf8'), `user file ${u}\n`, `${u} survives`);
    assert.ok(!fs.existsSync(path.join(out, '.exitsim.lock')), 'the lock is released');
    assert.deepEqual(fs.readdirSync(out).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  });
}

test("a result exitsim wrote and the user edited since is the user's: refused, kept", () => {
  const out = path.join(d, 'edited');
  const argv = ['slurm', 'submit', tiny, '--shards', '2', '--dry-run', '--out', out];
  assert.equal(exitsim(...argv).status, 0);
  const script = path.join(out, 'slurm', 'array.sh');
  fs.appendFileSync(script, 'module load my-node\n');
  const edited = fs.readFileSync(script, 'utf8');
  for (const extra of [[]]) {
    const r = exitsim(...argv, ...extra);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /array\.sh: --out: expected a result exitsim wrote, unchanged since .* found one edited since it was written/);
    assert.equal(fs.readFileSync(script, 'utf8'), edited);
  }
});

test('a finished study is not rewritten with fewer replications without --force', () => {
  const out = path.join(d, 'fewer');
  assert.equal(exitsim('sweep', tiny, '--out', out, '--replications', '2').status, 0);
  const csv = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8');
  const r = exitsim('sweep', tiny, '--out', out, '--replications', '1');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--replications: expected at least the 2 replications this finished study holds/);
  assert.equal(fs.readFileSync(path.join(out, 'summary.csv'), 'utf8'), csv);
  const forced = exitsim('sweep', tiny, '--out', out, '--replications', '1', '--force');
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'study.json'), 'utf8')).replications, 1, 'study.json says what the CSVs hold');
});

test('the default study keeps a user file in its own folder and in intel-vs-amd/', () => {
  // `exitsim study` without --out writes results/default-study; --out stands in for it here.
  const out = path.join(d, 'default');
  assert.equal(exitsim('study', '--quick', '--out', out).status, 0);
  fs.writeFileSync(path.join(out, 'paper.tex'), 'mine');
  fs.writeFileSync(path.join(out, 'intel-vs-amd', 'mine.txt'), 'mine');
  assert.equal(exitsim('study', '--quick', '--out', out).status, 0);
  assert.equal(fs.readFileSync(path.join(out, 'paper.tex'), 'utf8'), 'mine');
  assert.equal(fs.readFileSync(path.join(out, 'intel-vs-amd', 'mine.txt'), 'utf8'), 'mine');
});

test('property: a user file at a random place in an output folder survives a run, a resume and a forced run of every folder-writing command', async () => {
  const { default: fc } = await import('fast-check');
  const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,11}$/);
  // Anywhere: the folder itself, the run records, a subfolder of exitsim's or of the user's; any name,
  // including names exitsim writes (a collision is refused, never replaced).
  const place = fc.oneof(
    fc.tuple(fc.constantFrom('', 'runs/', 'intel-vs-amd/', 'slurm/', 'mine/'), fc.oneof(segment, fc.constantFrom('runs.csv', 'summary.csv', 'manifest.json', 'study.json', 'efficiency.svg', 'p0000-r000.json', 'array.sh'))).map(([dir, name]) => dir + name),
  );
  const commands = WRITERS.filter(([c]) => ['run', 'sweep', 'merge', 'slurm submit --dry-run', 'table'].includes(c));
  let collisions = 0;
  await fc.assert(
    fc.property(fc.constantFrom(...commands), fc.array(place, { minLength: 1, maxLength: 3 }), ([command, , args], places) => {
      const out = fs.mkdtempSync(path.join(d, 'prop-'));
      const argv = args.map((a) => a.replace('OUT', out));
      const first = exitsim(...argv);
      assert.equal(first.status, 0, first.stderr);
      const mine = new Map<string, string>();
      for (const p of new Set(places)) {
        const f = path.join(out, p);
        if (fs.existsSync(f) || fs.existsSync(path.dirname(f)) && !fs.statSync(path.dirname(f)).isDirectory()) continue; // exitsim's own file: not the user's to place
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, `user ${p}\n`);
        mine.set(f, `user ${p}\n`);
      }
      for (const extra of [[], ...(command.startsWith('slurm') ? [] : [['--force']])]) {
        const r = exitsim(...argv, ...extra);
        if (r.status !== 0) {
          collisions++;
          assert.equal(r.status, 2, r.stderr);
          assert.match(r.stderr, /did not write|another file|--force|damaged JSON|expected a study run record/, r.stderr);
        }
        for (const [f, text] of mine) assert.equal(fs.readFileSync(f, 'utf8'), text, `${command} ${extra.join(' ')}: ${f} survives`);
      }
    }),
    { numRuns: 12, seed: 28 },
  );
  process.stdout.write(`# ${collisions} runs refused because a user file stood where a result goes\n`);
});
