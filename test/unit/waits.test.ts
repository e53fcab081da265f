// Units that wait for an interrupt: a TSC deadline ahead (kvm-unit-tests tscdeadline) and an I/O at
// queue depth 1. Closed forms on bare metal; the paths the exits take under APICv and without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, simulateRaw, workload } from '../helpers.js';
import { MICROBENCH_TESTS, runMicrobenchTest } from '../../src/experiment/microbench.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { NATIVE_CYCLES } from '../../src/workloads/native-cycles.js';

const ISR = 300;

function qd1Workload(latencyUs: number, queueDepth?: number) {
  return workload({
    name: 'qd1', description: 'one read per unit, waiting for its completion', sources: ['test'], kind: 'closed', unitName: 'read',
    cyclesPerUnit: 20_000, interruptHandlerCycles: ISR, apicMode: 'x2apic', interruptWindowProbability: 0,
    devices: [{ name: 'disk', kind: 'virtio', bus: 'mmio', completionLatencyUs: latencyUs, source: 'test' }],
    events: [{ kind: 'io', device: 'disk', perUnit: 1, distribution: 'constant', nativeCycles: 0, waitsForInterrupt: true, ...(queueDepth ? { queueDepth } : {}), source: 'test' }],
  });
}

const qd1Case = (latencyUs: number, features: string, queueDepth?: number) => ({
  scenario: { name: 'qd1', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'qd1', vcpus: 1 }], durationSec: 0.2, seed: 3 },
  workloads: [qd1Workload(latencyUs, queueDepth)],
  profile: profile('sapphire-rapids', (p) => {
    p.stageCv.value = 0;
    p.handlerCv.value = 0;
  }),
  features,
});

test('an I/O that the unit waits for (queue depth 1): bare-metal throughput = f / (work + device latency + handler + EOI)', () => {
  const c = qd1Case(50, 'modern');
  const raw = simulateRaw(c, true);
  const f = c.profile.frequencyGHz.value * 1e9;
  const perUnit = 20_000 + 50e-6 * f + ISR + NATIVE_CYCLES.eoi.cycles;
  const expected = raw.windowCycles / perUnit;
  assert.ok(Math.abs(raw.vmUnits[0] / expected - 1) < 0.01, `${raw.vmUnits[0]} units vs ${expected.toFixed(1)}`);
});

test('waiting makes the device latency part of each unit: a longer latency gives proportionally fewer units, virtualized too', () => {
  const fast = simulate(qd1Case(20, 'modern')).total.throughput_units_per_s;
  const slow = simulate(qd1Case(80, 'modern')).total.throughput_units_per_s;
  const f = 2.6e9; // sapphire-rapids (its profile's frequency)
  assert.ok(slow < fast * 0.6, `${slow} vs ${fast}`);
  assert.ok(Math.abs(fast / slow - (20_000 + 80e-6 * f) / (20_000 + 20e-6 * f)) < 0.25);
});

test('without APICv a waited-for completion costs an interrupt exit and an EOI exit per unit; with APICv neither', () => {
  const off = simulate(qd1Case(50, 'modern,-apicv,-ipiv'));
  const on = simulate(qd1Case(50, 'modern'));
  const per = (s: typeof off, reason: string) => (s.total.exits[reason]?.count ?? 0) / s.total.units;
  assert.ok(Math.abs(per(off, 'EXTERNAL_INTERRUPT') - 1) < 0.05, `EXTERNAL_INTERRUPT per unit ${per(off, 'EXTERNAL_INTERRUPT')}`);
  assert.ok(Math.abs(per(off, 'MSR_WRITE') - 1) < 0.05, `MSR_WRITE (EOI) per unit ${per(off, 'MSR_WRITE')}`);
  assert.equal(per(on, 'EXTERNAL_INTERRUPT'), 0);
  assert.ok((on.total.efficiency as number) > (off.total.efficiency as number));
});

test('microbench tscdeadline: at least the 3000-cycle deadline plus the handler; cheaper with APICv; the EOI exits only without it', () => {
  const t = MICROBENCH_TESTS.find((x) => x.name === 'tscdeadline')!;
  const sk = profile('skylake-sp');
  const on = runMicrobenchTest(t, sk, parseFeatureSet('apicv'));
  const off = runMicrobenchTest(t, sk, parseFeatureSet('nehalem'));
  assert.ok(on.cycles_per_iteration > 3000 && off.cycles_per_iteration > on.cycles_per_iteration, `${on.cycles_per_iteration} / ${off.cycles_per_iteration}`);
  assert.match(on.exit_reasons, /PREEMPTION_TIMER/);
  assert.ok(off.exits_per_iteration - on.exits_per_iteration > 0.9, `the EOI exit: ${off.exits_per_iteration} vs ${on.exits_per_iteration}`);
});

test('microbench tscdeadline_immed: one exit with APICv (the write; the interrupt is posted, the EOI virtualized), two without', () => {
  const t = MICROBENCH_TESTS.find((x) => x.name === 'tscdeadline_immed')!;
  const sk = profile('skylake-sp');
  assert.equal(runMicrobenchTest(t, sk, parseFeatureSet('apicv')).exits_per_iteration, 1);
  assert.equal(runMicrobenchTest(t, sk, parseFeatureSet('nehalem')).exits_per_iteration, 2);
});

test('a workload refuses waitsForInterrupt on events that cannot wait, and deadlineCycles off timer-program', () => {
  const base = { name: 'x', description: 'd', sources: ['s'], kind: 'closed' as const, unitName: 'u', cyclesPerUnit: 1000 };
  assert.throws(() => workload({ ...base, events: [{ kind: 'cpuid', perUnit: 1, waitsForInterrupt: true, source: 's' }] }));
  assert.throws(() => workload({ ...base, events: [{ kind: 'timer-program', perUnit: 1, waitsForInterrupt: true, source: 's' }] }), 'a wait needs a deadline ahead');
  assert.throws(() => workload({ ...base, events: [{ kind: 'cpuid', perUnit: 1, deadlineCycles: 10, source: 's' }] }));
  assert.throws(() => workload({ ...base, events: [{ kind: 'timer-program', perUnit: 1, deadlineCycles: 10, deadlinePassed: true, source: 's' }] }));
});

test('queue depth: with the device latency far above the work, N requests in flight give about N times the IOPS of one, until the work bounds it', () => {
  const f = 2.6e9;
  const perUnitWork = 20_000 + ISR + NATIVE_CYCLES.eoi.cycles; // guest cycles a unit costs besides waiting
  const iops = (qd: number) => {
    const raw = simulateRaw(qd1Case(200, 'modern', qd), true);
    return raw.vmUnits[0] / (raw.windowCycles / f);
  };
  const one = iops(1);
  const four = iops(4);
  const deep = iops(64);
  assert.ok(Math.abs(four / one - 4) < 0.3, `qd4 ${four.toFixed(0)} vs qd1 ${one.toFixed(0)} IOPS`);
  // At depth 64 the 200 µs latency is hidden: one unit per ~perUnitWork cycles, the CPU-bound limit.
  assert.ok(Math.abs(deep / (f / perUnitWork) - 1) < 0.05, `qd64 ${deep.toFixed(0)} IOPS vs the CPU bound ${(f / perUnitWork).toFixed(0)}`);
});

test('a waiting io event needs a device that completes later, and every event on that device must wait with the same depth', () => {
  const bad = (events: object[], latency = 10) => () =>
    simulate({
      ...qd1Case(latency, 'modern'),
      workloads: [workload({ ...qd1Workload(latency), events: events as never })],
    });
  const wait = { kind: 'io', device: 'disk', perUnit: 1, waitsForInterrupt: true, source: 't' };
  assert.throws(bad([wait], 0), /completionLatencyUs above 0/);
  assert.throws(bad([wait, { kind: 'io', device: 'disk', perUnit: 1, source: 't' }]), /does not wait/);
  assert.throws(bad([wait, { ...wait, queueDepth: 4 }]), /queueDepth 4/);
  assert.throws(() => workload({ ...qd1Workload(10), events: [{ kind: 'io', device: 'disk', perUnit: 1, queueDepth: 4, source: 't' }] }), 'queueDepth needs waitsForInterrupt');
});

