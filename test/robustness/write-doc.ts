// npm run robustness-doc: regenerates docs/robustness.md.
import fs from 'node:fs';
import path from 'node:path';
import { CASES, ROOT, robustnessDoc, runCase } from './cases.js';

const file = path.join(ROOT, 'docs', 'robustness.md');
fs.writeFileSync(`${file}.tmp`, robustnessDoc(CASES.map(runCase)));
fs.renameSync(`${file}.tmp`, file);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${CASES.length} bad inputs)\n`);
