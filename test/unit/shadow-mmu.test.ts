import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { estimate } from '../../src/stats/confidence.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';
import { KVM_MMU_NUM_PREV_ROOTS, MMU_LOCK_HELD_SHARE, lifecycleWriteTraps, mmuLockWaitCycles, rootMissProbability } from '../../src/workloads/shadow-mmu.js';
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

test('mmu_lock: no wait alone; the wait is the M/D/1 fixed point, grows with the vCPUs, shrinks with idleness, stays finite past saturation', () => {
  const load = { acquisitionsPerGuestCycle: 1e-5, holdCyclesPerGuestCycle: 0.03, overheadCyclesPerGuestCycle: 0.1 };
  assert.equal(mmuLockWaitCycles(load, 1), 0);
  assert.equal(mmuLockWaitCycles({ ...load, acquisitionsPerGuestCycle: 0, holdCyclesPerGuestCycle: 0 }, 8), 0);
  const h = load.holdCyclesPerGuestCycle / load.acquisitionsPerGuestCycle;
  const fixedPoint = (n: number, busy = 1) => {
    const w = mmuLockWaitCycles(load, n, busy);
    const rho = (n - 1) * load.holdCyclesPerGuestCycle * Math.min(busy, 1 / (1 + load.overheadCyclesPerGuestCycle + w * load.acquisitionsPerGuestCycle));
    assert.ok(rho < 1, `the others' utilization stays below 1 (${rho})`);
    assert.ok(Math.abs(w - (rho * h) / (2 * (1 - rho))) <= 1e-4 * w, `W = ρh/(2(1−ρ)) at n = ${n}`);
    return w;
  };
  // Two vCPUs, far from saturation: close to ρh/2 with ρ the other's utilization at native speed over (1 + overhead).
  const two = fixedPoint(2);
  assert.ok(two > 0 && two < h, `${two}`);
  let last = two;
  for (const n of [4, 8, 16, 64]) {
    const w = fixedPoint(n);
    assert.ok(w > last, `more vCPUs wait longer (${n}: ${w} vs ${last})`);
    last = w;
  }
  // 64 vCPUs would load the lock 1.9× at native speed: the wait slows them until it does not.
  assert.ok(63 * load.holdCyclesPerGuestCycle > 1);
  assert.ok(Number.isFinite(last));
  // An open workload busy half the time waits less.
  assert.ok(fixedPoint(8, 0.5) < fixedPoint(8));
  for (const share of Object.values(MMU_LOCK_HELD_SHARE)) assert.ok(share !== undefined && share > 0 && share <= 1);
});

/** One pinned vCPU, one event kind at a rate per guest second, constant costs, no host tick. */
function run(events: WorkloadInput['events'], extra: Partial<WorkloadInput>, features: string, seed: number, vcpus = 1) {
  const p = profile('nehalem', (x) => {
    x.stageCv.value = 0;
    x.handlerCv.value = 0;
  });
  const w = workload({ name: 'mmu', description: 'shadow MMU case', sources: ['test'], kind: 'closed', unitName: 'unit', cyclesPerUnit: 1_000_000, events, ...extra });
  const s = simulate({
    scenario: { name: 'mmu', host: { pcpus: vcpus, hostTickHz: 0 }, vms: [{ workload: 'mmu', vcpus }], durationSec: 0.4, seed },
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

test('shadow faults on 4 vCPUs wait for mmu_lock: each exit costs the closed-form wait more than on 1 vCPU; EPT faults do not', () => {
  const rate = 40_000;
  const events = [{ kind: 'page-fault' as const, perGuestSec: rate, nativeCycles: 1000, source: 'test' }];
  const one = run(events, {}, 'nehalem,-ept', 1, 1);
  const four = run(events, {}, 'nehalem,-ept', 1, 4);
  const { p, f } = one;
  const perExit = (s: typeof one.s) => {
    const x = s.total.exits.EXCEPTION_NMI;
    assert.ok(x && x.count > 0);
    return x.mean_cycles;
  };
  // The load one vCPU puts on the lock, as build.ts computes it (constant costs: exact means).
  const exits = p.shadowPageFaultExits.value;
  const handler = p.handlerCycles['shadow-page-fault'].value;
  const roundTrip = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'shadow-page-fault', 'kernel')) - handler;
  const perGuestCycle = rate / f;
  const load = {
    acquisitionsPerGuestCycle: perGuestCycle * exits,
    holdCyclesPerGuestCycle: perGuestCycle * exits * (MMU_LOCK_HELD_SHARE['shadow-page-fault'] as number) * handler,
    overheadCyclesPerGuestCycle: perGuestCycle * exits * (roundTrip + handler),
  };
  const wait = Math.round(mmuLockWaitCycles(load, 4));
  assert.ok(wait > 50, `a visible wait (${wait})`);
  assert.equal(perExit(one.s), roundTrip + handler);
  assert.equal(perExit(four.s), roundTrip + handler + wait);
  assert.ok((four.s.total.efficiency as number) < (one.s.total.efficiency as number));
  // Under EPT the faults are the guest's own (no exit, no lock): 4 vCPUs as efficient as 1.
  const eptOne = run(events, {}, 'nehalem', 1, 1).s.total.efficiency as number;
  const eptFour = run(events, {}, 'nehalem', 1, 4).s.total.efficiency as number;
  assert.ok(Math.abs(eptOne - eptFour) < 2e-3, `${eptOne} vs ${eptFour}`);
});
