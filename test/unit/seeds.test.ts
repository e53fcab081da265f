// Are the streams of seeds n and n+1 independent? StreamBank derives every stream from the
// string `${seed}/${path}` through seedrandom's alea (its Mash hash), so neighbouring seeds give
// neighbouring strings. These tests look for what that could break: uniform first draws across
// seeds, and no correlation between seed n's draws and seed n+1's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamBank } from '../../src/engine/random.js';

const SEEDS = 40000;
const DRAWS = 3;
const PATH = ['vm', 0, 'vcpu', 0, 'class', 0];

function firstDraws(): number[][] {
  const rows: number[][] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const bank = new StreamBank(1);
    const i = bank.add(seed, ...PATH);
    rows.push(Array.from({ length: DRAWS }, () => bank.next(i)));
  }
  return rows;
}

const rows = firstDraws();

// χ² critical values at 99.9% (conservative: several tests run at once).
const CHI2_99_DF_999 = 148.2;
const CHI2_99_DF_LOW_001 = 61.9; // lower tail: a too-even spread would be suspicious too

test('the k-th draw of stream (seed, path) is uniform across seeds 1…40,000 (χ², 100 bins)', () => {
  for (let k = 0; k < DRAWS; k++) {
    const bins = new Array(100).fill(0);
    for (const r of rows) bins[Math.floor(r[k] * 100)]++;
    const expected = SEEDS / 100;
    const chi2 = bins.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    assert.ok(chi2 < CHI2_99_DF_999 && chi2 > CHI2_99_DF_LOW_001, `draw ${k}: χ² ${chi2.toFixed(1)}`);
  }
});

test('draws of seed n and seed n+1 are uncorrelated (lag-1 correlation, and pairs uniform on a 10×10 grid)', () => {
  for (let k = 0; k < DRAWS; k++) {
    const x = rows.map((r) => r[k]);
    let c = 0;
    for (let n = 1; n < SEEDS; n++) c += (x[n] - 0.5) * (x[n - 1] - 0.5);
    const corr = c / ((SEEDS - 1) / 12);
    assert.ok(Math.abs(corr) < 4 / Math.sqrt(SEEDS), `draw ${k}: correlation ${corr.toFixed(4)}`);
    const cells = new Array(100).fill(0);
    for (let n = 1; n < SEEDS; n++) cells[Math.floor(x[n - 1] * 10) * 10 + Math.floor(x[n] * 10)]++;
    const expected = (SEEDS - 1) / 100;
    const chi2 = cells.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    assert.ok(chi2 < CHI2_99_DF_999 && chi2 > CHI2_99_DF_LOW_001, `draw ${k}: pairs χ² ${chi2.toFixed(1)}`);
  }
});

test('streams of one seed with neighbouring paths (vCPU 0 and 1) are uncorrelated too', () => {
  let c = 0;
  for (let seed = 1; seed <= 20000; seed++) {
    const bank = new StreamBank(2);
    const a = bank.add(seed, 'vm', 0, 'vcpu', 0, 'class', 0);
    const b = bank.add(seed, 'vm', 0, 'vcpu', 1, 'class', 0);
    c += (bank.next(a) - 0.5) * (bank.next(b) - 0.5);
  }
  const corr = c / (20000 / 12);
  assert.ok(Math.abs(corr) < 4 / Math.sqrt(20000), `correlation ${corr.toFixed(4)}`);
});
