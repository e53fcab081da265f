// npm run estimate-doc: measures the estimate against the exact engine and
// regenerates docs/estimate.md and the bands `exitsim estimate` quotes
// (src/estimate/error-bands.ts), atomically.
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import { writeFileAtomic } from '../io/atomic.js';
import { accuracyMarkdown, bandsSource, measureAccuracy } from './estimate-accuracy.js';

const { rows, bands } = await measureAccuracy();
const root = packageRoot();
writeFileAtomic(path.join(root, 'docs', 'estimate.md'), accuracyMarkdown(rows, bands));
writeFileAtomic(path.join(root, 'src', 'estimate', 'error-bands.ts'), bandsSource(bands));
process.stdout.write(`wrote docs/estimate.md (${rows.length} cases) and src/estimate/error-bands.ts\n`);
for (const b of bands) process.stdout.write(`  ${b.kind}/${b.regime}: worst ${b.worstErrorPp.toFixed(2)} pp, mean ${b.meanAbsErrorPp.toFixed(2)} pp (${b.cases} cases)\n`);
