// arm64 KVM (issue 34): the decision-table rules on arm64, the split-mode and VHE world switch against
// closed forms, the arm micro-bench against its calibration figures, and every bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, root } from '../cli-spawn.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS, Profile } from '../../src/config/schema.js';
import { featureSetLabel, parseFeatureSet } from '../../src/exits/features.js';
import { loadProfile, shippedProfileNames } from '../../src/config/load.js';
import { ARM_MICROBENCH_TESTS, runMicrobenchTest } from '../../src/experiment/microbench.js';
import { decide, type DecisionContext } from '../../src/exits/resolve.js';
import type { EventKind } from '../../src/exits/decision-table.js';
import { exitReasonName, exitReasonPerfName, parseExitReason } from '../../src/exits/reasons.js';
import { exitReasonsTable } from '../../src/output/lists.js';
import { PUBLISHED_ARM_MICRO } from '../../src/validation/published.js';

const exitsim = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const prof = (n: string) => loadProfile(n).profile;

function ctx(features: string, extra: Partial<DecisionContext> = {}): DecisionContext {
  return {
    arch: 'arm64', features: parseFeatureSet(features), apicMode: 'x2apic', usesDebugRegisters: false, preemptionTimer: false, gicVersion: 'v3',
    shadowPageFaultExits: 2, deviceExitsPerOp: 1, lifecycleWriteTraps: 10, interruptWindowProbability: 0.5, levelTriggeredFraction: 0.25, tprBelowThresholdProbability: 0.5, ...extra,
  };
}
const exitsOf = (event: EventKind, features: string, extra: Partial<DecisionContext> = {}) =>
  decide(event, ctx(features, extra)).exits.map((e) => `${exitReasonName(e.reason)}:${e.handler}${e.probability < 1 ? `@${e.probability}` : ''}`);

test('arm64 decision rules: each event exits as arm64 KVM takes it, and the features remove what they should', () => {
  // Stage 2 is always on: no shadow-paging exit even with the feature removed by name.
  assert.deepEqual(exitsOf('page-fault', 'none'), []);
  assert.deepEqual(exitsOf('cr3-write', 'none'), []);
  assert.deepEqual(exitsOf('first-touch', 'none'), ['DABT_LOW:ept-violation']);
  assert.deepEqual(exitsOf('vmcall', 'none'), ['HVC64:vmcall']);
  assert.deepEqual(exitsOf('cpuid', 'none'), ['SYS64:cpuid']);
  assert.deepEqual(exitsOf('msr-write', 'none', { msrIntercepted: true }), ['SYS64:msr-write']);
  assert.deepEqual(exitsOf('msr-write', 'none', { msrIntercepted: false }), [], 'an untrapped system register runs natively');
  // The virtual timer: programmed without a trap, its expiry an IRQ exit with no interrupt window.
  assert.deepEqual(exitsOf('timer-program', 'none'), []);
  assert.deepEqual(exitsOf('timer-expiry', 'modern'), ['IRQ:preemption-timer']);
  // The vGIC: EOI without a trap, a level-triggered one with a maintenance interrupt.
  assert.deepEqual(exitsOf('eoi', 'none'), ['IRQ:eoi-induced@0.25']);
  assert.deepEqual(exitsOf('tpr-write', 'none'), []);
  // IPIs: GICv3 traps the sender (with GICv4.1 too), GICv2 takes a data abort; GICv4.1 spares the target.
  assert.deepEqual(exitsOf('ipi-send', 'modern'), ['SYS64:msr-write-icr']);
  assert.deepEqual(exitsOf('ipi-send', 'none', { gicVersion: 'v2' }), ['DABT_LOW:apic-access-icr']);
  assert.deepEqual(exitsOf('ipi-delivery', 'modern'), []);
  assert.deepEqual(exitsOf('ipi-delivery', 'modern,-gicv4.1'), ['IRQ:external-interrupt']);
  assert.deepEqual(exitsOf('ipi-target-away', 'none'), []);
  // Device interrupts: GICv4 injects vLPIs directly; without it a kick, and never an interrupt window.
  assert.deepEqual(exitsOf('interrupt-delivery', 'modern,-gicv4.1'), []);
  assert.deepEqual(exitsOf('interrupt-delivery', 'none'), ['IRQ:external-interrupt']);
  // WFI/WFE: trapped unless wfx-notrap; WFE's yield only with wfe-trap.
  assert.deepEqual(exitsOf('hlt', 'none'), ['WFx:hlt']);
  assert.deepEqual(exitsOf('hlt', 'modern,wfx-notrap'), []);
  assert.deepEqual(exitsOf('pause-spin', 'wfe-trap'), ['WFx:pause']);
  assert.deepEqual(exitsOf('pause-spin', 'none'), []);
  // No port I/O on arm64: a port access is an MMIO data abort.
  assert.deepEqual(exitsOf('io', 'modern', { deviceKind: 'virtio', deviceBus: 'pio' }), ['DABT_LOW:io-kernel']);
  assert.deepEqual(exitsOf('io', 'modern', { deviceKind: 'emulated', deviceBus: 'mmio' }), ['DABT_LOW:io-emulated']);
});

test('arm64 exits: names and codes as Linux gives them, perf names, and list exit-reasons --arch arm64', () => {
  for (const [name, code] of [['HVC64', 0x16], ['DABT_LOW', 0x24], ['IABT_LOW', 0x20], ['WFx', 0x01], ['SYS64', 0x18], ['SMC64', 0x17], ['SVE', 0x19], ['FP_ASIMD', 0x07]] as const) {
    const slot = parseExitReason(name, 'arm64');
    assert.ok(slot !== undefined, name);
    assert.equal(exitReasonPerfName(slot), name);
    assert.equal(parseExitReason(`0x${code.toString(16)}`, 'arm64'), slot);
  }
  assert.ok(parseExitReason('IRQ', 'arm64') !== undefined);
  assert.equal(parseExitReason('HVC64', 'vmx'), undefined, 'an arm64 name is not a VT-x exit');
  assert.equal(parseExitReason('CPUID', 'arm64'), undefined, 'nor a VT-x name an arm64 one');
  const text = exitReasonsTable('arm64');
  for (const n of ['DABT_LOW', 'HVC64', 'WFx', 'SYS64', 'IRQ']) assert.match(text, new RegExp(`\\b${n}\\b`));
  const cli = exitsim('list', 'exit-reasons', '--arch', 'arm64');
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /DABT_LOW/);
});

test('split mode against VHE: the closed form of the second switch, and VHE is the cheaper on the same hardware', () => {
  const altra = prof('altra');
  const a = altra.arm64!;
  const vhe = totalCycles(stageMeans(altra, DEFAULT_MSR_LISTS, 'vmcall', 'kernel', undefined, parseFeatureSet('modern,-gicv4')));
  const split = totalCycles(stageMeans(altra, DEFAULT_MSR_LISTS, 'vmcall', 'kernel', undefined, parseFeatureSet('modern,-gicv4,-vhe')));
  // Split mode adds each EL1 register set saved and restored both ways, and the ERET/HVC pair.
  assert.equal(split - vhe, 2 * (a.el1SysregSaveCycles.value + a.el1SysregRestoreCycles.value) + a.hostSwitchCycles.value);
  const hvc = ARM_MICROBENCH_TESTS.find((t) => t.name === 'hvc')!;
  const vheRow = runMicrobenchTest(hvc, altra, parseFeatureSet('modern,-gicv4'), { iterations: 500 });
  const splitRow = runMicrobenchTest(hvc, altra, parseFeatureSet('modern,-gicv4,-vhe'), { iterations: 500 });
  assert.ok(splitRow.cycles_per_iteration > vheRow.cycles_per_iteration * 2, `split ${splitRow.cycles_per_iteration} vs VHE ${vheRow.cycles_per_iteration}`);
  assert.equal(vheRow.exit_reasons, 'HVC64');
});

test('arm micro-bench: the calibration figures are reproduced within 2%, and every predicted one is reported', () => {
  for (const p of PUBLISHED_ARM_MICRO) {
    const t = ARM_MICROBENCH_TESTS.find((x) => x.name === p.test);
    assert.ok(t, `no simulated test ${p.test}`);
    const row = runMicrobenchTest(t, prof(p.profile), parseFeatureSet(p.features), { iterations: 1000 });
    assert.ok(row.ns_per_iteration > 0, p.test);
    if (p.kind === 'calibration') assert.ok(Math.abs(row.ns_per_iteration / p.publishedNs - 1) < 0.02, `${p.profile} ${p.test}: ${row.ns_per_iteration} ns vs ${p.publishedNs}`);
  }
  // eoi takes no exit on any arm64 profile: the vGIC's virtual CPU interface.
  const eoi = runMicrobenchTest(ARM_MICROBENCH_TESTS.find((x) => x.name === 'eoi')!, prof('xgene'), parseFeatureSet('none'), { iterations: 500 });
  assert.equal(eoi.exits_per_iteration, 0);
});

test('arm64 profiles: five shipped, each with its arm64 costs and a source for every number', () => {
  const names = shippedProfileNames().filter((n) => prof(n).arch === 'arm64').sort();
  assert.deepEqual(names, ['altra', 'graviton3', 'kunpeng920', 'seattle', 'xgene']);
  for (const n of names) {
    const p = prof(n);
    assert.ok(p.arm64, n);
    assert.equal(p.capabilities.vhe, !['xgene', 'seattle'].includes(n), `${n} VHE`);
    for (const [k, v] of Object.entries(p.handlerCycles)) assert.ok(v && v.source.length > 10, `${n} ${k}`);
  }
  assert.equal(prof('graviton3').capabilities.ipiv, true);
  assert.equal(prof('kunpeng920').capabilities.apicv && !prof('kunpeng920').capabilities.ipiv, true);
});

test('arm64 feature labels use arm64 words and parse back to the same set', () => {
  for (const text of ['modern', 'none', 'modern,-gicv4.1', 'modern,-gicv4', 'modern,-vhe', 'wfe-trap,ioeventfd', 'modern,wfx-notrap']) {
    const set = parseFeatureSet(text);
    const label = featureSetLabel(set, 'arm64');
    assert.doesNotMatch(label, /apicv|ipiv|\bple\b|\bept\b/, label);
    const ignore = parseFeatureSet('ept,vpid,msr-bitmap,tpr-shadow,vmcb-clean,decode-assists,vmcs-shadowing,nested-ept,evmcs,v-vmsave-vmload,vgif');
    assert.equal(parseFeatureSet(label) & ~ignore, set & ~ignore, `${text} → ${label}`);
  }
  assert.equal(featureSetLabel(parseFeatureSet('modern,-gicv4'), 'arm64'), featureSetLabel(parseFeatureSet('modern,-gicv4,-gicv4.1'), 'arm64'), 'removing gicv4 takes gicv4.1 along');
});

test('bad input on arm64: x86-only features and VM types, arm64 features on x86, profiles that mix', () => {
  const refused = (args: string[], field: RegExp, found: RegExp) => {
    const r = exitsim(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, field, r.stderr);
    assert.match(r.stderr, found, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one message: ${r.stderr}`);
  };
  refused(['explain', 'HVC64', '--profile', 'altra', '--features', 'vhe,evmcs'], /features/, /'evmcs'.*arm64 KVM profile/);
  refused(['explain', 'HVC64', '--profile', 'xgene', '--features', 'vhe'], /features/, /no VHE/);
  refused(['explain', 'HVC64', '--profile', 'altra', '--features', 'gicv4'], /features/, /no GICV4/);
  refused(['microbench', '--profile', 'altra', '--vm-type', 'nested'], /--vm-type/, /FEAT_NV2/);
  refused(['microbench', '--profile', 'graviton3', '--vm-type', 'sev-snp'], /--vm-type/, /AMD/);
  refused(['microbench', '--profile', 'altra', '--vm-type', 'tdx'], /--vm-type/, /Intel/);
  // Profiles that mix architectures fail the schema with one message each.
  const genoa = loadProfile('genoa').profile;
  assert.throws(() => Profile.parse({ ...genoa, arch: 'arm64' }), /arm64 costs/);
  const altra = loadProfile('altra').profile;
  assert.throws(() => Profile.parse({ ...altra, arch: 'vmx' }), /arm64 costs only on an arm64 profile/);
  assert.throws(() => Profile.parse({ ...genoa, capabilities: { ...genoa.capabilities, vhe: true } }), /vhe/);
  assert.throws(() => Profile.parse({ ...altra, capabilities: { ...altra.capabilities, pml: true } }), /pml/);
});

test('import: an arm64 perf kvm stat trap table defaults to an arm64 profile, says so, and its replay has the measured classes; a lumped TRAP row is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-arm64-import-'));
  const out = path.join(dir, 'measured.json');
  const r = exitsim('import', 'test/fixtures/import/perf-arm64-trap.txt', '-o', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /arm64 host's table.*profile altra assumed/);
  assert.match(r.stdout, /IRQ exits .* are not in it/);
  const scenario = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(scenario.host.profile, 'altra');
  const run = exitsim('run', out, '--duration', '0.3', '--json');
  assert.equal(run.code, 0, run.stderr);
  const exits = JSON.parse(run.stdout).total.exits as Record<string, { rate_per_s: number }>;
  // The measured classes at their measured rates (1 s window assumed, 1 vCPU), within the run's noise.
  for (const [name, rate] of [['DABT_LOW', 4000], ['WFx', 3000], ['SYS64', 2000], ['HVC64', 800]] as const) {
    assert.ok(exits[name], `${name} in the replay`);
    assert.ok(Math.abs(exits[name].rate_per_s / rate - 1) < 0.25, `${name}: ${exits[name].rate_per_s}/s vs ${rate}/s`);
  }
  assert.equal(Object.keys(exits).some((n) => /^(EPT_VIOLATION|HLT|VMCALL|MSR_WRITE)$/.test(n)), false, 'arm64 names only');
  // An x86 profile for an arm64 table is refused: its exits are another architecture's.
  const wrong = exitsim('import', 'test/fixtures/import/perf-arm64-trap.txt', '-o', path.join(dir, 'x.json'), '--profile', 'sapphire-rapids');
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /--profile.*arm64 KVM/);
  const lumped = exitsim('import', 'test/fixtures/import/bad-arm64-trap-row.txt', '-o', path.join(dir, 'b.json'));
  assert.equal(lumped.code, 2);
  assert.match(lumped.stderr, /line 6: expected exception classes .*--event=trap/);
  assert.equal(fs.existsSync(path.join(dir, 'b.json')), false, 'nothing written');
});
