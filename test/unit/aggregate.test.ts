import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertEveryPcpuCycleBooked, profile, simulate, workload } from '../helpers.js';
import { resolveScenario } from '../../src/request/scenario.js';
import { shippedWorkloadNames } from '../../src/config/load.js';
import { buildRunModel } from '../../src/request/run-path.js';
import { Simulation } from '../../src/engine/simulation.js';
import { parseFeatureSet } from '../../src/exits/features.js';

// Aggregated mode (--aggregate) is statistical, but its bookkeeping is not:
// every cycle is booked once, runs are reproducible, and the batched IPIs
// reach their targets. (Its agreement with exact mode is in test/long.)
const aggregateModel = (name: string, features: string, seed: number) => {
  const r = resolveScenario(name, { durationSec: 0.05, warmupSec: 0.01, scheduler: 'fair', pcpus: 3, seed });
  return buildRunModel(r, parseFeatureSet(features), { aggregate: true });
};

for (const name of shippedWorkloadNames()) {
  test(`aggregated mode books every pCPU cycle exactly once and is reproducible: ${name}`, () => {
    for (const features of ['none', 'modern']) {
      const raw = new Simulation(aggregateModel(name, features, 5)).run();
      assertEveryPcpuCycleBooked(raw, features);
      const again = new Simulation(aggregateModel(name, features, 5)).run();
      assert.deepEqual(again.pcpuCycles, raw.pcpuCycles);
      assert.deepEqual(again.exitCount, raw.exitCount);
      assert.equal(again.guestEvents, raw.guestEvents);
    }
  });
}

test('IPIs stay exact in aggregated mode: interrupt exits per IPI sent match exact mode (a burst at a batch start would coalesce them)', () => {
  const w = workload({
    name: 'ipi-only',
    description: 'IPIs between two busy vCPUs',
    sources: ['test'],
    kind: 'closed',
    unitName: 'unit',
    cyclesPerUnit: 1_000_000,
    events: [{ kind: 'ipi-send', perGuestSec: 20_000, source: 'test' }],
  });
  const run = (aggregate: boolean) =>
    simulate({
      scenario: { name: 'ipi', host: { pcpus: 2, hostTickHz: 0 }, vms: [{ workload: 'ipi-only', vcpus: 2 }], durationSec: 0.5, seed: 11 },
      workloads: [w],
      profile: profile(),
      features: 'none',
      aggregate,
    });
  const exact = run(false);
  const agg = run(true);
  const reasons = Object.keys(exact.total.exits);
  assert.deepEqual(Object.keys(agg.total.exits).sort(), reasons.sort(), 'the same exit reasons');
  // Without posted interrupts each IPI received is an EXTERNAL_INTERRUPT exit.
  const received = (s: typeof exact) => s.total.exits.EXTERNAL_INTERRUPT?.count ?? 0;
  const perEvent = (s: typeof exact) => received(s) / s.guest_events;
  assert.ok(received(agg) > 1000, `IPIs were delivered in aggregated mode (${received(agg)})`);
  assert.ok(Math.abs(perEvent(agg) - perEvent(exact)) < 0.05 * perEvent(exact), `exact ${perEvent(exact)}, aggregate ${perEvent(agg)} interrupt exits per IPI`);
});
