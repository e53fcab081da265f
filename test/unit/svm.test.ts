// AMD SVM (issue 19): the world switch, the SVM features and AVIC's exits, against closed forms
// and against the same guest on VT-x.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertEveryPcpuCycleBooked, profile, simulate, simulateRaw, workload } from '../helpers.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { loadProfile, shippedProfileNames } from '../../src/config/load.js';
import { MICROBENCH_TESTS, runMicrobenchTest } from '../../src/experiment/microbench.js';
import { explainExit } from '../../src/exits/explain.js';
import { explainText } from '../../src/output/explain.js';
import { parseExitReason } from '../../src/exits/reasons.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const micro = (name: string) => MICROBENCH_TESTS.find((t) => t.name === name)!;

test('every shipped AMD profile is SVM, has its world-switch costs, and names a source for each', () => {
  const amd = shippedProfileNames().filter((n) => loadProfile(n).profile.arch === 'svm');
  assert.deepEqual(amd.sort(), ['barcelona', 'genoa', 'k8', 'milan', 'rome', 'turin']);
  for (const n of amd) {
    const p = loadProfile(n).profile;
    assert.ok(p.svm, n);
    for (const c of Object.values(p.svm!)) assert.ok(c.source.length > 20, `${n}: ${c.source}`);
    assert.equal(p.capabilities.preemptionTimer, false, `${n}: SVM has no VMX preemption timer`);
  }
  assert.equal(loadProfile('k8').profile.capabilities.ept, false, 'one profile before nested paging');
  assert.equal(loadProfile('barcelona').profile.capabilities.apicv, false, 'one with NPT and no AVIC');
  assert.equal(loadProfile('milan').profile.capabilities.x2avic, false);
  assert.equal(loadProfile('genoa').profile.capabilities.x2avic, true);
});

test('SVM closed form: one CPUID kind at rate λ on genoa gives 1/(1+λc/f) with c the SVM round trip', () => {
  const p = profile('genoa', (x) => {
    x.stageCv.value = 0;
    x.handlerCv.value = 0;
  });
  const w = workload({ name: 'a', description: 'cpuid', sources: ['t'], kind: 'closed', unitName: 'u', cyclesPerUnit: 1_000_000, events: [{ kind: 'cpuid', perGuestSec: 20_000, distribution: 'constant', nativeCycles: 0, source: 't' }] });
  const raw = simulateRaw({ scenario: { name: 'a', host: { pcpus: 1, hostTickHz: 0, profile: 'genoa' }, vms: [{ workload: 'a', vcpus: 1 }], durationSec: 0.2 }, workloads: [w], profile: p, features: 'modern' });
  assertEveryPcpuCycleBooked(raw, 'genoa');
  const s = simulate({ scenario: { name: 'a', host: { pcpus: 1, hostTickHz: 0, profile: 'genoa' }, vms: [{ workload: 'a', vcpus: 1 }], durationSec: 0.2 }, workloads: [w], profile: p, features: 'modern' });
  const c = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'cpuid', 'kernel', undefined, parseFeatureSet('modern')));
  const expected = 1 / (1 + (20_000 * c) / (p.frequencyGHz.value * 1e9));
  assert.ok(Math.abs((s.total.efficiency as number) - expected) < 5e-4, `${s.total.efficiency} vs ${expected}`);
  assert.ok(s.total.exits.CPUID.count > 0, 'the exit is named as SVM names it');
  // The stages: VMSAVE and VMLOAD sit in the MSR-store and MSR-load slots, VMLOAD + VMRUN in entry.
  const b = stageMeans(p, DEFAULT_MSR_LISTS, 'cpuid', 'kernel', undefined, parseFeatureSet('modern'));
  assert.equal(b.msrStore, p.svm!.vmsaveCycles.value);
  assert.equal(b.msrLoad, p.svm!.vmloadCycles.value);
  assert.equal(b.entry, p.svm!.vmloadCycles.value + p.stages.entryCycles.value - p.svm!.cleanBitsSavedCycles.value);
});

test('VMCB clean bits and decode assists change what an exit costs, by their profile figures', () => {
  const g = loadProfile('genoa').profile;
  const cpuid = (f: string) => runMicrobenchTest(micro('cpuid'), g, parseFeatureSet(f)).cycles_per_iteration;
  const base = cpuid('modern');
  assert.ok(Math.abs(cpuid('modern,-vmcb-clean') - base - g.svm!.cleanBitsSavedCycles.value) <= 0.02 * base);
  assert.ok(Math.abs(cpuid('modern,-decode-assists') - base - g.svm!.softwareDecodeCycles.value) <= 0.02 * base);
  // IOIO carries its next RIP in EXITINFO2 on every SVM part: no software decode for port I/O.
  const io = (f: string) => runMicrobenchTest(micro('outl_to_kernel'), g, parseFeatureSet(f)).cycles_per_iteration;
  assert.ok(Math.abs(io('modern,-decode-assists') - io('modern')) <= 0.02 * io('modern'));
});

test('the same guest: VT-x names on Intel, SVM names on AMD, and the counts line up', () => {
  const a = simulate({ scenario: { name: 'k', host: { pcpus: 4, profile: 'sapphire-rapids' }, vms: [{ workload: 'kernel-build', vcpus: 2, count: 2 }], durationSec: 0.1 }, workloads: [loadKb()], profile: profile('sapphire-rapids'), features: 'modern' });
  const b = simulate({ scenario: { name: 'k', host: { pcpus: 4, profile: 'genoa' }, vms: [{ workload: 'kernel-build', vcpus: 2, count: 2 }], durationSec: 0.1 }, workloads: [loadKb()], profile: profile('genoa'), features: 'modern' });
  assert.ok(a.total.exits.EPT_VIOLATION.count > 0 && !('NPF' in a.total.exits));
  assert.ok(b.total.exits.NPF.count > 0 && !('EPT_VIOLATION' in b.total.exits));
  assert.equal(b.features, 'modern');
  // No VMX preemption timer on AMD: the guest timer's expiry is a host interrupt (INTR).
  assert.ok((a.total.exits.PREEMPTION_TIMER?.count ?? 0) > 0 && (b.total.exits.INTR?.count ?? 0) > 0);
});

function loadKb() {
  return workload(JSON.parse(fs.readFileSync(path.join(root, 'workloads', 'kernel-build.json'), 'utf8')));
}

// Two vCPUs: vCPU 0 sends IPIs to vCPU 1, which idles (halts) between them.
const ipiGuest = workload({
  name: 'ipi', description: 'IPIs to a halting target', sources: ['t'], kind: 'closed', unitName: 'u', cyclesPerUnit: 200_000, activeVcpus: 1, apicMode: 'x2apic',
  interruptHandlerCycles: 200, timerProgramsPerIdleEntry: 0,
  events: [{ kind: 'ipi-send', perUnit: 1, distribution: 'constant', source: 't' }],
});
const ipiRun = (p: string, features: string, halt = true) =>
  simulate({ scenario: { name: 'ipi', host: { pcpus: 2, profile: p, hostTickHz: 0 }, vms: [{ workload: 'ipi', vcpus: 2 }], durationSec: 0.05 }, workloads: [ipiGuest], profile: profile(p), features: halt ? features : `${features},exitless-idle` });

test('AVIC: an IPI to a halted target exits with AVIC_INCOMPLETE_IPI; IPIv posts it without an exit; a running target costs neither', () => {
  const amd = ipiRun('genoa', 'modern,-halt-polling');
  const intel = ipiRun('sapphire-rapids', 'modern,-halt-polling');
  assert.ok((amd.total.exits.AVIC_INCOMPLETE_IPI?.count ?? 0) > 0, JSON.stringify(Object.keys(amd.total.exits)));
  assert.equal(intel.total.exits.AVIC_INCOMPLETE_IPI, undefined);
  assert.ok(!Object.keys(intel.total.exits).some((k) => k === 'MSR_WRITE' || k === 'APIC_WRITE'), 'IPIv: the ICR write does not exit');
  // The target idles in guest mode (exitless idle): AVIC delivers to a running vCPU without an exit.
  const running = ipiRun('genoa', 'modern,-halt-polling', false);
  assert.equal(running.total.exits.AVIC_INCOMPLETE_IPI, undefined);
});

test('x2AVIC: an x2APIC guest keeps AVIC on Genoa and loses it on Milan (KVM inhibits AVIC); an xAPIC guest keeps it on both', () => {
  const idle = (p: string, apicMode: 'xapic' | 'x2apic') =>
    simulate({
      scenario: { name: 'i', host: { pcpus: 2, profile: p, hostTickHz: 0 }, vms: [{ workload: 'idle', vcpus: 2 }], durationSec: 0.05 },
      workloads: [workload({ name: 'idle', description: 'timer', sources: ['t'], kind: 'closed', unitName: 'u', cyclesPerUnit: 100_000, apicMode, timerProgramsPerIdleEntry: 0, events: [{ kind: 'timer', perWallSec: 2000, source: 't' }] })],
      profile: profile(p),
      features: 'modern',
    });
  // Each tick re-arms the TSC deadline (an MSR exit everywhere); only an emulated APIC adds the EOI's exit.
  const apicExits = (s: ReturnType<typeof idle>) => (s.total.exits.MSR?.count ?? 0) + (s.total.exits.NPF?.count ?? 0);
  const genoa = apicExits(idle('genoa', 'x2apic'));
  assert.ok(genoa > 0);
  assert.ok(apicExits(idle('milan', 'x2apic')) >= 1.9 * genoa, 'no x2AVIC: the EOI MSR write exits too');
  assert.equal(apicExits(idle('milan', 'xapic')), genoa, 'xAPIC: AVIC works on Milan');
  assert.match(explainExit(parseExitReason('AVIC_UNACCELERATED_ACCESS', 'svm')!, loadProfile('milan').profile, parseFeatureSet('modern')).notes.join(' '), /inhibits AVIC/);
});

test('CLI: explain on an AMD profile shows the SVM world switch; compare puts Intel and AMD side by side', () => {
  const genoa = loadProfile('genoa').profile;
  for (const r of ['NPF', 'IOIO', 'MSR', 'HLT', 'VMMCALL', 'AVIC_INCOMPLETE_IPI']) {
    const e = explainExit(parseExitReason(r, 'svm')!, genoa, parseFeatureSet('modern'));
    const text = explainText(e, genoa, 'modern');
    assert.match(text, new RegExp(`^${r} \\(#VMEXIT code 0x`));
    assert.match(text, /VMSAVE guest/);
    assert.match(text, /VMLOAD guest \+ VMRUN/);
    assert.ok(e.rule !== undefined && e.happens, `${r}: a decision-table rule produces it under modern`);
    assert.equal(e.stages.reduce((a, x) => a + x.cycles, 0), e.totalCycles, `${r}: the stages add up to the round trip`);
  }
  const j = JSON.parse(exitsim('explain', 'npf', '--profile', 'genoa', '--json').stdout);
  assert.equal(j.exit_reason, 'NPF');
  assert.equal(j.number, 0x400);
  assert.equal(j.arch, 'svm');
  const c = exitsim('compare', 'cpu-bound', '--profile', 'sapphire-rapids', '--profile', 'genoa', '--features', 'modern', '--quick', '--json');
  assert.equal(c.code, 0, c.stderr);
  const runs = JSON.parse(c.stdout).runs as Array<{ profile: string }>;
  assert.deepEqual(runs.map((r) => r.profile), ['sapphire-rapids', 'genoa']);
  const m = JSON.parse(exitsim('microbench', '--profile', 'genoa', '--json').stdout);
  assert.ok(m.tests.some((t: { test: string; exit_reasons: string }) => t.test === 'invd' && t.exit_reasons === 'INVD'));
  assert.ok(m.tests.every((t: { cycles_per_iteration: number }) => t.cycles_per_iteration > 0));
});

test('import reads an AMD perf kvm stat table (genoa by default) and report writes one back with perf\'s AMD names', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-svm-'));
  const imp = exitsim('import', 'test/fixtures/import/perf-amd-svm.txt', '--out', path.join(d, 'amd.yaml'));
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /profile genoa assumed/);
  const run = exitsim('run', path.join(d, 'amd.yaml'), '--duration', '0.05', '--warmup', '0.005', '--out', path.join(d, 'res'));
  assert.equal(run.code, 0, run.stderr);
  const rep = exitsim('report', path.join(d, 'res'));
  assert.equal(rep.code, 0, rep.stderr);
  for (const name of ['npf', 'msr', 'hlt', 'interrupt']) assert.match(rep.stdout, new RegExp(`^ +${name} +\\d+`, 'm'));
  fs.writeFileSync(path.join(d, 'report.txt'), rep.stdout);
  const back = exitsim('import', path.join(d, 'report.txt'), '--out', path.join(d, 'back.yaml'));
  assert.equal(back.code, 0, back.stderr);
});

test('a sweep never labels two feature sets alike: an AMD-only sweep speaks SVM words, a mixed one falls back to a label naming every feature', async () => {
  const { expandSweep, sweepLabels } = await import('../../src/experiment/sweep-spec.js');
  const base = { name: 'l', host: { pcpus: 2, profile: 'genoa' }, vms: [{ workload: 'cpu-bound', vcpus: 2 }], durationSec: 0.01 };
  const amd = expandSweep({ name: 'l', base, parameters: [], featureSets: ['modern,-vmcb-clean', 'modern,-decode-assists', 'modern'], replications: 1 }, 'test');
  const labels = sweepLabels(amd);
  assert.equal(new Set(labels).size, 3, labels.join(' | '));
  assert.deepEqual(labels, ['modern,-vmcb-clean', 'modern,-decode-assists', 'modern']);
  const mixed = expandSweep({ name: 'l', base, parameters: [{ path: 'host.profile', values: ['genoa', 'sapphire-rapids'] }], featureSets: ['modern,-vmcb-clean', 'modern,-decode-assists'], replications: 1 }, 'test');
  const mixedLabels = sweepLabels(mixed);
  assert.equal(new Set(mixedLabels).size, 2, mixedLabels.join(' | '));
});

test('explain on a VT-x profile reads an AMD exit name (intr, INTR) as its VT-x counterpart and says so', async () => {
  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/exitsim.js');
  for (const name of ['intr', 'INTR']) {
    const r = spawnSync(process.execPath, [bin, 'explain', name], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /is not an Intel VT-x exit; on sapphire-rapids its counterpart is EXTERNAL_INTERRUPT/);
    assert.match(r.stdout, /^EXTERNAL_INTERRUPT/);
  }
});
