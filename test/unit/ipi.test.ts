import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertEveryPcpuCycleBooked, profile, simulate, simulateRaw, workload } from '../helpers.js';
import { MICROBENCH_TESTS, runMicrobenchTest } from '../../src/experiment/microbench.js';
import { parseFeatureSet } from '../../src/exits/features.js';

const test_ = (name: string) => MICROBENCH_TESTS.find((t) => t.name === name)!;
const spr = profile('sapphire-rapids');

test('ipi round trip: with IPIv no exit, without it one MSR_WRITE (the ICR write) per iteration; without APICv the target exits too', () => {
  const on = runMicrobenchTest(test_('ipi_poll'), spr, parseFeatureSet('modern'));
  const off = runMicrobenchTest(test_('ipi_poll'), spr, parseFeatureSet('modern,-ipiv'));
  const old = runMicrobenchTest(test_('ipi_poll'), spr, parseFeatureSet('nehalem'));
  assert.equal(on.exits_per_iteration, 0);
  assert.equal(off.exits_per_iteration, 1);
  assert.equal(off.exit_reasons, 'MSR_WRITE');
  assert.match(old.exit_reasons, /EXTERNAL_INTERRUPT/, 'no posted interrupts: the running target is kicked out');
  assert.ok(on.cycles_per_iteration < off.cycles_per_iteration && off.cycles_per_iteration < old.cycles_per_iteration, `${on.cycles_per_iteration} < ${off.cycles_per_iteration} < ${old.cycles_per_iteration}`);
});

test('ipi round trip: the sender waits for the cross-core latency and the target\'s handler, no less', () => {
  const latency = spr.crossCoreInterruptCycles!.value;
  const on = runMicrobenchTest(test_('ipi_poll'), spr, parseFeatureSet('modern'));
  assert.ok(on.cycles_per_iteration >= latency + 200, `${on.cycles_per_iteration} ≥ ${latency} + the 200-cycle handler`);
  // Without the latency, only the handler and the guest's own work are left.
  const noLatency = profile('sapphire-rapids', (p) => {
    delete p.crossCoreInterruptCycles;
  });
  const fast = runMicrobenchTest(test_('ipi_poll'), noLatency, parseFeatureSet('modern'));
  // (Per-iteration figures are rounded: within 2 cycles.)
  assert.ok(Math.abs(on.cycles_per_iteration - fast.cycles_per_iteration - latency) <= 2, `${on.cycles_per_iteration} − ${fast.cycles_per_iteration} vs ${latency}`);
});

test('ipi with a halting target costs more than with a target in an idle loop (wake-up, entry, injection)', () => {
  const halt = runMicrobenchTest(test_('ipi'), spr, parseFeatureSet('modern'));
  const poll = runMicrobenchTest(test_('ipi_poll'), spr, parseFeatureSet('modern'));
  assert.ok(halt.cycles_per_iteration > poll.cycles_per_iteration);
  assert.match(halt.exit_reasons, /HLT/);
});

const pingPong = (activeVcpus: number | undefined, waits: boolean) =>
  workload({
    name: 'pp', description: 'IPIs between vCPUs', sources: ['test'], kind: 'closed', unitName: 'unit', cyclesPerUnit: 200_000,
    ...(activeVcpus === undefined ? {} : { activeVcpus }),
    events: [{ kind: 'ipi-send', perUnit: 4, waitsForInterrupt: waits, source: 'test' }],
  });

test('waiting IPI senders: two vCPUs that wait on each other never deadlock, and the accounting adds up', () => {
  const c = { scenario: { name: 'pp', host: { pcpus: 2, hostTickHz: 250 }, vms: [{ workload: 'pp', vcpus: 2 }], durationSec: 0.2, seed: 3 }, workloads: [pingPong(undefined, true)], profile: spr };
  for (const features of ['modern', 'modern,-ipiv', 'nehalem']) {
    const s = simulate({ ...c, features });
    assert.ok(s.total.throughput_units_per_s > 0, `${features}: units complete`);
    assertEveryPcpuCycleBooked(simulateRaw({ ...c, features }), features);
  }
  // Waiting for the target's handler costs throughput.
  const free = simulate({ ...c, workloads: [pingPong(undefined, false)], features: 'modern' });
  const waiting = simulate({ ...c, features: 'modern' });
  assert.ok(free.total.throughput_units_per_s > waiting.total.throughput_units_per_s);
});

test('activeVcpus: only the first N vCPUs run units; the others halt and take interrupts', () => {
  const one = simulate({
    scenario: { name: 'a', host: { pcpus: 4, hostTickHz: 0 }, vms: [{ workload: 'pp', vcpus: 4 }], durationSec: 0.1, seed: 1 },
    workloads: [pingPong(1, false)], profile: spr, features: 'modern',
  });
  const all = simulate({
    scenario: { name: 'a', host: { pcpus: 4, hostTickHz: 0 }, vms: [{ workload: 'pp', vcpus: 4 }], durationSec: 0.1, seed: 1 },
    workloads: [pingPong(undefined, false)], profile: spr, features: 'modern',
  });
  const ratio = all.total.throughput_units_per_s / one.total.throughput_units_per_s;
  assert.ok(ratio > 3.5 && ratio < 4.5, `four busy vCPUs do ~4× the units of one (${ratio})`);
  assert.ok((one.total.exits.HLT?.count ?? 0) > 0, 'the idle vCPUs halt when their IPIs are handled');
});
