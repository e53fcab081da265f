// npm run robustness-doc: regenerates docs/robustness.md.
import { writeFileAtomic } from '../../src/io/atomic.js';
import path from 'node:path';
import { CASES, ROOT, prepareCases, robustnessDoc, runCase } from './cases.js';

const file = path.join(ROOT, 'docs', 'robustness.md');
prepareCases();
writeFileAtomic(file, robustnessDoc(CASES.map(runCase)));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${CASES.length} bad inputs)\n`);
