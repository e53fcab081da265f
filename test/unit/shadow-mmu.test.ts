import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { estimate } from '../../src/stats/confidence.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';
import { KVM_MMU_NUM_PREV_ROOTS, lifecycleWriteTraps, rootMissProbability } from '../../src/workloads/shadow-mmu.js';
import type { WorkloadInput } from '../../src/config/schema.js';

test('root cache: a vCPU with at most 1 + 3 address spaces always hits; with more, it misses 1 − 3/(A − 1)', () => {
  assert.equal(KVM_MMU_NUM_PREV_ROOTS, 3);
  for (const a of [1, 2, 3, 4]) assert.equal(rootMissProbability(a), 0);
  assert.equal(rootMissProbability(7), 0.5);
  assert.ok(Math.abs(rootMissProbability(31) - 0.9) < 1e-12);
  // More address spaces never miss less.
  for (let a = 1; a < 100; a++) assert.ok(rootMissProbability(a + 1) >= rootMissProbability(a));
});

test('a process lifecycle traps twice per page-table page (fork write-protect, exit teardown)', () => {
  assert.equal(lifecycleWriteTraps(16), 32);
  assert.equal(lifecycleWriteTraps(0), 0);
});

/** One pinned vCPU, one event kind at a rate per guest second, constant costs, no host tick. */
function run(events: WorkloadInput['events'], extra: Partial<WorkloadInput>, features: string, seed: number) {
  const p = profile('nehalem', (x) => {
    x.stageCv.value = 0;
    x.handlerCv.value = 0;
  });
  const w = workload({ name: 'mmu', description: 'shadow MMU case', sources: ['test'], kind: 'closed', unitName: 'unit', cyclesPerUnit: 1_000_000, events, ...extra });
  const s = simulate({
    scenario: { name: 'mmu', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'mmu', vcpus: 1 }], durationSec: 0.4, seed },
    workloads: [w],
    profile: p,
    features,
  });
  return { s, p, f: p.frequencyGHz.value * 1e9 };
}

function tenSeeds(events: WorkloadInput['events'], extra: Partial<WorkloadInput>, features: string) {
  const runs = Array.from({ length: 10 }, (_, i) => run(events, extra, features, i + 1));
  const e = estimate(runs.map((r) => r.s.total.efficiency as number));
  return { mean: e.mean as number, half: e.ci95 as number, runs };
}

test('CR3 switches under shadow paging pay the root-cache misses: efficiency = 1/(1 + λ(c + m·(miss + refill))/f)', () => {
  const rate = 60_000;
  const extra = {
    pageTables: { addressSpacesPerVcpu: 7, pageTablePagesPerProcess: 0, source: 'test' },
    tlb: { missesPerUnit: 0, refillCyclesAfterFlush: 3000, source: 'test' },
  };
  const events = [{ kind: 'cr3-write' as const, perGuestSec: rate, nativeCycles: 0, source: 'test' }];
  const { mean, half, runs } = tenSeeds(events, extra, 'nehalem,-ept');
  const { p, f } = runs[0];
  const m = rootMissProbability(7);
  const exit = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'cr3-write-shadow', 'kernel'));
  const c = exit + m * p.handlerCycles['shadow-root-miss'].value + m * 3000;
  const expected = 1 / (1 + (rate * c) / f);
  assert.ok(expected < 0.9, `visible overhead (${expected})`);
  assert.ok(Math.abs(mean - expected) <= half + 2e-4, `mean ${mean} ± ${half} vs analytic ${expected}`);
  // The same workload with few enough address spaces pays no misses: strictly better.
  const hits = tenSeeds(events, { ...extra, pageTables: { ...extra.pageTables, addressSpacesPerVcpu: 4 } }, 'nehalem,-ept');
  assert.ok(hits.mean - hits.half > mean + half, `4 address spaces ${hits.mean} vs 7: ${mean}`);
});

test('process lifecycles under shadow paging: 2 × pageTablePagesPerProcess EXCEPTION_NMI exits each; none under EPT', () => {
  const events = [{ kind: 'process-lifecycle' as const, perGuestSec: 500, source: 'test' }];
  const extra = { pageTables: { addressSpacesPerVcpu: 2, pageTablePagesPerProcess: 10, source: 'test' } };
  const shadow = run(events, extra, 'nehalem,-ept', 1).s;
  const nmi = shadow.total.exits.EXCEPTION_NMI;
  assert.ok(nmi && nmi.count > 0);
  assert.equal(nmi.count % 20, 0, `exits come in whole lifecycles of 20 (${nmi.count})`);
  const ept = run(events, extra, 'nehalem', 1).s;
  assert.equal(ept.total.exits.EXCEPTION_NMI?.count ?? 0, 0);
  assert.ok((ept.total.efficiency as number) > (shadow.total.efficiency as number));
});

test('a process-lifecycle event without page-table pages is refused with the field named', () => {
  assert.throws(
    () => run([{ kind: 'process-lifecycle', perUnit: 1, source: 'test' }], {}, 'nehalem,-ept', 1),
    /pageTables\.pageTablePagesPerProcess.*no pageTables section/s,
  );
});
