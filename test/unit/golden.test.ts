import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { GOLDEN_CASES, goldenDir, matrixText, runGolden, summaryText, sweepCsvTexts } from '../golden/cases.js';

// A refactor changes no byte of these; a model change regenerates them with `npm run golden`.
const dir = goldenDir();

for (const c of GOLDEN_CASES) {
  test(`golden run ${c.name} (${c.covers}) is byte-identical to test/golden/${c.name}.json`, async () => {
    const stored = fs.readFileSync(path.join(dir, `${c.name}.json`), 'utf8');
    assert.equal(summaryText(await runGolden(c)), stored);
  });
}

test('every shipped workload × preset × scheduler, exact and aggregated, matches test/golden/matrix.json', async () => {
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'matrix.json'), 'utf8')) as Record<string, string>;
  const now = JSON.parse(await matrixText()) as Record<string, string>;
  const changed = Object.keys(stored).filter((k) => stored[k] !== now[k]);
  assert.deepEqual(Object.keys(now), Object.keys(stored), 'the same cases');
  assert.deepEqual(changed, [], `cases whose summary changed: ${changed.slice(0, 10).join(', ')}`);
});

test("a sweep across CPUs and VM types writes runs.csv and exits.csv byte-identical to test/golden/sweep.*.csv", async () => {
  for (const [name, text] of Object.entries(await sweepCsvTexts())) assert.equal(text, fs.readFileSync(path.join(dir, name), 'utf8'), name);
});
