// npm run validate: regenerates docs/validation.md (atomically) and prints the verdicts.
import { writeFileAtomic } from '../io/atomic.js';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import { computeValidation, within } from './report.js';

const { rows, markdown } = computeValidation();
const file = path.join(packageRoot(), 'docs', 'validation.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
writeFileAtomic(file, markdown);
const outside = rows.filter((r) => !within(r));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}: ${rows.length} comparisons, ${outside.length} outside their stated tolerance\n`);
for (const r of outside) process.stdout.write(`  outside: ${r.figure}: published ${r.published}, simulated ${r.simulated}\n`);
