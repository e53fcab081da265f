// The event-kind registry (src/model/event-kinds/): every kind a workload can name compiles, to the
// engine behaviour its kind calls for, and a kind's own checks reject bad fields with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, workload } from '../helpers.js';
import { buildRunModel } from '../../src/request/run-path.js';
import { specOf } from '../../src/experiment/inline.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { INSTRUCTION_EVENT_KINDS, type WorkloadInput } from '../../src/config/schema.js';
import { EVENT_COMPILERS } from '../../src/model/event-kinds/index.js';
import { BEHAVIOUR_IO, BEHAVIOUR_IPI, BEHAVIOUR_LOCK, BEHAVIOUR_NORMAL, BEHAVIOUR_ONESHOT } from '../../src/engine/model.js';
import { InputError } from '../../src/config/errors.js';

type EventInput = NonNullable<WorkloadInput['events']>[number];

function oneKindCase(ev: Record<string, unknown>, extra: Partial<WorkloadInput> = {}) {
  const w = workload({
    name: 'k', description: 'one event kind', sources: ['test'], kind: 'closed', unitName: 'u',
    cyclesPerUnit: 100_000, interruptHandlerCycles: 300, apicMode: 'x2apic',
    devices: [{ name: 'disk', kind: 'virtio', bus: 'mmio', completionLatencyUs: 10, source: 'test' }],
    pageTables: { pageTablePagesPerProcess: 8, addressSpacesPerVcpu: 4, source: 'test' },
    events: [{ perUnit: 1, source: 'test', ...ev } as EventInput],
    ...extra,
  });
  return { scenario: { name: 'k', host: { pcpus: 2, hostTickHz: 0 }, vms: [{ workload: 'k', vcpus: 2 }], durationSec: 0.01, seed: 1 }, workloads: [w], profile: profile(), features: 'none' };
}

const FIELDS: Record<string, Record<string, unknown>> = {
  io: { device: 'disk' },
  'msr-read': { msr: 'IA32_TSC' },
  'msr-write': { msr: 'IA32_SPEC_CTRL' },
  'raw-exit': { reason: 'CPUID' },
  'timer-program': { deadlineCycles: 5000 },
};

const EXPECTED_BEHAVIOUR: Record<string, number> = { io: BEHAVIOUR_IO, 'ipi-send': BEHAVIOUR_IPI, 'timer-program': BEHAVIOUR_ONESHOT };

const NATIVE_UNDER_NONE = new Set(['first-touch', 'rdtsc', 'dr-access']);

test('every instruction event kind has a compiler and compiles to its engine behaviour', () => {
  assert.deepEqual(Object.keys(EVENT_COMPILERS).sort(), [...INSTRUCTION_EVENT_KINDS].sort());
  for (const kind of INSTRUCTION_EVENT_KINDS) {
    const c = oneKindCase({ kind, ...(FIELDS[kind] ?? {}) });
    const model = buildRunModel(specOf(c), parseFeatureSet('none'));
    const vm = model.vms[0];
    assert.equal(vm.classCount, 1, kind);
    assert.equal(vm.classBehaviour[0], EXPECTED_BEHAVIOUR[kind] ?? BEHAVIOUR_NORMAL, `${kind}: behaviour`);
    assert.equal(vm.classDevice[0], kind === 'io' ? 0 : -1, `${kind}: device`);
    // Under no features every kind exits but a first touch (shadow paging folds it into the #PF
    // exit), RDTSC (TSC offsetting needs no feature) and a DR access of a guest that does not use the
    // debug registers (KVM lets it through).
    assert.equal(model.plans.length[vm.classPlan[0]] > 0, !NATIVE_UNDER_NONE.has(kind), `${kind}: exits with no features`);
  }
});

test('a spin lock is a class of its own with the lock behaviour', () => {
  const c = oneKindCase({ kind: 'cpuid' }, { spinlock: { acquiresPerUnit: 2, holdCycles: 500, source: 'test' } });
  const vm = buildRunModel(specOf(c), parseFeatureSet('none')).vms[0];
  assert.deepEqual([...vm.classBehaviour], [BEHAVIOUR_NORMAL, BEHAVIOUR_LOCK]);
});

test("a kind's own checks name the field: io without a known device, msr without a name, raw-exit with an unknown reason", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ kind: 'io', device: 'nvme' }, /events\[0\]\.device.*one of the workload's devices \(disk\).*nvme/],
    [{ kind: 'io' }, /events\[0\]\.device/],
    [{ kind: 'msr-write' }, /events\[0\]\.msr/],
    [{ kind: 'raw-exit', reason: 'NO_SUCH_EXIT' }, /events\[0\]\.reason.*NO_SUCH_EXIT/],
  ];
  for (const [ev, message] of cases) {
    assert.throws(() => buildRunModel(specOf(oneKindCase(ev)), parseFeatureSet('none')), (e: unknown) => e instanceof InputError && message.test(e.message), JSON.stringify(ev));
  }
});

test('with AVIC an ICR write carries a second plan for a target that is not running', () => {
  const c = { ...oneKindCase({ kind: 'ipi-send' }), profile: profile('genoa') };
  const vm = buildRunModel(specOf(c), parseFeatureSet('modern')).vms[0];
  assert.ok(vm.classPlanTargetAway[0] >= 0);
  const none = buildRunModel(specOf(c), parseFeatureSet('none')).vms[0];
  assert.equal(none.classPlanTargetAway[0], -1);
});
