import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { StreamBank, normalFromUniform } from '../../src/engine/random.js';
import { TimerHeap } from '../../src/engine/timer-heap.js';
import { bucketOf, bucketValue, HISTOGRAM_RELATIVE_ERROR, histogramQuantiles, HISTOGRAM_BUCKETS } from '../../src/engine/histogram.js';
import { resolveScenario } from '../../src/request/scenario.js';
import { shippedWorkloadNames } from '../../src/config/load.js';
import { buildRunModel } from '../../src/request/run-path.js';
import { Simulation } from '../../src/engine/simulation.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { N_CAT } from '../../src/exits/cost.js';

test('StreamBank.next(i) reproduces seedrandom alea exactly, stream by stream', () => {
  const bank = new StreamBank(1);
  const a = bank.add(7, 'vm', 0, 'vcpu', 1, 'class', 2);
  const b = bank.add(7, 'other');
  const refA = seedrandom.alea('7/vm/0/vcpu/1/class/2');
  const refB = seedrandom.alea('7/other');
  for (let k = 0; k < 10000; k++) {
    assert.equal(bank.next(a), refA());
    if (k % 3 === 0) assert.equal(bank.next(b), refB());
  }
});

test('normalFromUniform has mean ≈ 0 and variance ≈ 1', () => {
  const n = 200000;
  let s = 0;
  let s2 = 0;
  const rng = seedrandom.alea('normal');
  for (let k = 0; k < n; k++) {
    const z = normalFromUniform(rng());
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
});

test('TimerHeap pops in (time, slot) order, re-arms in place, cancels, and re-arms a slot while it fires', () => {
  const h = new TimerHeap(8);
  h.set(3, 50);
  h.set(1, 10);
  h.set(5, 10);
  h.set(2, 30);
  h.set(3, 5); // re-armed earlier
  h.cancel(2);
  const order: number[] = [];
  let rearmed = false;
  while (h.length > 0 && order.length < 10) {
    const slot = h.beginFire();
    order.push(slot);
    if (slot === 1 && !rearmed) {
      h.set(1, 60); // re-armed while firing
      rearmed = true;
    }
    h.endFire();
  }
  assert.deepEqual(order, [3, 1, 5, 1]);
  assert.equal(h.isArmed(1), false);
});

test('log-linear histogram buckets: relative error within the stated bound; quantiles via d3-array', () => {
  for (let x = 1; x < 1e12; x *= 1.37) {
    const v = bucketValue(bucketOf(x));
    assert.ok(Math.abs(v - x) / x <= HISTOGRAM_RELATIVE_ERROR + 1e-12, `${x} → ${v}`);
  }
  const h = new Float64Array(HISTOGRAM_BUCKETS);
  for (let k = 1; k <= 1000; k++) h[bucketOf(k * 10)]++;
  const [p50, p99] = histogramQuantiles(h, 0, [0.5, 0.99]);
  assert.ok(Math.abs(p50 - 5000) / 5000 < 0.01);
  assert.ok(Math.abs(p99 - 9900) / 9900 < 0.01);
});

test('timer shortcuts (queued silent events, lazy lock releases, a unit end armed past its walk) give byte-identical results to one timer event per happening', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [];
  for (const name of shippedWorkloadNames()) {
    for (const features of ['none', 'apicv', 'modern']) cases.push([name, features, { scheduler: 'fair', pcpus: 3 }]);
  }
  cases.push(['kernel-build', 'modern', { scheduler: 'pinned', vms: 2 }], ['spinlock-job', 'modern', { scheduler: 'fair', pcpus: 2, vms: 2 }]);
  let fewer = 0;
  for (const [name, features, o] of cases) {
    const r = resolveScenario(name, { durationSec: 0.1, warmupSec: 0.01, seed: 9, ...o });
    const model = () => buildRunModel(r, parseFeatureSet(features));
    const queued = new Simulation(model()).run();
    const oneByOne = new Simulation(model(), { timerShortcuts: false }).run();
    const { heapEvents: h1, ...a } = queued;
    const { heapEvents: h2, ...b } = oneByOne;
    assert.deepEqual(a, b, `${name}, ${features}`);
    assert.ok(h1 <= h2, `${name}, ${features}: ${h1} timer events with the shortcuts, ${h2} without`);
    if (h1 < h2) fewer++;
  }
  // (cpu-bound and idle-guest have no silent events, walks or locks under some features.)
  assert.ok(fewer >= 15, `the shortcuts save timer events (${fewer} of ${cases.length} cases)`);
});

test('snapshots mid-run bring every counter up to date: per-pCPU cycles grow and stay within the window (plus an episode booked ahead), exit statistics agree with the histogram, and the run ends as if never looked at', () => {
  const r = resolveScenario('network-server', { durationSec: 0.05, warmupSec: 0.005, seed: 4, scheduler: 'fair', pcpus: 3 });
  const model = () => buildRunModel(r, parseFeatureSet('none'));
  const sim = new Simulation(model());
  sim.start();
  const end = sim.endCycles;
  let before: ArrayLike<number> = [];
  for (let k = 1; k <= 10; k++) {
    sim.runUntil((end * k) / 10);
    const s = sim.snapshot();
    for (let p = 0; p < s.pcpus; p++) {
      let sum = 0;
      for (let c = 0; c < N_CAT; c++) sum += s.pcpuCycles[p * N_CAT + c];
      // Open segments are not booked yet, and an exit episode booked ahead is booked whole at its
      // start: a pCPU books at most the window so far plus one episode (well under 10^6 cycles).
      assert.ok(sum <= s.windowCycles + 1e6, `snapshot ${k}: pCPU ${p} books ${sum} of ${s.windowCycles}`);
    }
    s.pcpuCycles.forEach((x, i) => assert.ok(x >= (before[i] ?? 0), `snapshot ${k}: counter ${i} went back`));
    before = s.pcpuCycles;
    let exits = 0;
    let histogram = 0;
    s.exitCount.forEach((n, i) => {
      exits += n;
      if (n > 0) {
        assert.ok(s.exitMin[i] * n <= s.exitCycles[i] && s.exitCycles[i] <= s.exitMax[i] * n, `snapshot ${k}: reason slot ${i} min/mean/max`);
        assert.ok(s.exitSumSq[i] * n >= s.exitCycles[i] * s.exitCycles[i] - 1e-6 * s.exitSumSq[i] * n, `snapshot ${k}: slot ${i} variance ≥ 0`);
      }
    });
    for (let i = 0; i < s.exitHistogram.length; i++) histogram += s.exitHistogram[i];
    assert.equal(histogram, exits, `snapshot ${k}: every counted exit is in the histogram`);
    if (k > 1) assert.ok(exits > 0, `snapshot ${k}: exits counted`);
  }
  assert.deepEqual(sim.finish(), new Simulation(model()).run());
});
