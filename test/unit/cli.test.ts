import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');

function exitsim(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-test-'));

function writeJson(dir: string, name: string, data: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof data === 'string' ? data : JSON.stringify(data));
  return f;
}

const goodWorkload = JSON.parse(fs.readFileSync(path.join(root, 'workloads', 'cpu-bound.json'), 'utf8'));

test('exitsim run --json prints only JSON with throughput, efficiency and exits by reason', () => {
  const r = exitsim('run', 'kernel-build', '--quick', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  for (const key of ['throughput_units_per_s', 'native_throughput_units_per_s', 'efficiency', 'exits']) {
    assert.ok(key in s.total, `total has ${key}`);
    assert.ok(key in s.vms[0], `vm has ${key}`);
  }
  assert.ok(s.total.exits.EPT_VIOLATION.count > 0);
  assert.ok(s.total.exits.EPT_VIOLATION.rate_per_s > 0);
});

test('exitsim compare states the baseline and deltas in %', () => {
  const r = exitsim('compare', 'kernel-build', '--features', 'none', '--features', 'modern', '--quick');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /baseline: none/);
  assert.match(r.stdout, /modern\s+\d+\.\d+%\s+\+\d+\.\d+%/);
});

test('exitsim explain shows the five exit steps, handler and entry, adding up to the round trip', () => {
  const r = exitsim('explain', 'CPUID', '--json');
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  const sum = Object.values(e.stages as Record<string, number>).reduce((a, b) => a + b, 0);
  assert.equal(sum, e.total_cycles);
  assert.equal(e.total_cycles, 1018, 'sapphire-rapids is calibrated to cpuid = 1018 cycles');
  const text = exitsim('explain', 'EXIT_REASON_CPUID');
  assert.equal(text.code, 0);
  assert.match(text.stdout, /record exit information[\s\S]*save guest state[\s\S]*MSR-store[\s\S]*load host state[\s\S]*MSR-load[\s\S]*handler[\s\S]*VM entry/);
});

test('exitsim list shows workloads, profiles, features and exit reasons', () => {
  assert.match(exitsim('list', 'workloads').stdout, /kernel-build/);
  assert.match(exitsim('list', 'profiles').stdout, /prescott[\s\S]*sapphire-rapids/);
  assert.match(exitsim('list', 'features').stdout, /msr-bitmap[\s\S]*modern/);
  assert.match(exitsim('list', 'exit-reasons').stdout, /48\s+EPT_VIOLATION/);
});

test('exitsim run --out writes runs, vms and exits CSV that parse back, and refuses to overwrite', () => {
  const dir = tmp();
  const r = exitsim('run', 'network-server', '--quick', '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  const runs = parse(fs.readFileSync(path.join(dir, 'runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(runs.length, 1);
  assert.ok(Number(runs[0].efficiency) > 0 && Number(runs[0].efficiency) <= 1);
  const exits = parse(fs.readFileSync(path.join(dir, 'exits.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(exits.some((e) => e.exit_reason === 'HLT' && Number(e.blocked_cycles) > 0));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.runs[0].run_id, runs[0].run_id);
  const before = fs.readFileSync(path.join(dir, 'runs.csv'), 'utf8');
  const again = exitsim('run', 'network-server', '--quick', '--seed', '9', '--out', dir);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /--force/);
  assert.equal(fs.readFileSync(path.join(dir, 'runs.csv'), 'utf8'), before, 'the earlier result is untouched');
  assert.equal(exitsim('run', 'network-server', '--quick', '--seed', '9', '--out', dir, '--force').code, 0);
});

function assertRefused(args: string[], pattern: RegExp) {
  const dir = tmp();
  const r = exitsim(...args, '--out', dir);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  assert.deepEqual(fs.readdirSync(dir), [], 'no output file written');
}

test('bad input: malformed JSON names the file and the line', () => {
  const d = tmp();
  const f = writeJson(d, 'broken.json', '{ "name": "x",\n  "kind": }');
  assertRefused(['run', f, '--quick'], /broken\.json: line 2.*expected valid JSON/);
});

test('bad input: an unknown feature names the flag and suggests a name', () => {
  assertRefused(['run', 'cpu-bound', '--quick', '--features', 'ept,msr-bitmapp'], /--features: .*found 'msr-bitmapp' \(did you mean 'msr-bitmap'\?\)/);
});

test('bad input: a negative rate names the file and the field path', () => {
  const d = tmp();
  const w = structuredClone(goodWorkload);
  w.events[1].perGuestSec = -5;
  const f = writeJson(d, 'neg.json', w);
  assertRefused(['run', f, '--quick'], /neg\.json: events\[1\]\.perGuestSec: expected > 0, found -5/);
});

test('bad input: NaN (YAML .nan) is refused with file and field', () => {
  const d = tmp();
  const f = path.join(d, 'nan.yaml');
  fs.writeFileSync(f, `name: nan\ndescription: d\nsources: [s]\nkind: closed\nunitName: u\ncyclesPerUnit: .nan\n`);
  assertRefused(['run', f, '--quick'], /nan\.yaml: cyclesPerUnit: expected a finite number, found NaN/);
});

test('bad input: an unknown workload name suggests the closest shipped one', () => {
  assertRefused(['run', 'kernel-bild', '--quick'], /kernel-bild: .*shipped workloads.*did you mean 'kernel-build'/);
});

test('bad input: a missing field, an unknown field, a feature the CPU lacks, a bad flag value', () => {
  const d = tmp();
  const w = structuredClone(goodWorkload);
  delete w.cyclesPerUnit;
  assertRefused(['run', writeJson(d, 'missing.json', w), '--quick'], /missing\.json: cyclesPerUnit: expected a finite number, found nothing/);
  const u = structuredClone(goodWorkload);
  u.cyclesPerUnitt = 5;
  assertRefused(['run', writeJson(d, 'unknown.json', u), '--quick'], /unknown\.json: cyclesPerUnitt: .*did you mean 'cyclesPerUnit'/);
  assertRefused(['run', 'cpu-bound', '--quick', '--profile', 'merom', '--features', 'ept'], /merom.*EPT/);
  assertRefused(['run', 'cpu-bound', '--quick', '--pcpus', 'many'], /--pcpus: expected an integer from 1 to 4096, found "many"/);
  const s = { name: 's', host: { pcpus: 1 }, vms: [{ workload: 'cpu-bound', vcpus: 4 }] };
  assertRefused(['run', writeJson(d, 'pinned.json', s), '--quick'], /host\.pcpus: expected at least as many pCPUs as vCPUs/);
});

test('a scenario file with YAML runs end to end', () => {
  const d = tmp();
  const f = path.join(d, 'scenario.yaml');
  fs.writeFileSync(f, 'name: mix\nhost: { pcpus: 2, scheduler: fair }\nvms:\n  - { workload: spinlock-job, vcpus: 2 }\n  - { workload: idle-guest, vcpus: 1, count: 2 }\nfeatures: nehalem\ndurationSec: 0.05\n');
  const r = exitsim('run', f, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.vms.length, 3);
  assert.equal(s.features, 'nehalem');
});

test('exitsim microbench prints cycles per iteration with published figures beside, and CSV', () => {
  const r = exitsim('microbench', '--profile', 'sandybridge', '--features', 'nehalem');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /cpuid\s+1,3\d\d\s+1\s+CPUID\s+1313 \(Lutomirski\)/);
  assert.match(r.stdout, /mov_to_cr8\s+17\s+0/);
  const dir = tmp();
  assert.equal(exitsim('microbench', '--profile', 'prescott', '--features', 'none', '--out', dir).code, 0);
  const rows = parse(fs.readFileSync(path.join(dir, 'microbench.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(rows.find((x) => x.test === 'mov_to_cr8' && x.exit_reasons === 'CR_ACCESS'), 'no TPR shadow: CR8 writes exit');
  assert.equal(exitsim('microbench', '--profile', 'prescott', '--features', 'ept').code, 2, 'Prescott has no EPT');
});

test('exitsim sensitivity ranks parameters by swing and writes CSV and a tornado SVG', () => {
  const dir = tmp();
  const r = exitsim('sensitivity', 'windows-desktop', '--duration', '0.05', '--delta', '25', '--out', dir, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.rows.length > 10);
  for (let i = 1; i < s.rows.length; i++) assert.ok(s.rows[i - 1].swing_pp >= s.rows[i].swing_pp, 'sorted by swing');
  assert.ok(s.rows[0].swing_pp > 0);
  const svg = fs.readFileSync(path.join(dir, 'tornado.svg'), 'utf8');
  assert.match(svg, /^<svg[\s\S]*<\/svg>\n$/);
  assert.ok(Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]) <= 505, 'a page wide (7 in) at most');
  assert.match(svg, /fill="#0072B2"|fill="#0072b2"/i, "the shared palette's first colour");
  assert.match(svg, new RegExp(s.rows[0].parameter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').slice(0, 20)));
  const csv = parse(fs.readFileSync(path.join(dir, 'sensitivity.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(csv.length, s.rows.length);
  assert.equal(exitsim('sensitivity', 'windows-desktop', '--delta', '150').code, 2);
});

test('exitsim run notes a run whose VMs finish too few units, and not one with enough', () => {
  const idle = exitsim('run', 'idle-guest');
  assert.equal(idle.code, 0, idle.stderr);
  assert.match(idle.stdout, /note: a VM finished only \d+ units/);
  const build = exitsim('run', 'kernel-build'); // ~190 units per VM in 1 s
  assert.equal(build.code, 0, build.stderr);
  assert.doesNotMatch(build.stdout, /finished only/);
});

test('exitsim compare --ci-target adds replications until the CI is within the target, and says so', () => {
  const r = exitsim('compare', 'idle-guest', '--features', 'none', '--features', 'modern', '--duration', '0.2', '--ci-target', '2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.reached, true);
  assert.ok(s.widest_half_width_pp <= 2);
  assert.ok(s.replications >= 5);
  assert.ok(s.summary.every((row: { efficiency: { ci95: number } }) => row.efficiency.ci95 * 100 <= 2));
});

test('exitsim run refuses --ci-target with --replications, and a target outside (0, 100] pp', () => {
  const both = exitsim('run', 'idle-guest', '--ci-target', '1', '--replications', '3');
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--ci-target/);
  const bad = exitsim('run', 'idle-guest', '--ci-target', '-1');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--ci-target: expected percentage points above 0 and at most 100/);
});

test('--version prints the package version', () => {
  const r = exitsim('--version');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
});

test('the default study refuses a folder the user names that holds other files, and leaves them alone', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-study-'));
  fs.writeFileSync(path.join(d, 'mine.txt'), 'keep');
  const r = exitsim('study', '--quick', '--out', d);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out: expected a new or empty folder.*--force.*mine\.txt/);
  assert.equal(r.stdout, '');
  assert.equal(fs.readFileSync(path.join(d, 'mine.txt'), 'utf8'), 'keep');
});

test('a file saved with a UTF-8 byte-order mark is read (the mark is not content)', () => {
  const r = exitsim('validate', 'test/fixtures/bom-workload.json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /valid workload/);
});

test('a sweep path through __proto__ is refused and pollutes nothing', () => {
  const r = exitsim('sweep', 'test/fixtures/bad/sweep-proto.yaml', '--out', path.join(os.tmpdir(), 'exitsim-proto'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /__proto__/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('the default preset falls back to what the profile supports, and says so; a set the user names is still checked', () => {
  const r = exitsim('run', 'cpu-bound', '--profile', 'skylake-sp', '--quick', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).features, 'apicv');
  assert.match(r.stderr, /Skylake-SP lacks part of the preset modern: running features apicv/);
  const e = exitsim('explain', 'CPUID', '--profile', 'prescott');
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stderr, /Prescott .* lacks part of the default preset modern/);
  assert.equal(exitsim('run', 'cpu-bound', '--profile', 'skylake-sp', '--quick', '--features', 'modern').code, 2);
});

test('report names runs by workload and features, --run takes a name or a part of one, and HLT Min/Max Time bracket its mean', () => {
  const dir = tmp();
  const out = path.join(dir, 'r');
  assert.equal(exitsim('compare', 'idle-guest', '--quick', '--features', 'none', '--features', 'modern', '--out', out).code, 0);
  const one = exitsim('report', out, '--run', 'idle-guest/modern');
  assert.equal(one.code, 0, one.stderr);
  assert.equal((one.stdout.match(/^# exitsim run /gm) ?? []).length, 1);
  assert.match(one.stdout, /^# exitsim run idle-guest\/modern \(/m);
  const hlt = one.stdout.split('\n').find((l) => /^\s+HLT /.test(l))!;
  const [min, max, avg] = [...hlt.matchAll(/([\d.]+)us/g)].map((m) => Number(m[1]));
  assert.ok(min <= avg && avg <= max && max > min, hlt);
  assert.match(one.stdout, /# HLT: Min\/Max Time = /);
  const both = exitsim('report', out, '--run', 'idle-guest');
  assert.equal((both.stdout.match(/^# exitsim run /gm) ?? []).length, 2, 'a part of a name selects every run that has it');
  const bad = exitsim('report', out, '--run', 'kernel-build');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--run: expected a run of runs\.csv by name \(idle-guest\/none, idle-guest\/modern\)/);
});

test('exitsim run notes VMs that dropped arrivals: overloaded, their figures depend on the run\'s length', () => {
  const r = exitsim('run', 'network-server', '--pcpus', '2', '--scheduler', 'fair', '--vms', '16', '--duration', '0.3', '--warmup', '0.01');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /note: network-server#1 \(modern\).* dropped arrivals: overloaded, their queues still filling in the window — their cycles per unit and efficiency depend on --duration/);
  const calm = exitsim('run', 'network-server', '--quick');
  assert.equal(calm.code, 0, calm.stderr);
  assert.doesNotMatch(calm.stdout, /dropped arrivals/);
});

test("report's HLT time includes halt polling, as perf kvm stat's does (exit to next entry)", () => {
  const d = tmp();
  const r = exitsim('run', 'idle-guest', '--features', 'modern', '--duration', '0.3', '--out', path.join(d, 'hp'));
  assert.equal(r.code, 0, r.stderr);
  const runs = parse(fs.readFileSync(path.join(d, 'hp', 'runs.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const exits = parse(fs.readFileSync(path.join(d, 'hp', 'exits.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const run = runs[0];
  const hlt = exits.find((e) => e.run_id === run.run_id && e.exit_reason === 'HLT') as Record<string, string>;
  const poll = Number(run.halt_poll_cycles);
  assert.ok(poll > 0, 'modern polls before it blocks');
  const f = Number(run.frequency_hz);
  const expectedAvgUs = ((Number(hlt.total_cycles) + Number(hlt.blocked_cycles) + poll) / f / Number(hlt.count)) * 1e6;
  const report = JSON.parse(exitsim('report', path.join(d, 'hp'), '--run', run.run_id, '--json').stdout) as Array<{ exits: Array<{ exit: string; avg_time_us: number }> }>;
  const row = report[0].exits.find((e) => e.exit === 'HLT') as { avg_time_us: number };
  assert.ok(Math.abs(row.avg_time_us - expectedAvgUs) < 1e-6 * expectedAvgUs, `${row.avg_time_us} vs ${expectedAvgUs}`);
  fs.rmSync(d, { recursive: true, force: true });
});

test('feature sets keep the labels the user typed in tables, CSV, JSON and reruns; the canonical set goes beside them', () => {
  const d = tmp();
  // "apicv,-ipiv" is canonically "apicv" (the preset apicv has no IPIv): it used to be renamed.
  const r = exitsim('compare', 'network-server', '--features', 'APICv, -ipiv', '--features', 'nehalem', '--quick', '--out', path.join(d, 'c'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /apicv,-ipiv \(baseline\)/);
  const rows = parse(fs.readFileSync(path.join(d, 'c', 'runs.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(rows.map((x) => [x.features, x.features_canonical]), [['apicv,-ipiv', 'apicv'], ['nehalem', 'nehalem']]);
  // A rerun shows the same labels, byte for byte.
  const again = exitsim('rerun', path.join(d, 'c', 'manifest.json'), '--out', path.join(d, 'again'));
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.readFileSync(path.join(d, 'again', 'runs.csv'), 'utf8'), fs.readFileSync(path.join(d, 'c', 'runs.csv'), 'utf8'));
  // An AMD profile's replicated compare: each set its own label, as typed.
  const amd = exitsim('compare', 'cpu-bound', '--profile', 'genoa', '--features', 'modern,-vmcb-clean', '--features', 'modern,-decode-assists', '--replications', '2', '--duration', '0.02', '--json');
  assert.equal(amd.code, 0, amd.stderr);
  assert.deepEqual(JSON.parse(amd.stdout).summary.map((s: { features: string }) => s.features), ['modern,-vmcb-clean', 'modern,-decode-assists']);
  // With no --features the labels are canonical, and both columns agree.
  const plain = exitsim('run', 'cpu-bound', '--quick', '--json');
  const run = JSON.parse(plain.stdout);
  const one = Array.isArray(run) ? run[0] : run.runs?.[0] ?? run;
  assert.equal(one.features, one.features_canonical);
  fs.rmSync(d, { recursive: true, force: true });
});
