// Confidential VMs (issue 20): TDX trust domains and SEV-ES/SEV-SNP guests as VM types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile, loadWorkload } from '../../src/config/load.js';
import { Profile, type HandlerName } from '../../src/config/schema.js';
import { confidentialExits, type ConfidentialVmType } from '../../src/exits/confidential.js';
import { explainExit } from '../../src/exits/explain.js';
import { FEATURE_BIT, parseFeatureSet, vmEffectiveFeatures, vmFeatureSetLabel } from '../../src/exits/features.js';
import { exitReasonCode, exitReasonName, exitReasonPerfName, parseExitReason } from '../../src/exits/reasons.js';
import { MICROBENCH_TESTS, runMicrobenchTest } from '../../src/experiment/microbench.js';
import { assertEveryPcpuCycleBooked, simulate, simulateRaw } from '../helpers.js';

const BIN = path.resolve('bin/exitsim.js');
const spr = () => loadProfile('sapphire-rapids').profile;
const genoa = () => loadProfile('genoa').profile;
const step = (reason: string, handler: HandlerName, arch: 'vmx' | 'svm' = 'vmx', location: 'kernel' | 'user' = 'kernel') => ({ reason: parseExitReason(reason, arch)!, handler, location, repeat: 1, probability: 1 });
const shown = (vmType: ConfidentialVmType, xs: ReturnType<typeof step>[]) =>
  confidentialExits(xs, { vmType }).map((x) => `${exitReasonName(x.reason)}:${x.handler}@${x.location}${x.via ? `/${x.via}` : ''}`);

test('TDX: #VE exits become a guest step and a TDVMCALL by sub-leaf; paravirtual calls skip the #VE; the module answers CPUID; RDTSC does not exit', () => {
  assert.deepEqual(shown('tdx', [step('IO_INSTRUCTION', 'io-user', 'vmx', 'user')]), ['TDVMCALL_IO:tdx-ve@guest', 'TDVMCALL_IO:io-user@user/tdvmcall']);
  assert.deepEqual(shown('tdx', [step('EPT_MISCONFIG', 'mmio-kernel')]), ['TDVMCALL_MMIO:tdx-ve@guest', 'TDVMCALL_MMIO:mmio-kernel@kernel/tdvmcall']);
  assert.deepEqual(shown('tdx', [step('MSR_WRITE', 'timer-program')]), ['TDVMCALL_WRMSR:tdx-ve@guest', 'TDVMCALL_WRMSR:timer-program@kernel/tdvmcall']);
  assert.deepEqual(shown('tdx', [step('HLT', 'hlt')]), ['TDVMCALL_HLT:tdx-tdvmcall-guest@guest', 'TDVMCALL_HLT:hlt@kernel/tdvmcall']);
  assert.deepEqual(shown('tdx', [step('VMCALL', 'vmcall')]), ['TDVMCALL_KVM_HYPERCALL:tdx-tdvmcall-guest@guest', 'TDVMCALL_KVM_HYPERCALL:vmcall@kernel/tdvmcall']);
  assert.deepEqual(shown('tdx', [step('CPUID', 'cpuid')]), ['CPUID:tdx-module-cpuid@monitor']);
  assert.deepEqual(shown('tdx', [step('RDTSC', 'rdtsc')]), []);
  assert.deepEqual(shown('tdx', [step('EPT_VIOLATION', 'ept-violation')]), ['EPT_VIOLATION:tdx-page-accept@monitor', 'EPT_VIOLATION:ept-violation@kernel']);
  assert.deepEqual(shown('tdx', [step('EXTERNAL_INTERRUPT', 'host-tick')]), ['EXTERNAL_INTERRUPT:host-tick@kernel']);
});

test('SEV-ES/SNP: non-automatic exits go through #VC and a VMGEXIT sub-leaf; automatic ones go straight to the host; SNP reads CPUID from its page', () => {
  assert.deepEqual(shown('sev-es', [step('IOIO', 'io-kernel', 'svm')]), ['VMGEXIT_IOIO:sev-vc@guest', 'VMGEXIT_IOIO:io-kernel@kernel/vmgexit']);
  assert.deepEqual(shown('sev-es', [step('NPF', 'mmio-user', 'svm', 'user')]), ['VMGEXIT_MMIO:sev-vc@guest', 'VMGEXIT_MMIO:mmio-user@user/vmgexit']);
  assert.deepEqual(shown('sev-es', [step('MSR', 'msr-write-eoi', 'svm')]), ['VMGEXIT_MSR:sev-vc@guest', 'VMGEXIT_MSR:msr-write-eoi@kernel/vmgexit']);
  assert.deepEqual(shown('sev-es', [step('CPUID', 'cpuid', 'svm')]), ['VMGEXIT_CPUID:sev-vc@guest', 'VMGEXIT_CPUID:cpuid@kernel/vmgexit']);
  assert.deepEqual(shown('sev-snp', [step('CPUID', 'cpuid', 'svm')]), ['CPUID:snp-cpuid-table@guest']);
  for (const vmType of ['sev-es', 'sev-snp'] as const) {
    assert.deepEqual(shown(vmType, [step('HLT', 'hlt', 'svm')]), ['HLT:hlt@kernel'], 'HLT is an automatic exit');
    assert.deepEqual(shown(vmType, [step('PAUSE', 'pause', 'svm')]), ['PAUSE:pause@kernel']);
    assert.deepEqual(shown(vmType, [step('INTR', 'external-interrupt', 'svm')]), ['INTR:external-interrupt@kernel']);
  }
  assert.deepEqual(shown('sev-es', [step('NPF', 'ept-violation', 'svm')]), ['NPF:ept-violation@kernel']);
  assert.deepEqual(shown('sev-snp', [step('NPF', 'ept-violation', 'svm')]), ['NPF:snp-pvalidate@guest', 'NPF:ept-violation@kernel']);
});

test('sub-leaf slots: named and parsed on their own architecture, counted by the host as TDCALL (77) or VMGEXIT (0x403)', () => {
  const io = parseExitReason('TDVMCALL_IO')!;
  assert.equal(exitReasonName(io), 'TDVMCALL_IO');
  assert.equal(exitReasonCode(io), 77);
  assert.equal(exitReasonPerfName(io), 'TDCALL');
  assert.equal(parseExitReason('TDVMCALL_IO', 'svm'), undefined, 'a TDX sub-leaf is not an SVM exit');
  const msr = parseExitReason('vmgexit_msr', 'svm')!;
  assert.equal(exitReasonCode(msr), 0x403);
  assert.equal(exitReasonPerfName(msr), 'vmgexit');
  assert.equal(parseExitReason('VMGEXIT_MSR', 'vmx'), undefined);
});

test('what each VM type runs with: a TD has APICv without IPIv or RDTSC exiting, an SEV guest has nested paging and no AVIC', () => {
  const modern = parseFeatureSet('modern');
  const td = vmEffectiveFeatures(parseFeatureSet('none'), 'tdx');
  for (const f of ['ept', 'vpid', 'apicv', 'tpr-shadow'] as const) assert.ok(td & FEATURE_BIT[f], f);
  assert.equal(vmEffectiveFeatures(modern, 'tdx') & FEATURE_BIT.ipiv, 0);
  const sev = vmEffectiveFeatures(modern, 'sev-snp');
  assert.equal(sev & (FEATURE_BIT.apicv | FEATURE_BIT.ipiv), 0);
  assert.ok(sev & FEATURE_BIT.ept);
  assert.equal(vmEffectiveFeatures(modern, 'plain'), modern);
  assert.equal(vmFeatureSetLabel(modern, 'svm', 'sev-snp'), 'modern,-avic');
});

test('calibration: a CPUID the TDX module answers costs CVM_eval\'s 1,744 cycles per iteration in a TD; explain\'s stages add up to the simulated round trip', () => {
  const cpuid = MICROBENCH_TESTS.find((t) => t.name === 'cpuid')!;
  const td = runMicrobenchTest(cpuid, spr(), parseFeatureSet('modern'), { vmType: 'tdx' });
  assert.ok(Math.abs(td.cycles_per_iteration / 1744 - 1) < 0.02, `${td.cycles_per_iteration}`);
  assert.equal(td.exits_per_iteration, 0, 'no host exit: the module answers');
  const vmcall = MICROBENCH_TESTS.find((t) => t.name === 'vmcall')!;
  const sim = runMicrobenchTest(vmcall, spr(), parseFeatureSet('modern'), { vmType: 'tdx' });
  assert.equal(sim.exit_reasons, 'TDVMCALL_KVM_HYPERCALL');
  const e = explainExit(parseExitReason('VMCALL')!, spr(), parseFeatureSet('modern'), 'x2apic', 'tdx');
  // The loop's own cycles (the vmcall instruction's native cost and the loop) are not an exit stage.
  assert.ok(Math.abs(sim.cycles_per_iteration - e.totalCycles) < 0.03 * e.totalCycles + 150, `${sim.cycles_per_iteration} vs explain ${e.totalCycles}`);
  const plain = runMicrobenchTest(vmcall, spr(), parseFeatureSet('modern'));
  assert.ok(sim.cycles_per_iteration > 3 * plain.cycles_per_iteration, 'a TD exit costs several plain ones');
});

test('confidential VMs cost more than plain ones, SNP\'s CPUID page saves SEV-ES\'s VMGEXITs, and every pCPU cycle is booked', () => {
  const ns = loadWorkload('network-server').workload;
  const run = (p: Profile, vmType: 'plain' | ConfidentialVmType) =>
    simulate({ scenario: { name: 'c', host: { pcpus: 4, profile: p.name }, vms: [{ workload: ns.name, vcpus: 2, count: 2 }], durationSec: 0.05, vmType }, workloads: [ns], profile: p, features: 'modern' });
  const plainIntel = run(spr(), 'plain');
  const td = run(spr(), 'tdx');
  assert.ok((td.total.efficiency as number) < (plainIntel.total.efficiency as number));
  assert.ok(td.total.cycles_by_stage.handler_guest > 0 && plainIntel.total.cycles_by_stage.handler_guest === 0);
  const cv = td.confidential!;
  assert.equal(cv.carrier, 'TDCALL');
  assert.equal(cv.requests + cv.direct_exits, td.total.exit_count);
  assert.equal(cv.requests_by_sub_leaf.reduce((a, r) => a + r.count, 0), cv.requests);
  assert.ok(cv.requests_by_sub_leaf.some((r) => r.sub_leaf === 'TDVMCALL_WRMSR' && r.leaf === '32'));
  assert.equal(plainIntel.confidential, undefined);
  const plainAmd = run(genoa(), 'plain');
  const snp = run(genoa(), 'sev-snp');
  assert.ok((snp.total.efficiency as number) < (plainAmd.total.efficiency as number));
  assert.equal(snp.confidential!.carrier, 'VMGEXIT');
  // CPUID: a VMGEXIT on SEV-ES, the CPUID page on SNP.
  const cb = loadWorkload('cpu-bound').workload;
  const cpuBound = (vmType: ConfidentialVmType) =>
    simulate({ scenario: { name: 'c', host: { pcpus: 2, profile: 'genoa' }, vms: [{ workload: cb.name, vcpus: 2, count: 1 }], durationSec: 0.05, vmType }, workloads: [cb], profile: genoa(), features: 'modern' });
  const es = cpuBound('sev-es');
  const snpCb = cpuBound('sev-snp');
  assert.ok((es.total.exits.VMGEXIT_CPUID?.count ?? 0) > 0);
  assert.equal(snpCb.total.exits.VMGEXIT_CPUID, undefined);
  assert.ok((snpCb.total.efficiency as number) > (es.total.efficiency as number));
  for (const [p, vmType] of [[spr(), 'tdx'], [genoa(), 'sev-snp']] as const) {
    const raw = simulateRaw({ scenario: { name: 'c', host: { pcpus: 4, profile: p.name }, vms: [{ workload: ns.name, vcpus: 2, count: 2 }], durationSec: 0.05, vmType }, workloads: [ns], profile: p, features: 'modern' });
    assertEveryPcpuCycleBooked(raw, vmType);
  }
});

test('a TD run is deterministic: the same seed gives the same summary', () => {
  const kb = loadWorkload('kernel-build').workload;
  const run = () => JSON.stringify(simulate({ scenario: { name: 'd', host: { pcpus: 2 }, vms: [{ workload: kb.name, vcpus: 2, count: 1 }], durationSec: 0.03, vmType: 'tdx', seed: 5 }, workloads: [kb], profile: spr(), features: 'modern' }));
  assert.equal(run(), run());
});

test('a profile that claims TDX or SEV-SNP without its costs is refused', () => {
  const raw = JSON.parse(fs.readFileSync('profiles/sapphire-rapids.json', 'utf8'));
  delete raw.tdx;
  const r = Profile.safeParse(raw);
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /TDX-capable profile/);
  const amd = JSON.parse(fs.readFileSync('profiles/genoa.json', 'utf8'));
  amd.capabilities.sevEs = false;
  assert.match(JSON.stringify(Profile.safeParse(amd).error?.issues), /SEV-SNP implies SEV-ES/);
});

test('CLI: a VM type the CPU cannot run is refused with one message; report shows one TDCALL line and the sub-leaf breakdown', () => {
  const bad = spawnSync(process.execPath, [BIN, 'run', 'network-server', '--duration', '0.02', '--vm-type', 'sev-snp'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--vm-type: expected a VM type that CPU profile 'sapphire-rapids'.*found sev-snp — sapphire-rapids has no SEV-SNP \(an AMD feature\)/);
  assert.equal(bad.stdout, '');
  const rome = spawnSync(process.execPath, [BIN, 'explain', 'CPUID', '--profile', 'rome', '--vm-type', 'sev-snp'], { encoding: 'utf8' });
  assert.equal(rome.status, 2);
  assert.match(rome.stderr, /rome has no SEV-SNP/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-td-'));
  try {
    execFileSync(process.execPath, [BIN, 'run', 'windows-desktop', '--duration', '0.05', '--vm-type', 'tdx', '--out', path.join(dir, 'r')], { encoding: 'utf8' });
    const report = execFileSync(process.execPath, [BIN, 'report', path.join(dir, 'r')], { encoding: 'utf8' });
    const table = report.split('# TDCALL by sub-leaf')[0];
    assert.match(table, /^ {14}TDCALL +\d+/m, 'perf\'s one TDCALL line');
    assert.doesNotMatch(table, /TDVMCALL_/, 'no sub-leaf in perf\'s own table');
    const breakdown = report.split('# TDCALL by sub-leaf')[1];
    assert.match(breakdown, /TDVMCALL_IO +\d+/);
    const count = (re: RegExp, text: string) => Number(re.exec(text)?.[1]);
    assert.equal(count(/^ {14}TDCALL +(\d+)/m, table), count(/Total Samples:(\d+)/, breakdown), 'the TDCALL line is the sum of its sub-leaves');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const explained = execFileSync(process.execPath, [BIN, 'explain', 'TDVMCALL_IO', '--vm-type', 'tdx', '--json'], { encoding: 'utf8' });
  const j = JSON.parse(explained);
  assert.equal(j.exit_reason, 'IO_INSTRUCTION');
  assert.equal(j.vm_type, 'tdx');
  assert.equal(Object.values(j.stages as Record<string, number>).reduce((a, b) => a + b, 0), j.total_cycles);
});

test('the analytic estimate of a TD and an SEV-SNP guest: #VE/#VC and monitor steps have no host transition, and it lands near the engine', async () => {
  const { estimateRun } = await import('../../src/estimate/analytic.js');
  const { resolveScenario } = await import('../../src/request/scenario.js');
  const ns = loadWorkload('network-server').workload;
  for (const [p, vmType] of [[spr(), 'tdx'], [genoa(), 'sev-snp']] as const) {
    const r = resolveScenario('network-server', { vmType, durationSec: 0.2, profile: p.name });
    const est = estimateRun(r, parseFeatureSet('modern'));
    assert.equal(est.features, vmType === 'tdx' ? 'apicv' : 'modern,-avic', 'the label of what the VM runs with');
    const exact = simulate({ scenario: { name: 'c', host: { pcpus: 4, profile: p.name }, vms: [{ workload: ns.name, vcpus: 2, count: 2 }], durationSec: 0.2, vmType }, workloads: [ns], profile: p, features: 'modern' }).total.efficiency as number;
    assert.ok(Math.abs((est.total.efficiency as number) - exact) < 0.03, `${vmType}: estimate ${est.total.efficiency} vs engine ${exact}`);
  }
});

test('bounce buffers: a confidential guest copies each operation\'s DMA bytes through swiotlb (guest work, no exit); a plain VM does not', async () => {
  const { workload } = await import('../helpers.js');
  const dev = (bytes: number) =>
    workload({
      name: 'dma', description: 'one passthrough DMA device', sources: ['test'], kind: 'closed', unitName: 'op', cyclesPerUnit: 200_000,
      devices: [{ name: 'nvme', kind: 'passthrough', bus: 'mmio', dmaBytesPerOp: bytes, source: 'test' }],
      events: [{ kind: 'io', device: 'nvme', perUnit: 1, distribution: 'constant', source: 'test' }],
    });
  const run = (bytes: number, vmType: 'plain' | 'tdx') => {
    const w = dev(bytes);
    return simulate({ scenario: { name: 'b', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: w.name, vcpus: 1 }], durationSec: 0.05, vmType }, workloads: [w], profile: spr(), features: 'modern' });
  };
  const none = run(0, 'tdx');
  const some = run(8192, 'tdx');
  const b = spr().bounce!;
  const perOp = b.mapCycles.value + 8192 * b.copyCyclesPerByte.value;
  const units = some.total.units;
  assert.equal(none.total.cycles_by_stage.handler_guest, 0, 'a passthrough device without DMA bytes: nothing in the guest');
  assert.ok(Math.abs(some.total.cycles_by_stage.handler_guest / (units * perOp) - 1) < 0.05, `${some.total.cycles_by_stage.handler_guest} vs ${units} × ${perOp}`);
  assert.equal(some.total.exit_count, none.total.exit_count, 'the copies are no exit');
  assert.ok((some.total.efficiency as number) < (none.total.efficiency as number));
  assert.equal(run(8192, 'plain').total.cycles_by_stage.handler_guest, 0, 'a plain VM\'s device reads guest memory itself');
});
