import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { parseFeatureSet, featureSetLabel, featureNames, FEATURES, FEATURE_BIT, FeatureParseError } from '../../src/exits/features.js';
import { InputError } from '../../src/config/errors.js';
import type { Workload } from '../../src/config/schema.js';

const mixed = workload({
  name: 'mixed',
  description: 'one of everything',
  sources: ['test'],
  kind: 'closed',
  unitName: 'unit',
  cyclesPerUnit: 2_000_000,
  apicMode: 'x2apic',
  tlb: { missesPerUnit: 1000, refillCyclesAfterFlush: 2000, source: 'test' },
  devices: [{ name: 'nic', kind: 'virtio', bus: 'mmio', completionLatencyUs: 20, source: 'test' }],
  events: [
    { kind: 'page-fault', perUnit: 20, source: 'test' },
    { kind: 'first-touch', perUnit: 2, source: 'test' },
    { kind: 'cr3-write', perUnit: 5, source: 'test' },
    { kind: 'invlpg', perUnit: 5, source: 'test' },
    { kind: 'msr-write', msr: 'IA32_KERNEL_GS_BASE', perUnit: 5, source: 'test' },
    { kind: 'msr-write', msr: 'IA32_MISC_ENABLE', perUnit: 1, source: 'test' },
    { kind: 'io', device: 'nic', perUnit: 2, source: 'test' },
    { kind: 'ipi-send', perUnit: 2, source: 'test' },
    { kind: 'tpr-write', perUnit: 3, source: 'test' },
    { kind: 'rdtsc', perUnit: 3, source: 'test' },
    { kind: 'timer', perWallSec: 1000, source: 'test' },
  ],
});

function run(features: string, w: Workload = mixed, host: Record<string, unknown> = {}, vcpus = 2) {
  return simulate({
    scenario: { name: 'f', host: { pcpus: 2, ...host }, vms: [{ workload: w.name, vcpus }], durationSec: 0.05, seed: 3 },
    workloads: [w],
    profile: profile(),
    features,
  });
}

const count = (s: ReturnType<typeof run>, reason: string) => s.total.exits[reason]?.count ?? 0;

test('ept removes #PF, CR3 and INVLPG exits and adds EPT_VIOLATION on first touch', () => {
  const off = run('vpid');
  const on = run('vpid,ept');
  assert.ok(count(off, 'EXCEPTION_NMI') > 0 && count(off, 'CR_ACCESS') > 0 && count(off, 'INVLPG') > 0);
  assert.equal(count(on, 'INVLPG'), 0);
  assert.equal(count(on, 'EXCEPTION_NMI'), 0);
  assert.ok(count(on, 'CR_ACCESS') < count(off, 'CR_ACCESS'), 'only TPR writes remain as CR_ACCESS');
  assert.equal(count(off, 'EPT_VIOLATION'), 0);
  assert.ok(count(on, 'EPT_VIOLATION') > 0);
  assert.ok((on.total.cycles_by_stage.indirect_2d_walk ?? 0) > 0, 'EPT pays 2-D walks');
  assert.equal(off.total.cycles_by_stage.indirect_2d_walk, 0);
});

test('msr-bitmap removes exits for pass-through MSRs only', () => {
  const off = run('ept');
  const on = run('ept,msr-bitmap');
  // 6 MSR writes per unit without the bitmap (5 pass-through + 1 intercepted), plus timer programming.
  assert.ok(count(on, 'MSR_WRITE') < count(off, 'MSR_WRITE'));
  assert.ok(count(on, 'MSR_WRITE') > 0, 'intercepted MSR and TSC-deadline writes still exit');
});

test('apicv removes interrupt-delivery and EOI exits', () => {
  const off = run('ept,vpid,msr-bitmap');
  const on = run('ept,vpid,msr-bitmap,apicv');
  assert.ok(count(off, 'EXTERNAL_INTERRUPT') > count(on, 'EXTERNAL_INTERRUPT'));
  assert.ok(count(off, 'MSR_WRITE') > count(on, 'MSR_WRITE'), 'x2APIC EOI writes exit without APICv');
  assert.ok((on.total.efficiency as number) > (off.total.efficiency as number));
});

test('vpid removes the TLB refill after every transition', () => {
  assert.ok(run('ept').total.cycles_by_stage.indirect_tlb_refill > 0);
  assert.equal(run('ept,vpid').total.cycles_by_stage.indirect_tlb_refill, 0);
});

test('tpr-shadow removes CR8 exits; ipiv removes ICR exits; rdtsc-exiting adds RDTSC exits', () => {
  assert.ok(count(run('ept'), 'CR_ACCESS') > count(run('ept,tpr-shadow'), 'CR_ACCESS'));
  assert.ok(count(run('ept,apicv,msr-bitmap'), 'MSR_WRITE') > count(run('ept,apicv,msr-bitmap,ipiv'), 'MSR_WRITE'));
  assert.equal(count(run('ept'), 'RDTSC'), 0);
  assert.ok(count(run('ept,rdtsc-exiting'), 'RDTSC') > 0);
});

const spinner = workload({
  name: 'spinner',
  description: 'lock-heavy',
  sources: ['test'],
  kind: 'closed',
  unitName: 'unit',
  cyclesPerUnit: 500_000,
  spinlock: { acquiresPerUnit: 50, holdCycles: 3000, source: 'test' },
});

test('PLE cuts spin waste when lock holders are preempted (overcommit)', () => {
  const host = { pcpus: 2, scheduler: 'round-robin' as const };
  const without = simulate({ scenario: { name: 's', host, vms: [{ workload: 'spinner', vcpus: 6 }], durationSec: 0.1, seed: 4 }, workloads: [spinner], profile: profile(), features: 'ept,vpid' });
  const withPle = simulate({ scenario: { name: 's', host, vms: [{ workload: 'spinner', vcpus: 6 }], durationSec: 0.1, seed: 4 }, workloads: [spinner], profile: profile(), features: 'ept,vpid,ple' });
  assert.ok(withPle.total.cycles_by_stage.spin < 0.5 * without.total.cycles_by_stage.spin, `spin ${withPle.total.cycles_by_stage.spin} vs ${without.total.cycles_by_stage.spin}`);
  assert.ok((withPle.total.throughput_units_per_s) > without.total.throughput_units_per_s);
  assert.ok(count(withPle, 'PAUSE_INSTRUCTION') > 0);
});

test('exitless-idle removes HLT exits on dedicated pCPUs', () => {
  const idle = workload({
    name: 'idle', description: 'idle', sources: ['t'], kind: 'open', unitName: 'u', cyclesPerUnit: 100_000, arrivalsPerSec: 200,
    events: [{ kind: 'timer', perWallSec: 300, source: 't' }],
  });
  const a = simulate({ scenario: { name: 'i', host: { pcpus: 2 }, vms: [{ workload: 'idle', vcpus: 2 }], durationSec: 0.1 }, workloads: [idle], profile: profile(), features: 'modern' });
  const b = simulate({ scenario: { name: 'i', host: { pcpus: 2 }, vms: [{ workload: 'idle', vcpus: 2 }], durationSec: 0.1 }, workloads: [idle], profile: profile(), features: 'modern,exitless-idle' });
  assert.ok(count(a, 'HLT') > 0);
  assert.equal(count(b, 'HLT'), 0);
  assert.ok((a.total.exits.HLT?.blocked_cycles ?? 0) > 0, 'HLT blocked time is reported apart');
});

test('a feature the CPU generation lacks is a usage error, not a no-op', () => {
  assert.throws(
    () => simulate({ scenario: { name: 'x', host: { pcpus: 2, profile: 'merom' }, vms: [{ workload: 'mixed', vcpus: 1 }], durationSec: 0.01 }, workloads: [mixed], profile: profile('merom'), features: 'ept' }),
    (e: unknown) => e instanceof InputError && /EPT/.test(e.message),
  );
  assert.throws(() => run('ipiv', mixed, {}, 1) && simulate({ scenario: { name: 'x', host: { pcpus: 2 }, vms: [{ workload: 'mixed', vcpus: 1 }], durationSec: 0.01 }, workloads: [mixed], profile: profile('skylake-sp'), features: 'ipiv' }), InputError);
});

test('parseFeatureSet joins presets and names, removes with -, and refuses unknown names with a hint', () => {
  assert.equal(featureSetLabel(parseFeatureSet('modern')), 'modern');
  assert.equal(featureSetLabel(parseFeatureSet('ept,vpid')), 'ept,vpid');
  assert.equal(featureSetLabel(parseFeatureSet('modern,-ipiv,-halt-polling')), 'nehalem,apicv');
  assert.equal(featureSetLabel(parseFeatureSet('nehalem,-ept')), 'nehalem,-ept');
  for (const text of ['nehalem,-ept', 'apicv,rdtsc-exiting', 'ept', 'none', 'modern,-ipiv']) {
    // What a plain VM's VT-x label leaves out: the SVM-only and the nested-only features.
    const ignored = FEATURE_BIT['vmcb-clean'] | FEATURE_BIT['decode-assists'] | FEATURE_BIT['vmcs-shadowing'] | FEATURE_BIT['nested-ept'] | FEATURE_BIT.evmcs | FEATURE_BIT['v-vmsave-vmload'] | FEATURE_BIT.vgif | FEATURE_BIT.vhe;
    assert.equal(parseFeatureSet(featureSetLabel(parseFeatureSet(text))) & ~ignored, parseFeatureSet(text) & ~ignored, `round trip of ${text}`);
  }
  assert.throws(() => parseFeatureSet('eptt'), (e: unknown) => e instanceof FeatureParseError && /did you mean 'ept'/.test(e.message));
});

test('parseFeatureSet: a removed name is the feature even where a preset shares it ("modern,-apicv" keeps EPT), and takes IPIv along', () => {
  const names = (t: string) => featureNames(parseFeatureSet(t));
  assert.deepEqual(names('modern,-apicv'), ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'ple', 'ioeventfd', 'halt-polling', 'vmcb-clean', 'decode-assists', 'vmcs-shadowing', 'nested-ept', 'v-vmsave-vmload', 'vgif', 'vhe']);
  assert.deepEqual(names('apicv,-apicv'), ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'ple', 'ioeventfd', 'halt-polling', 'nested-ept']);
  assert.deepEqual(names('nehalem,apicv'), ['ept', 'vpid', 'msr-bitmap', 'apicv', 'tpr-shadow', 'ple', 'ioeventfd', 'nested-ept'], 'after the first item, apicv is the feature');
  assert.deepEqual(names('modern,-ept'), ['vpid', 'msr-bitmap', 'apicv', 'tpr-shadow', 'ple', 'ioeventfd', 'halt-polling', 'ipiv', 'vmcb-clean', 'decode-assists', 'vmcs-shadowing', 'v-vmsave-vmload', 'vgif', 'vhe'], 'nested EPT goes with EPT');
  assert.deepEqual(names('apicv'), featureNames(parseFeatureSet('nehalem,apicv,halt-polling')), 'first, it is the preset');
});

test('featureSetLabel(set) parses back to the same set, for 65,536 sets covering every feature (up to the features the VM cannot use: SVM-only ones on VT-x, nested-only ones on a plain VM)', () => {
  // (vhe, arm64's, is built in on both x86 architectures: their labels leave it out.)
  const svmOnly = FEATURE_BIT['vmcb-clean'] | FEATURE_BIT['decode-assists'] | FEATURE_BIT['v-vmsave-vmload'] | FEATURE_BIT.vgif | FEATURE_BIT.vhe;
  const nestedOnly = FEATURE_BIT['vmcs-shadowing'] | FEATURE_BIT['nested-ept'] | FEATURE_BIT.evmcs | FEATURE_BIT['v-vmsave-vmload'] | FEATURE_BIT.vgif | FEATURE_BIT.vhe;
  // Every combination of the first 16 features; the last three (SVM and nested only, arm64's vhe) follow two of its bits.
  const last = FEATURE_BIT['v-vmsave-vmload'] | FEATURE_BIT.vgif | FEATURE_BIT.vhe;
  assert.equal(FEATURES.length, 19);
  for (let low = 0; low < 1 << 16; low++) {
    const set = low | ((low & 3) === 3 ? last : (low & 3) === 1 ? FEATURE_BIT.vgif : 0);
    assert.equal(parseFeatureSet(featureSetLabel(set)) & ~svmOnly & ~nestedOnly, set & ~svmOnly & ~nestedOnly, featureSetLabel(set));
    assert.equal(parseFeatureSet(featureSetLabel(set, 'svm')) & ~nestedOnly, set & ~nestedOnly, featureSetLabel(set, 'svm'));
    assert.equal(parseFeatureSet(featureSetLabel(set, 'vmx', true)) & ~svmOnly, set & ~svmOnly, featureSetLabel(set, 'vmx', true));
  }
});

test('SVM names: npt, asid, msrpm, avic, pause-filter and v-tpr are the VT-x features; a set prints in them on SVM', () => {
  assert.equal(parseFeatureSet('npt,asid,msrpm,avic,pause-filter,v-tpr'), parseFeatureSet('ept,vpid,msr-bitmap,apicv,ipiv,ple,tpr-shadow'));
  assert.equal(featureSetLabel(parseFeatureSet('modern'), 'svm'), 'modern');
  assert.equal(featureSetLabel(parseFeatureSet('modern,-apicv'), 'svm'), 'modern,-avic');
  assert.equal(featureSetLabel(parseFeatureSet('modern,-ept,-vmcb-clean'), 'svm'), 'modern,-npt,-vmcb-clean');
  assert.equal(featureSetLabel(parseFeatureSet('npt,asid'), 'svm'), 'npt,asid');
  // On VT-x the two SVM-only mechanisms are built in: a set is named as before they existed.
  assert.equal(featureSetLabel(parseFeatureSet('modern,-ipiv')), 'apicv');
  assert.equal(featureSetLabel(parseFeatureSet('modern,-ipiv,-halt-polling')), 'nehalem,apicv');
});
