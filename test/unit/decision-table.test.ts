import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type DecisionContext } from '../../src/exits/resolve.js';
import { DECISION_TABLE, type EventKind } from '../../src/exits/decision-table.js';
import { exitReasonName } from '../../src/exits/reasons.js';
import { parseFeatureSet } from '../../src/exits/features.js';

function ctx(features: string, extra: Partial<DecisionContext> = {}): DecisionContext {
  return {
    arch: 'vmx',
    features: parseFeatureSet(features),
    apicMode: 'x2apic',
    usesDebugRegisters: false,
    preemptionTimer: true,
    shadowPageFaultExits: 3,
    deviceExitsPerOp: 1,
    lifecycleWriteTraps: 32,
    interruptWindowProbability: 0.05,
    levelTriggeredFraction: 0.1,
    tprBelowThresholdProbability: 0.01,
    ...extra,
  };
}

const reasons = (event: EventKind, c: DecisionContext) => decide(event, c).exits.map((e) => exitReasonName(e.reason));

// SPEC §3, row by row.
const ROWS: Array<[EventKind, string, Partial<DecisionContext>, string[]]> = [
  ['page-fault', 'none', {}, ['EXCEPTION_NMI']],
  ['page-fault', 'ept', {}, []],
  ['first-touch', 'ept', {}, ['EPT_VIOLATION']],
  ['first-touch', 'none', {}, []],
  ['cr3-write', 'none', {}, ['CR_ACCESS']],
  ['cr3-write', 'ept', {}, []],
  ['invlpg', 'none', {}, ['INVLPG']],
  ['invlpg', 'ept', {}, []],
  ['io', 'modern', { deviceKind: 'virtio', deviceBus: 'pio' }, ['IO_INSTRUCTION']],
  ['io', 'modern', { deviceKind: 'passthrough', deviceBus: 'pio' }, []],
  ['io', 'modern', { deviceKind: 'emulated', deviceBus: 'mmio' }, ['EPT_MISCONFIG']],
  ['io', 'none', { deviceKind: 'emulated', deviceBus: 'mmio' }, ['EXCEPTION_NMI']],
  ['io', 'ept', { deviceKind: 'virtio', deviceBus: 'mmio' }, ['EPT_MISCONFIG']],
  ['msr-read', 'none', { msrIntercepted: false }, ['MSR_READ']],
  ['msr-read', 'msr-bitmap', { msrIntercepted: false }, []],
  ['msr-read', 'msr-bitmap', { msrIntercepted: true }, ['MSR_READ']],
  ['msr-write', 'msr-bitmap', { msrIntercepted: false }, []],
  ['msr-write', 'msr-bitmap', { msrIntercepted: true }, ['MSR_WRITE']],
  ['cpuid', 'modern', {}, ['CPUID']],
  ['rdtsc', 'modern', {}, []],
  ['rdtsc', 'rdtsc-exiting', {}, ['RDTSC']],
  ['hlt', 'modern', {}, ['HLT']],
  ['hlt', 'exitless-idle', {}, []],
  ['pause-spin', 'ple', {}, ['PAUSE_INSTRUCTION']],
  ['pause-spin', 'none', {}, []],
  ['pause-spin', 'ple,exitless-idle', {}, []],
  ['vmcall', 'modern', {}, ['VMCALL']],
  ['host-tick', 'modern', {}, ['EXTERNAL_INTERRUPT']],
  ['interrupt-delivery', 'none', {}, ['EXTERNAL_INTERRUPT', 'INTERRUPT_WINDOW']],
  ['interrupt-delivery', 'apicv', {}, []],
  ['eoi', 'none', { apicMode: 'xapic' }, ['APIC_ACCESS']],
  ['eoi', 'none', { apicMode: 'x2apic' }, ['MSR_WRITE']],
  ['eoi', 'apicv', {}, ['EOI_INDUCED']],
  ['tpr-write', 'none', {}, ['CR_ACCESS']],
  ['tpr-write', 'tpr-shadow', {}, ['TPR_BELOW_THRESHOLD']],
  ['timer-program', 'modern', {}, ['MSR_WRITE']],
  ['timer-expiry', 'apicv', { preemptionTimer: true }, ['PREEMPTION_TIMER']],
  ['timer-expiry', 'apicv', { preemptionTimer: false }, ['EXTERNAL_INTERRUPT']],
  ['ipi-send', 'none', { apicMode: 'x2apic' }, ['MSR_WRITE']],
  ['ipi-send', 'none', { apicMode: 'xapic' }, ['APIC_ACCESS']],
  ['ipi-send', 'apicv', { apicMode: 'xapic' }, ['APIC_WRITE']],
  ['ipi-send', 'ipiv,msr-bitmap', {}, []],
  // x2APIC without an MSR bitmap: every WRMSR exits, so IPIv and APICv cannot virtualize ICR and EOI writes.
  ['ipi-send', 'ipiv', { apicMode: 'x2apic' }, ['MSR_WRITE']],
  ['ipi-send', 'ipiv', { apicMode: 'xapic' }, []],
  ['eoi', 'modern,-msr-bitmap', { apicMode: 'x2apic' }, ['MSR_WRITE']],
  ['dr-access', 'modern', { usesDebugRegisters: true }, ['DR_ACCESS']],
  ['dr-access', 'modern', { usesDebugRegisters: false }, []],
];

for (const [event, features, extra, expected] of ROWS) {
  test(`decide(${event}, ${features}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}) → ${expected.join(' + ') || 'no exit'}`, () => {
    assert.deepEqual(reasons(event, ctx(features, extra)), expected);
  });
}

// The same events on an AMD profile: SVM #VMEXIT codes (svm-codes.ts), and AVIC's exits.
const SVM_ROWS: Array<[EventKind, string, Partial<DecisionContext>, string[]]> = [
  ['first-touch', 'modern', {}, ['NPF']],
  ['page-fault', 'none', {}, ['EXCP_PF']],
  ['cr3-write', 'none', {}, ['WRITE_CR3']],
  ['msr-read', 'none', {}, ['MSR']],
  ['msr-write', 'none', {}, ['MSR']],
  ['vmcall', 'modern', {}, ['VMMCALL']],
  ['cpuid', 'modern', {}, ['CPUID']],
  ['hlt', 'modern', {}, ['HLT']],
  ['pause-spin', 'modern', {}, ['PAUSE']],
  ['tpr-write', 'modern', {}, ['WRITE_CR8']],
  ['interrupt-delivery', 'none', { apicMode: 'x2apic' }, ['INTR', 'VINTR']],
  ['timer-expiry', 'modern', { preemptionTimer: false }, ['INTR']],
  ['ipi-send', 'none', { apicMode: 'xapic' }, ['EXCP_PF']],
  ['ipi-send', 'ept', { apicMode: 'xapic' }, ['NPF']],
  ['ipi-send', 'modern', {}, []],
  ['ipi-target-away', 'modern', {}, ['AVIC_INCOMPLETE_IPI']],
  ['ipi-target-away', 'ept', {}, []],
  ['eoi', 'modern', {}, ['AVIC_UNACCELERATED_ACCESS']],
  ['eoi', 'ept', { apicMode: 'xapic' }, ['NPF']],
];

for (const [event, features, extra, expected] of SVM_ROWS) {
  test(`decide on SVM(${event}, ${features}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}) → ${expected.join(' + ') || 'no exit'}`, () => {
    assert.deepEqual(reasons(event, ctx(features, { arch: 'svm', interruptWindowProbability: 0.05, ...extra })), expected);
  });
}

test('decide: on VT-x an IPI to a target that is not running costs the sender nothing more (IPIv posts it)', () => {
  assert.deepEqual(reasons('ipi-target-away', ctx('modern')), []);
});

test('decide: every rule of the table is reached by some context', () => {
  const reached = new Set<unknown>();
  const featureSets = ['none', 'ept', 'modern', 'modern,-msr-bitmap', 'apicv', 'tpr-shadow', 'msr-bitmap', 'ple', 'ipiv', 'rdtsc-exiting', 'exitless-idle', 'ept,ioeventfd', 'ioeventfd', 'ple,exitless-idle'];
  const extras: Array<Partial<DecisionContext>> = [];
  for (const deviceKind of ['emulated', 'virtio', 'passthrough'] as const)
    for (const deviceBus of ['pio', 'mmio'] as const) extras.push({ deviceKind, deviceBus });
  for (const apicMode of ['xapic', 'x2apic'] as const) extras.push({ apicMode, usesDebugRegisters: true, msrIntercepted: false }, { apicMode, msrIntercepted: true, preemptionTimer: false });
  extras.push(...extras.map((e) => ({ ...e, arch: 'svm' as const, preemptionTimer: false })));
  // arm64 (issue 34): its own rules, on GICv3 and GICv2.
  extras.push(...extras.filter((e) => !e.arch).flatMap((e) => [{ ...e, arch: 'arm64' as const, gicVersion: 'v3' as const }, { ...e, arch: 'arm64' as const, gicVersion: 'v2' as const }]));
  for (const rule of DECISION_TABLE) {
    for (const f of featureSets) {
      for (const e of extras) {
        // An I/O event needs a device; contexts without one are not asked.
        if (rule.event === 'io' && !e.deviceKind) continue;
        reached.add(decide(rule.event, ctx(f, e)).rule);
      }
    }
  }
  const missed = DECISION_TABLE.filter((r) => !reached.has(r)).map((r) => `${r.event}: ${r.why}`);
  assert.deepEqual(missed, []);
});

test('decide: ioeventfd moves virtio notifies from the user-space VMM to the kernel', () => {
  const user = decide('io', ctx('ept', { deviceKind: 'virtio', deviceBus: 'mmio' })).exits[0];
  const kernel = decide('io', ctx('ept,ioeventfd', { deviceKind: 'virtio', deviceBus: 'mmio' })).exits[0];
  assert.equal(user.location, 'user');
  assert.equal(kernel.location, 'kernel');
});

test('decide: shadow page faults repeat as many times as the profile says', () => {
  assert.equal(decide('page-fault', ctx('none', { shadowPageFaultExits: 3 })).exits[0].repeat, 3);
  assert.equal(decide('page-fault', ctx('none', { shadowPageFaultExits: 2 })).exits[0].repeat, 2);
});

test('shadow paging: a guest page-table write traps and is emulated; under EPT it runs natively', () => {
  const shadow = decide('pt-write', ctx('nehalem,-ept'));
  assert.deepEqual(shadow.exits.map((x) => [exitReasonName(x.reason), x.handler, x.repeat]), [['EXCEPTION_NMI', 'pt-write-emulate', 1]]);
  assert.equal(decide('pt-write', ctx('nehalem')).exits.length, 0);
});

test('shadow paging: a process lifecycle traps once per shadowed page-table write (lifecycleWriteTraps); none under EPT', () => {
  const shadow = decide('process-lifecycle', ctx('none'));
  assert.deepEqual(shadow.exits.map((x) => [exitReasonName(x.reason), x.handler, x.repeat]), [['EXCEPTION_NMI', 'pt-write-emulate', 32]]);
  assert.equal(decide('process-lifecycle', ctx('none,ept')).exits.length, 0);
});
