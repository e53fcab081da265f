import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKvmUnitTestsLog } from '../../src/calibrate/log.js';

// exitsim calibrate end to end, on two published kvm-unit-tests runs (test/fixtures/kvm-unit-tests/,
// each citing its source) and on every bad input the issue names.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const fixtures = path.join(root, 'test', 'fixtures', 'kvm-unit-tests');
const LUTO = path.join(fixtures, 'lutomirski-2017-vmexit.log');
const AVERY = path.join(fixtures, 'avery-2019-svm.log');

function exitsim(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-calibrate-'));

test('calibrate on a published Intel vmexit run: the fitted tests reproduce within 2%, the rest are predicted, the profile says where each number came from', () => {
  const d = tmp();
  const out = path.join(d, 'my-host.json');
  const r = exitsim('calibrate', LUTO, '-o', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.ok(rep.fitted.length >= 3, 'round trip, in-kernel I/O and the user-space trip are fitted');
  for (const c of rep.reproduced) assert.ok(Math.abs(c.errorPct) <= 2, `${c.test}: ${c.errorPct}%`);
  assert.deepEqual(rep.held_back.map((c: { test: string }) => c.test).sort(), ['inl_from_kernel', 'inl_from_pmtimer', 'mov_from_cr8', 'mov_to_cr8', 'vmcall']);
  assert.equal(rep.leave_one_out.length, rep.fitted.length);
  const profile = JSON.parse(fs.readFileSync(out, 'utf8'));
  const base = JSON.parse(fs.readFileSync(path.join(root, 'profiles', `${rep.base}.json`), 'utf8'));
  assert.equal(profile.calibratedFrom.logs[0].sha256, crypto.createHash('sha256').update(fs.readFileSync(LUTO, 'utf8')).digest('hex'));
  assert.match(profile.kernelUserRoundTripCycles.source, /inl_from_qemu = 6856 cycles in lutomirski-2017-vmexit\.log/);
  // Every number not fitted is the base's.
  assert.deepEqual(profile.handlerCycles.cpuid, base.handlerCycles.cpuid);
  assert.deepEqual(profile.memoryReferenceCycles, base.memoryReferenceCycles);
  // The same log and flags give the same bytes.
  const again = exitsim('calibrate', LUTO, '-o', path.join(d, 'again.json'), '--name', 'my-host', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.readFileSync(path.join(d, 'again.json'), 'utf8'), fs.readFileSync(out, 'utf8'));
  // An ordinary profile: the commands take it, list profiles --dir shows it.
  for (const args of [['run', 'kernel-build', '--quick'], ['microbench'], ['explain', 'CPUID'], ['estimate', 'network-server']]) {
    const u = exitsim(...args, '--profile', out);
    assert.equal(u.code, 0, `${args.join(' ')}: ${u.stderr}`);
    assert.match(u.stdout, /my-host/);
  }
  const list = exitsim('list', 'profiles', '--dir', d);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /my-host[\s\S]*fitted by[\s\S]*exitsim calibrate/);
  fs.rmSync(d, { recursive: true, force: true });
});

test('calibrate from another generation\'s base moves the round trip, still reproduces within 2%, and says how far the base was', () => {
  const d = tmp();
  const r = exitsim('calibrate', LUTO, '-o', path.join(d, 'h.json'), '--base', 'skylake-sp');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /round trip\s+cpuid\s+1,313\s+754\s+\d+/);
  const json = JSON.parse(exitsim('calibrate', LUTO, '-o', path.join(d, 'h.json'), '--base', 'skylake-sp', '--force', '--json').stdout);
  const rt = json.fitted.find((f: { id: string }) => f.id.startsWith('stages'));
  assert.notEqual(rt.value, rt.baseValue);
  for (const c of json.reproduced) assert.ok(Math.abs(c.errorPct) <= 2, `${c.test}: ${c.errorPct}%`);
  fs.rmSync(d, { recursive: true, force: true });
});

test('calibrate on a published AMD svm run: an AMD base is guessed, VMLOAD/VMSAVE and the nested entry and exit are fitted, STGI/CLGI named as not used', () => {
  const d = tmp();
  const r = exitsim('calibrate', AVERY, '-o', path.join(d, 'epyc.json'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const base = JSON.parse(fs.readFileSync(path.join(root, 'profiles', `${rep.base}.json`), 'utf8'));
  assert.equal(base.arch, 'svm');
  assert.deepEqual(rep.fitted.map((f: { id: string }) => f.id).sort(), ['handlerCycles.nested-vmentry', 'handlerCycles.nested-vmexit', 'svm.vmloadCycles', 'svm.vmsaveCycles']);
  for (const c of rep.reproduced) assert.ok(Math.abs(c.errorPct) <= 2, `${c.test}: ${c.errorPct}%`);
  assert.deepEqual(rep.not_used.map((x: { test: string }) => x.test).sort(), ['svm_latency_clgi', 'svm_latency_stgi']);
  // An Intel base for an AMD log is refused.
  const wrong = exitsim('calibrate', AVERY, '-o', path.join(d, 'x.json'), '--base', 'sapphire-rapids');
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--base: expected an AMD SVM profile \(the log has svm figures, line 5 of .*avery-2019-svm.log: only such a host runs them\), found 'sapphire-rapids' \(Intel VT-x\)/);
  assert.ok(!fs.existsSync(path.join(d, 'x.json')));
  fs.rmSync(d, { recursive: true, force: true });
});

test('the log reader takes what people paste: quoting, timestamps, colours, CRLF, harness lines and repeats (median) read as the plain lines', () => {
  const plain = parseKvmUnitTestsLog('a', 'cpuid 1019\nvmcall 967\n');
  const pasted = parseKvmUnitTestsLog('b', '> [  12.345] \x1b[32mcpuid 1019\x1b[0m\r\n>> vmcall 967 cycles\r\nPASS vmexit_cpuid (1 tests)\nSKIP vmexit_ipi (0 tests)\n  ipi ipi 4000\ncr0 = 80010011\n');
  assert.deepEqual(pasted.tests.map((t) => [t.test, t.cycles]), plain.tests.map((t) => [t.test, t.cycles]));
  assert.deepEqual(pasted.harness.map((h) => h.status), ['PASS', 'SKIP']);
  const repeats = parseKvmUnitTestsLog('c', 'cpuid 1000\ncpuid 1030\ncpuid 1010\n');
  assert.equal(repeats.tests[0].cycles, 1010);
  assert.deepEqual(repeats.tests[0].lines, [1, 2, 3]);
  assert.equal(parseKvmUnitTestsLog('d', 'tsc: Detected 2593.906 MHz processor\ncpuid 1019\n').tscGHz, 2.593906);
  const ignored = parseKvmUnitTestsLog('e', 'cpuid 1019\nple_round_robin 33\n').ignored;
  assert.equal(ignored[0].test, 'ple_round_robin');
});

test('calibrate refuses every bad log with one message (file, what, expected, found), a non-zero exit and nothing written', async () => {
  // In this process (test/cli-in-process.ts): a dozen refusals without a dozen node start-ups.
  const { runInProcess } = await import('../cli-in-process.js');
  const d = tmp();
  const out = path.join(d, 'p.json');
  const cases: Array<[string, string, RegExp, string[]?]> = [
    ['empty', '', /an empty file/],
    ['no-known-test', 'enabling apic\ncr0 = 80010011\nSUMMARY: 0 tests\n', /expected a kvm-unit-tests figure calibrate reads .* found none in/],
    ['only-unusable', 'ple_round_robin 40\n', /found only tests it cannot use \(ple_round_robin\)/],
    ['negative', 'cpuid -1019\n', /line 1: expected a positive cycle count for cpuid/],
    ['absurd', 'cpuid 250000000\n', /line 1: expected cycles of one exit \(at most 1e\+8\) for cpuid/],
    ['contradicting', 'cpuid 1019\nvmcall 967\ncpuid 2400\n', /lines 1 and 3: expected repeated runs of cpuid within 10% of each other/],
    ['confidential', '[    0.000000] Memory Encryption Features active: AMD SEV SEV-ES\ncpuid 1019\n', /line 1: expected a plain VM's kvm-unit-tests log, found a confidential guest's/],
    ['arm64', 'name                                   total ns                         avg ns\nhvc                                 10430.0                           159.1\n', /line 2: expected x86 kvm-unit-tests output .* found an arm64 micro-bench table/],
    ['nested', 'cpuid 14886\nvmcall 14918\n', /expected a plain VM's cpuid .* near sapphire-rapids's nested \(L2\) guest/, ['--base', 'sapphire-rapids']],
  ];
  for (const [name, text, message, extra] of cases) {
    const f = path.join(d, `${name}.log`);
    fs.writeFileSync(f, text);
    const r = await runInProcess(['calibrate', f, '-o', out, ...(extra ?? [])]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('exitsim:') && !l.startsWith('exitsim: note:')).length, 1, `${name}: one message`);
    assert.ok(!fs.existsSync(out), `${name}: nothing written`);
  }
  // Two logs of one test that disagree: refused, naming both files.
  const a = path.join(d, 'a.log');
  const b = path.join(d, 'b.log');
  fs.writeFileSync(a, 'cpuid 1019\n');
  fs.writeFileSync(b, 'cpuid 1900\n');
  const two = await runInProcess(['calibrate', a, b, '-o', out]);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /cpuid within 10% of the same test in .*a\.log/);
  fs.rmSync(d, { recursive: true, force: true });
});

test('calibrate never replaces a file it did not write; --force replaces only its own profile; --frequency sets the clock', () => {
  const d = tmp();
  const mine = path.join(d, 'notes.json');
  fs.writeFileSync(mine, '{"mine": true}\n');
  for (const extra of [[], ['--force']]) {
    const r = exitsim('calibrate', LUTO, '-o', mine, ...extra);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(fs.readFileSync(mine, 'utf8'), '{"mine": true}\n');
  }
  const out = path.join(d, 'h.json');
  assert.equal(exitsim('calibrate', LUTO, '-o', out).code, 0);
  assert.equal(exitsim('calibrate', LUTO, '-o', out).code, 2, 'an existing file needs --force');
  const f = exitsim('calibrate', LUTO, '-o', out, '--force', '--frequency', '2.1');
  assert.equal(f.code, 0, f.stderr);
  assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).frequencyGHz.value, 2.1);
  assert.doesNotMatch(f.stderr, /does not say its TSC rate/);
  assert.equal(exitsim('calibrate', LUTO, '-o', out, '--force', '--frequency', '0').code, 2);
  fs.rmSync(d, { recursive: true, force: true });
});
