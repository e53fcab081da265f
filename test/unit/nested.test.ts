// Nested guests (issue 20, first part): an L2 guest's exits as exits that cause exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../../src/config/load.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { nestedExits, UNSHADOWED_VMREADS, UNSHADOWED_VMWRITES } from '../../src/exits/nested.js';
import { exitReasonName, parseExitReason } from '../../src/exits/reasons.js';
import { explainExit } from '../../src/exits/explain.js';
import { MICROBENCH_TESTS, runMicrobenchTest } from '../../src/experiment/microbench.js';
import { assertEveryPcpuCycleBooked, profile, simulate, simulateRaw } from '../helpers.js';
import { loadWorkload } from '../../src/config/load.js';

const cpuid = MICROBENCH_TESTS.find((t) => t.name === 'cpuid')!;
const names = (xs: Array<{ reason: number; location: string; repeat: number }>) => xs.map((x) => `${exitReasonName(x.reason)}@${x.location}×${x.repeat}`);

test('a reflected exit: L2→L0 with nested VM-exit emulation, L1\'s handler, then VMRESUME with nested VM-entry emulation', () => {
  const cpuidExit = { reason: parseExitReason('CPUID')!, handler: 'cpuid' as const, location: 'kernel' as const, repeat: 1, probability: 1 };
  assert.deepEqual(names(nestedExits([cpuidExit], { arch: 'vmx', features: parseFeatureSet('modern') })), ['CPUID@kernel×1', 'CPUID@l1×1', 'VMRESUME@kernel×1']);
  assert.deepEqual(names(nestedExits([cpuidExit], { arch: 'vmx', features: parseFeatureSet('modern,-vmcs-shadowing') })), [
    'CPUID@kernel×1', 'CPUID@l1×1', `VMREAD@kernel×${UNSHADOWED_VMREADS}`, `VMWRITE@kernel×${UNSHADOWED_VMWRITES}`, 'VMRESUME@kernel×1',
  ]);
  // SVM: L1 reads its VMCB in memory (no VMREAD/VMWRITE) and enters L2 with VMRUN.
  const npf = { reason: parseExitReason('NPF', 'svm')!, handler: 'ept-violation' as const, location: 'kernel' as const, repeat: 1, probability: 1 };
  assert.deepEqual(names(nestedExits([npf], { arch: 'svm', features: parseFeatureSet('modern') })), ['NPF@kernel×1', 'NPF@l1×1', 'VMRUN@kernel×1', 'NPF@kernel×1']);
  // Without virtual VMLOAD/VMSAVE and vGIF, L1's VMLOAD ×2, VMSAVE, CLGI and STGI around its VMRUN exit too.
  assert.deepEqual(names(nestedExits([npf], { arch: 'svm', features: 0 })), ['NPF@kernel×1', 'NPF@l1×1', 'VMLOAD@kernel×2', 'VMSAVE@kernel×1', 'CLGI@kernel×1', 'STGI@kernel×1', 'VMRUN@kernel×1']);
  // The host tick is L0's own: not reflected.
  const tick = { reason: parseExitReason('EXTERNAL_INTERRUPT')!, handler: 'host-tick' as const, location: 'kernel' as const, repeat: 1, probability: 1 };
  assert.deepEqual(names(nestedExits([tick], { arch: 'vmx', features: 0 })), ['EXTERNAL_INTERRUPT@kernel×1']);
});

test('nested CPUID round trips: the fitted figures (SKX 6,850, EMR 7,900), and explain\'s stages add up to the simulated round trip', () => {
  const skx = loadProfile('skylake-sp').profile;
  const spr = loadProfile('sapphire-rapids').profile;
  const sim = (p: typeof skx, f: string) => runMicrobenchTest(cpuid, p, parseFeatureSet(f), { vmType: 'nested' }).cycles_per_iteration;
  assert.ok(Math.abs(sim(skx, 'apicv,vmcs-shadowing') / 6850 - 1) < 0.02);
  assert.ok(Math.abs(sim(spr, 'modern') / 7900 - 1) < 0.02);
  const e = explainExit(parseExitReason('CPUID')!, spr, parseFeatureSet('modern'), 'x2apic', 'nested');
  assert.ok(Math.abs(e.totalCycles + 1 - sim(spr, 'modern')) <= 0.01 * e.totalCycles, `${e.totalCycles} vs ${sim(spr, 'modern')}`);
  // Without VMCS shadowing every reflected exit adds its VMREAD/VMWRITE round trips.
  assert.ok(sim(spr, 'modern,-vmcs-shadowing') > 4 * sim(spr, 'modern'), 'some 30 more round trips');
});

test('a nested guest costs more than the same guest as a plain VM; VMCS shadowing matters only to the nested one; every cycle is booked', () => {
  const kb = loadWorkload('network-server').workload;
  const run = (vmType: 'plain' | 'nested', features: string) =>
    simulate({ scenario: { name: 'n', host: { pcpus: 4 }, vms: [{ workload: kb.name, vcpus: 2, count: 2 }], durationSec: 0.05, vmType }, workloads: [kb], profile: profile(), features });
  const plain = run('plain', 'modern');
  const plainNoShadow = run('plain', 'modern,-vmcs-shadowing');
  const nested = run('nested', 'modern');
  const nestedNoShadow = run('nested', 'modern,-vmcs-shadowing');
  assert.equal(plain.total.efficiency, plainNoShadow.total.efficiency, 'a plain VM has no use for VMCS shadowing');
  assert.ok((nested.total.efficiency as number) < (plain.total.efficiency as number));
  assert.ok((nestedNoShadow.total.efficiency as number) < (nested.total.efficiency as number));
  assert.ok(nested.total.cycles_by_stage.handler_l1 > 0 && plain.total.cycles_by_stage.handler_l1 === 0);
  const lv = nested.exits_by_level!;
  assert.equal(lv.l2_reflected_to_l1, nested.total.exits.VMRESUME.count);
  assert.equal(lv.l2_handled_in_l0 + lv.l2_reflected_to_l1 + lv.l1_own, nested.total.exit_count);
  assert.equal(plain.exits_by_level, undefined);
  const raw = simulateRaw({ scenario: { name: 'n', host: { pcpus: 4 }, vms: [{ workload: kb.name, vcpus: 2, count: 2 }], durationSec: 0.05, vmType: 'nested' }, workloads: [kb], profile: profile(), features: 'modern,-vmcs-shadowing' });
  assertEveryPcpuCycleBooked(raw, 'nested, no shadowing');
});

test('the analytic estimate of a nested guest: L1 handler steps have no transition of their own, and it lands near the engine', async () => {
  const { estimateRun } = await import('../../src/estimate/analytic.js');
  const { resolveScenario } = await import('../../src/request/scenario.js');
  const r = resolveScenario('network-server', { vmType: 'nested', durationSec: 0.2 });
  const est = estimateRun(r, parseFeatureSet('modern')).total.efficiency as number;
  const kb = loadWorkload('network-server').workload;
  const exact = simulate({ scenario: { name: 'n', host: { pcpus: 4 }, vms: [{ workload: kb.name, vcpus: 2, count: 2 }], durationSec: 0.2, vmType: 'nested' }, workloads: [kb], profile: profile(), features: 'modern' }).total.efficiency as number;
  assert.ok(Math.abs(est - exact) < 0.03, `estimate ${est} vs engine ${exact}`);
});

test('nested EPT: an L2 first touch is reflected to L1 and then filled in EPT02 by L0 alone; without nested EPT, L1 shadow-pages L2', () => {
  const firstTouch = { reason: parseExitReason('EPT_VIOLATION')!, handler: 'ept-violation' as const, location: 'kernel' as const, repeat: 1, probability: 1 };
  assert.deepEqual(names(nestedExits([firstTouch], { arch: 'vmx', features: parseFeatureSet('modern') })), ['EPT_VIOLATION@kernel×1', 'EPT_VIOLATION@l1×1', 'VMRESUME@kernel×1', 'EPT_VIOLATION@kernel×1']);
  assert.deepEqual(names(nestedExits([firstTouch], { arch: 'vmx', features: parseFeatureSet('modern,-nested-ept') })), ['EPT_VIOLATION@kernel×1', 'EPT_VIOLATION@l1×1', 'VMRESUME@kernel×1']);
  const kb = loadWorkload('kernel-build').workload;
  const run = (features: string) =>
    simulate({ scenario: { name: 'n', host: { pcpus: 2 }, vms: [{ workload: kb.name, vcpus: 2, count: 1 }], durationSec: 0.05, vmType: 'nested' }, workloads: [kb], profile: profile(), features });
  const onEpt = run('modern');
  const shadowed = run('modern,-nested-ept');
  assert.ok((shadowed.total.efficiency as number) < (onEpt.total.efficiency as number) - 0.05, `${shadowed.total.efficiency} vs ${onEpt.total.efficiency}`);
  assert.ok((shadowed.total.exits.EXCEPTION_NMI?.count ?? 0) > 0 && (shadowed.total.exits.CR_ACCESS?.count ?? 0) > 0, 'shadow paging\'s #PF and CR3 exits, reflected');
  assert.equal(onEpt.total.exits.EXCEPTION_NMI, undefined);
  const lv = onEpt.exits_by_level!;
  assert.equal(lv.l2_handled_in_l0 + lv.l2_reflected_to_l1 + lv.l1_own, onEpt.total.exit_count);
  assert.ok(lv.l2_handled_in_l0 >= (onEpt.total.exits.EPT_VIOLATION.count - onEpt.total.exits.VMRESUME.count), 'the EPT02 fills stay in L0');
});

test('an enlightened VMCS: no VMREAD/VMWRITE exits even without VMCS shadowing, a cheaper nested entry; refused on SVM and for a plain VM', async () => {
  const spr = loadProfile('sapphire-rapids').profile;
  const cpuidExit = { reason: parseExitReason('CPUID')!, handler: 'cpuid' as const, location: 'kernel' as const, repeat: 1, probability: 1 };
  const steps = nestedExits([cpuidExit], { arch: 'vmx', features: parseFeatureSet('modern,-vmcs-shadowing,evmcs') });
  assert.deepEqual(names(steps), ['CPUID@kernel×1', 'CPUID@l1×1', 'VMRESUME@kernel×1']);
  assert.equal(steps[2].handler, 'nested-vmentry-evmcs');
  const sim = (f: string) => runMicrobenchTest(cpuid, spr, parseFeatureSet(f), { vmType: 'nested' }).cycles_per_iteration;
  assert.ok(sim('modern,evmcs') < sim('modern'));
  assert.ok((spr.handlerCycles['nested-vmentry-evmcs']?.value ?? Infinity) < (spr.handlerCycles['nested-vmentry']?.value ?? 0));
  const { spawnSync } = await import('node:child_process');
  const plain = spawnSync(process.execPath, ['bin/exitsim.js', 'run', 'cpu-bound', '--features', 'modern,vmcs-shadowing', '--duration', '0.02'], { encoding: 'utf8' });
  assert.equal(plain.status, 2);
  assert.match(plain.stderr, /--features: expected features a plain VM can use \(vmcs-shadowing applies only to a nested guest\), found 'vmcs-shadowing'/);
  const removal = spawnSync(process.execPath, ['bin/exitsim.js', 'run', 'cpu-bound', '--features', 'modern,-vmcs-shadowing', '--duration', '0.02'], { encoding: 'utf8' });
  assert.equal(removal.status, 0, 'removing one is harmless');
  const amd = spawnSync(process.execPath, ['bin/exitsim.js', 'run', 'cpu-bound', '--profile', 'genoa', '--vm-type', 'nested', '--features', 'modern,evmcs', '--duration', '0.02'], { encoding: 'utf8' });
  assert.equal(amd.status, 2);
  assert.match(amd.stderr, /the enlightened VMCS is Hyper-V's VT-x interface/);
});
