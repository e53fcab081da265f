// Builds the TypeScript (tsc -p tsconfig.json) unless nothing it reads changed since the last build:
// npm start and npm test call it first, so a second run starts at once. "Changed" is by modification
// time against a stamp this script writes in dist/ after a build (a checkout or an edit is newer; dist/
// removed is a full build); `npm run build` always runs tsc. Not tsc's own build info: `tsc --noEmit`
// writes that too, without emitting, and would pass a stale dist/ as built.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built-by-build-if-changed');
const inputs = ['src', 'test', 'bench'];

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|tsx|json)$/.test(e.name)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
const sources = Math.max(...inputs.map((d) => newest(path.join(root, d))), ...['tsconfig.json', 'package-lock.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs));
if (built > 0 && sources <= built) process.exit(0);
// An edit made while tsc runs is newer than the stamp: the next call builds again.
const startedAt = new Date();
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status === 0) {
  fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  fs.utimesSync(stamp, startedAt, startedAt);
}
process.exit(tsc.status ?? 1);
