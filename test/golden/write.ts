// Regenerates the golden runs (`npm run golden`): only on purpose, after a
// model change; review the diff and say why in the commit.
import fs from 'node:fs';
import path from 'node:path';
import { GOLDEN_CASES, goldenDir, matrixText, runGolden, summaryText, sweepCsvTexts } from './cases.js';
import { writeFileAtomic } from '../../src/io/atomic.js';

const dir = goldenDir();
for (const c of GOLDEN_CASES) {
  writeFileAtomic(path.join(dir, `${c.name}.json`), summaryText(await runGolden(c)));
  console.log(`wrote ${c.name}.json`);
}
writeFileAtomic(path.join(dir, 'matrix.json'), await matrixText());
console.log(`wrote matrix.json (${Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'matrix.json'), 'utf8'))).length} cases)`);
for (const [name, text] of Object.entries(await sweepCsvTexts())) {
  writeFileAtomic(path.join(dir, name), text);
  console.log(`wrote ${name}`);
}
