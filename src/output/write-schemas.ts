// npm run schemas: writes schemas/*.schema.json from the validators.
import { writeFileAtomic } from '../io/atomic.js';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import { SCHEMAS, jsonSchemaText } from '../config/json-schema.js';

const dir = path.join(packageRoot(), 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const name of Object.keys(SCHEMAS)) {
  const file = path.join(dir, name);
  writeFileAtomic(file, jsonSchemaText(name));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
