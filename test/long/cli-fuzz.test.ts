import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { runInProcess } from '../cli-in-process.js';
import { buildProgram } from '../../src/cli/program.js';

// A fuzz run of the whole command line, in process: every command from a valid base, with one
// thing made wrong — a flag's value, an unknown flag, a bad input file in place of the good one, a
// required value left out. Each must get exit code 2 and one line that names the culprit (the flag,
// or the file), with no stack trace, nothing on stdout and no file written.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CASES = Number(process.env.EXITSIM_FUZZ_CASES ?? 10_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-fuzz-'));
const OUT = path.join(work, 'out');
const fresh = (name: string) => path.join(OUT, name);

const BAD_FILES = fs.readdirSync(path.join(root, 'test', 'fixtures', 'bad')).filter((f) => /\.(json|ya?ml)$/.test(f) && !f.startsWith('sweep') && !f.startsWith('profile') && f !== 'formula-name.json').map((f) => `test/fixtures/bad/${f}`);

interface Base {
  argv: string[];
  /** Index of the input-file argument, if the command takes one. */
  fileArg?: number;
}

const BASES: Record<string, Base> = {
  run: { argv: ['run', 'cpu-bound', '--duration', '0.001', '--warmup', '0'], fileArg: 1 },
  compare: { argv: ['compare', 'cpu-bound', '--duration', '0.001', '--warmup', '0'], fileArg: 1 },
  estimate: { argv: ['estimate', 'cpu-bound', '--vms', '2', '--pcpus', '4'], fileArg: 1 },
  explain: { argv: ['explain', 'CPUID'] },
  list: { argv: ['list', 'workloads'] },
  study: { argv: ['study', '--quick', '--out', fresh('study')] },
  microbench: { argv: ['microbench', '--profile', 'nehalem'] },
  sensitivity: { argv: ['sensitivity', 'cpu-bound', '--duration', '0.001', '--warmup', '0'], fileArg: 1 },
  sweep: { argv: ['sweep', 'workloads/studies/msr-bitmap.yaml', '--out', fresh('sweep')], fileArg: 1 },
  capacity: { argv: ['capacity', 'cpu-bound', '--sla', 'efficiency>=50%', '--duration', '0.001', '--warmup', '0', '--max', '2'], fileArg: 1 },
  tui: { argv: ['tui', 'cpu-bound', '--duration', '0.001'], fileArg: 1 },
  import: { argv: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', fresh('imported.json')] },
  validate: { argv: ['validate', 'workloads/cpu-bound.json'], fileArg: 1 },
  // Folders made before the fuzz starts (below): a run's results and one shard of a sweep.
  report: { argv: ['report', path.join(work, 'results')] },
  merge: { argv: ['merge', path.join(work, 'shard'), '--out', fresh('merged')] },
  rerun: { argv: ['rerun', path.join(work, 'results', 'manifest.json'), '--out', fresh('rerun')] },
  'slurm submit': { argv: ['slurm', 'submit', 'workloads/studies/msr-bitmap.yaml', '--shards', '2', '--out', fresh('slurm'), '--dry-run'], fileArg: 2 },
};

// Flags whose every text is a valid value (names, paths): no value of theirs is wrong. The Slurm
// strings (--partition, --time, --sbatch-arg) reach a job script and are checked: they are fuzzed.
const FREE_TEXT = new Set(['--out', '--csv', '--output', '--name', '--node', '--run']);

const badValue = fc.oneof(
  // Ways out of a generated shell script: a newline, a substitution, a quote, a command separator.
  fc.constantFrom('x\nrm -rf /', '$(reboot)', '`reboot`', "x'; reboot #", 'a;b', 'a && b'),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-1', '-0.5', '0x10', '1e400', '1e-300', '9007199254740993', '1.5.5', 'abc', '%', '1,000', '\u0000', '--', 'None', 'efficiency>>1', 'modern,,none', 'ept,msr-bitmapp'),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => `x${s}`),
);

const program = buildProgram();
const optionsOf = (command: string) => {
  const [name, sub] = command.split(' ');
  let c = program.commands.find((x) => x.name() === name)!;
  if (sub) c = c.commands.find((x) => x.name() === sub)!;
  return c.options.filter((o) => !o.hidden);
};

type Mutation = { kind: 'value'; flag: string; value: string } | { kind: 'unknown'; flag: string } | { kind: 'file'; file: string } | { kind: 'missing'; flag: string };

function mutationFor(command: string): fc.Arbitrary<Mutation> {
  const base = BASES[command];
  const valued = optionsOf(command).filter((o) => (o.required || o.optional) && !FREE_TEXT.has(o.long!) && o.long !== '--help');
  const kinds: Array<fc.Arbitrary<Mutation>> = [
    fc.string({ minLength: 2, maxLength: 10 }).map((s) => ({ kind: 'unknown' as const, flag: `--zz${s.replace(/[^a-z]/gi, 'q')}` })),
  ];
  if (valued.length > 0) kinds.push(fc.record({ kind: fc.constant('value' as const), flag: fc.constantFrom(...valued.map((o) => o.long!)), value: badValue }));
  if (base.fileArg !== undefined) kinds.push(fc.constantFrom(...BAD_FILES).map((file) => ({ kind: 'file' as const, file })));
  const takesValue = base.argv.map((a, i) => (a.startsWith('-') && i + 1 < base.argv.length && !base.argv[i + 1].startsWith('-') ? a : '')).filter((a) => a !== '');
  if (takesValue.length > 0) kinds.push(fc.constantFrom(...takesValue).map((flag) => ({ kind: 'missing' as const, flag })));
  return fc.oneof(...kinds);
}

function apply(command: string, m: Mutation): { argv: string[]; culprit: RegExp } {
  const argv = [...BASES[command].argv];
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  switch (m.kind) {
    case 'value': {
      const at = argv.indexOf(m.flag);
      if (at >= 0) argv.splice(at, 2, m.flag, m.value);
      else argv.push(m.flag, m.value);
      // The flag, or the value itself when it names a thing that does not exist (a profile, a workload).
      return { argv, culprit: new RegExp(`${esc(m.flag)}|${m.value.trim() === '' ? '^$' : esc(JSON.stringify(m.value).slice(1, -1))}|${esc(m.value)}`) };
    }
    case 'unknown':
      argv.push(m.flag, '1');
      return { argv, culprit: new RegExp(esc(m.flag)) };
    case 'file':
      argv[BASES[command].fileArg!] = m.file;
      return { argv, culprit: new RegExp(esc(path.basename(m.file))) };
    case 'missing': {
      const at = argv.indexOf(m.flag);
      argv.splice(at + 1, 1);
      if (argv[at + 1] === undefined || argv[at + 1].startsWith('-')) return { argv, culprit: new RegExp(`${esc(m.flag)}|${m.flag === '-o' ? '--out' : '^$'}`) };
      return { argv, culprit: /./ };
    }
  }
}

test(`CLI fuzz: ${CASES.toLocaleString('en-US')} commands with one thing wrong each get exit 2, one line naming the culprit, nothing written`, async () => {
  process.env.CI = 'true';
  process.chdir(root);
  assert.equal((await runInProcess(['run', 'cpu-bound', '--quick', '--out', path.join(work, 'results')])).code, 0);
  assert.equal((await runInProcess(['sweep', 'workloads/studies/msr-bitmap.yaml', '--shard', '1/21', '--out', path.join(work, 'shard')])).code, 0);
  const commands = Object.keys(BASES);
  const found = new Map<string, string>();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...commands).chain((c) => fc.tuple(fc.constant(c), mutationFor(c))), async ([command, m]) => {
      const { argv, culprit } = apply(command, m);
      run++;
      if (process.env.EXITSIM_FUZZ_LOG) fs.appendFileSync(process.env.EXITSIM_FUZZ_LOG, `${JSON.stringify(argv)}\n`);
      fs.rmSync(OUT, { recursive: true, force: true });
      const r = await runInProcess(argv);
      const where = `exitsim ${argv.map((a) => JSON.stringify(a)).join(' ')}`;
      // A value that turns out to be valid (the fuzzer cannot always know) must still run cleanly.
      if (r.code === 0) {
        found.set(`accepted: ${command} ${m.kind === 'value' ? `${m.flag} ${JSON.stringify(m.value)}` : m.kind}`, where);
        return;
      }
      assert.equal(r.code, 2, `${where}: exit ${r.code}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('exitsim: note:'));
      assert.equal(lines.length, 1, `${where}: one line, got ${JSON.stringify(r.stderr)}`);
      assert.match(lines[0], /^exitsim: .+: expected .+, found /, `${where}: exitsim's form: ${lines[0]}`);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${where}: no stack trace`);
      assert.match(lines[0], culprit, `${where}: names the culprit (${culprit}): ${lines[0]}`);
      assert.equal(r.stdout, '', `${where}: nothing on stdout`);
      assert.ok(!fs.existsSync(OUT) || fs.readdirSync(OUT, { recursive: true }).length === 0, `${where}: nothing written`);
    }),
    { numRuns: CASES, seed: 16 },
  );
  // What the fuzzer expected to be refused but was accepted (a valid value it could not know of).
  if (found.size > 0) process.stdout.write(`# accepted as valid: ${[...found.keys()].slice(0, 20).join('; ')}\n`);
  assert.ok(run >= CASES);
});

