// npm run bench:profile -- [case]: runs one bench case under `node --cpu-prof`
// (in a child, as `npm run bench` does) and prints the top frames by self time.
// The .cpuprofile is kept in bench/profiles/ for Chrome DevTools or speedscope.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const runner = path.join(here, 'run.js');
const dir = path.join(here, '..', '..', 'bench', 'profiles');
const name = process.argv[2] ?? 'simple-64';
const top = Number(process.argv[3] ?? 15);

fs.mkdirSync(dir, { recursive: true });
const before = new Set(fs.readdirSync(dir));
const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, runner, '--case', name], { encoding: 'utf8' });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error(`node wrote no profile into ${dir}`);
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;

// Self time per frame (function, file, line), from the samples' time deltas.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const n = byId.get(id) as ProfileNode;
  const dt = profile.timeDeltas[i] ?? 0;
  const where = n.callFrame.url ? `${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : '';
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
process.stdout.write(`${name}: ${r.stdout.trim()}\n\ntop ${top} frames by self time (${path.relative(process.cwd(), path.join(dir, file))}):\n`);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`${((t / total) * 100).toFixed(1).padStart(6)}%  ${key}\n`);
}
