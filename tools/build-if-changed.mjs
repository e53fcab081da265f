// Builds the TypeScript (tsc -p tsconfig.json) unless nothing it reads changed since the last build:
// npm start and npm test call it first, so a second run starts at once. "Changed" is by modification
// time against the build info tsc writes in dist/ (a checkout or an edit is newer; dist/ removed is a
// full build); `npm run build` always runs tsc.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const info = path.join(root, 'dist', '.tsbuildinfo');
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

const built = fs.existsSync(info) ? fs.statSync(info).mtimeMs : 0;
const sources = Math.max(...inputs.map((d) => newest(path.join(root, d))), ...['tsconfig.json', 'package-lock.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs));
if (built > 0 && sources <= built) process.exit(0);
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
// tsc leaves its build info as it was when no output changed (a touched file): mark the check done.
if (tsc.status === 0 && fs.existsSync(info)) fs.utimesSync(info, new Date(), new Date());
process.exit(tsc.status ?? 1);
