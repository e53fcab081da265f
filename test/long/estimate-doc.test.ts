// docs/estimate.md and the bands `exitsim estimate` quotes are what the
// measurement gives today: re-measured here (seeded, so byte for byte).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/config/load.js';
import { accuracyMarkdown, bandsSource, measureAccuracy } from '../../src/validation/estimate-accuracy.js';

test('docs/estimate.md and src/estimate/error-bands.ts are current (npm run estimate-doc regenerates them)', async () => {
  const { rows, bands } = await measureAccuracy();
  const root = packageRoot();
  assert.equal(accuracyMarkdown(rows, bands), fs.readFileSync(path.join(root, 'docs', 'estimate.md'), 'utf8'));
  assert.equal(bandsSource(bands), fs.readFileSync(path.join(root, 'src', 'estimate', 'error-bands.ts'), 'utf8'));
  // Honesty: the classes where the approximation is poor are wide, and the doc says so.
  assert.ok(rows.length >= 100);
});
