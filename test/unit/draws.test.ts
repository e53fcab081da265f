// draws.ts: each sampler from a fixed-seed stream, mean and variance against the law (d3-random style).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamBank, DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL } from '../../src/engine/random.js';
import { drawGap, exponentialCycles, lognormal, poisson, roundPositive, standardNormal } from '../../src/engine/draws.js';

function moments(n: number, draw: () => number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let k = 0; k < n; k++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

function stream(name: string): { rng: StreamBank; i: number } {
  const rng = new StreamBank(1);
  return { rng, i: rng.add(42, name) };
}

test('roundPositive(x) rounds to a whole cycle, at least one', () => {
  assert.equal(roundPositive(0.2), 1);
  assert.equal(roundPositive(-5), 1);
  assert.equal(roundPositive(2.5), 3);
  assert.equal(roundPositive(1e9 + 0.4), 1e9);
});

test('exponentialCycles(rng, i, mean) has mean ≈ mean and variance ≈ mean², whole cycles ≥ 1', () => {
  const { rng, i } = stream('exp');
  const draws: number[] = [];
  const m = moments(200000, () => {
    const x = exponentialCycles(rng, i, 10000);
    draws.push(x);
    return x;
  });
  assert.ok(draws.every((x) => Number.isInteger(x) && x >= 1));
  assert.ok(Math.abs(m.mean / 10000 - 1) < 0.01, `mean ${m.mean}`);
  assert.ok(Math.abs(m.variance / 1e8 - 1) < 0.03, `variance ${m.variance}`);
});

test('standardNormal(rng, i) has mean ≈ 0 and variance ≈ 1', () => {
  const { rng, i } = stream('normal');
  const m = moments(200000, () => standardNormal(rng, i));
  assert.ok(Math.abs(m.mean) < 0.01);
  assert.ok(Math.abs(m.variance - 1) < 0.02);
});

test('lognormal(rng, i, mu, sigma) has mean ≈ exp(mu + sigma²/2)', () => {
  const { rng, i } = stream('lognormal');
  const mu = Math.log(1000);
  const sigma = 0.3;
  const m = moments(200000, () => lognormal(rng, i, mu, sigma));
  assert.ok(Math.abs(m.mean / Math.exp(mu + (sigma * sigma) / 2) - 1) < 0.01, `mean ${m.mean}`);
});

test('poisson(rng, i, mean) has mean ≈ variance ≈ mean, for small means (inversion) and large ones (normal approximation)', () => {
  for (const mean of [0.05, 1.5, 12, 400]) {
    const { rng, i } = stream(`poisson-${mean}`);
    const m = moments(100000, () => poisson(rng, i, mean));
    assert.ok(Math.abs(m.mean / mean - 1) < 0.03, `mean ${mean}: ${m.mean}`);
    assert.ok(Math.abs(m.variance / mean - 1) < 0.06, `mean ${mean}: variance ${m.variance}`);
  }
  const { rng, i } = stream('poisson-0');
  assert.equal(poisson(rng, i, 0), 0);
});

test('drawGap(rng, i, dist, …): constant is the mean; exponential, lognormal and empirical keep the mean', () => {
  const { rng, i } = stream('gap');
  assert.equal(drawGap(rng, i, DIST_CONSTANT, 1234.4, 0, 0, undefined), 1234);
  const exp = moments(100000, () => drawGap(rng, i, DIST_EXPONENTIAL, 5000, 0, 0, undefined));
  assert.ok(Math.abs(exp.mean / 5000 - 1) < 0.02);
  const sigma = 0.5;
  const logn = moments(100000, () => drawGap(rng, i, DIST_LOGNORMAL, 0, Math.log(5000) - (sigma * sigma) / 2, sigma, undefined));
  assert.ok(Math.abs(logn.mean / 5000 - 1) < 0.02, `lognormal mean ${logn.mean}`);
  const table = Float64Array.from([0.5, 1.5]); // multipliers of the mean, equally likely
  const emp = moments(100000, () => drawGap(rng, i, DIST_EMPIRICAL, 5000, 0, 0, table));
  assert.ok(Math.abs(emp.mean / 5000 - 1) < 0.02);
  assert.ok(Math.abs(Math.sqrt(emp.variance) / 2500 - 1) < 0.02);
});
