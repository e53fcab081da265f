// npm run outputs-doc: writes docs/outputs.md from the data dictionary.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import { outputsDoc } from './columns.js';

const file = path.join(packageRoot(), 'docs', 'outputs.md');
fs.writeFileSync(file, outputsDoc());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
