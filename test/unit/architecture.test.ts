// The folder layout is the architecture (README "Architecture"): each folder
// of src/ sits on a layer and imports only from its own layer's folders or
// lower ones; the engine's files stay small. These tests fail on an upward
// import or an engine file that has grown past its size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/config/load.js';

/** Layer of each folder of src/: imports go to the same layer or lower. */
export const LAYERS: Record<string, number> = {
  config: 0,
  io: 1,
  stats: 1,
  workloads: 1,
  scheduler: 1,
  exits: 1,
  engine: 2,
  model: 3,
  metrics: 3,
  import: 3,
  // A run request: a scenario resolved with its workloads and profile, and the model it builds.
  request: 4,
  // The analytic estimate answers a run request; experiments (capacity search) use it.
  estimate: 5,
  // Live migration: the pre-copy controller and dirty tracking, costed by runs of a request's model.
  migration: 5,
  experiment: 6,
  // A host's kvm-unit-tests output fitted into a profile (the simulated tests are an experiment's).
  calibrate: 7,
  // Validation measures the estimate against the exact engine (experiments), the model against figures, and calibrate on published logs.
  validation: 8,
  output: 9,
  cluster: 10,
  tui: 10,
  cli: 11,
};

const src = path.join(packageRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every (importing file, imported file) pair inside src/, from `import … from '…'` and `import('…')`. */
function imports(): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  for (const file of sourceFiles(src)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)) {
      out.push({ from: path.relative(src, file), to: path.relative(src, path.resolve(path.dirname(file), m[1])) });
    }
  }
  return out;
}

const folderOf = (rel: string) => rel.split(path.sep)[0];

test('every folder of src/ has a layer', () => {
  const folders = fs.readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.filter((f) => LAYERS[f] === undefined), []);
});

test('no import runs upward (a folder imports only from its layer or below)', () => {
  const found = imports();
  assert.ok(found.length > 100, `imports were read (${found.length})`);
  const upward = found.filter(({ from, to }) => LAYERS[folderOf(to)] > LAYERS[folderOf(from)]).map(({ from, to }) => `${from} → ${to}`);
  assert.deepEqual(upward, []);
});

test('no two folders import each other (no folder cycle, whatever their layers)', () => {
  const edges = new Set(imports().map(({ from, to }) => `${folderOf(from)}→${folderOf(to)}`).filter((e) => e.split('→')[0] !== e.split('→')[1]));
  const cycles = [...edges].filter((e) => edges.has(e.split('→').reverse().join('→')));
  assert.deepEqual(cycles, []);
});

test('folders that import one another sit on separate layers (so the layer test sees the direction)', () => {
  const sameLayer = imports().filter(({ from, to }) => folderOf(from) !== folderOf(to) && LAYERS[folderOf(from)] === LAYERS[folderOf(to)]).map(({ from, to }) => `${from} → ${to}`);
  assert.deepEqual(sameLayer, []);
});

test('the simulation core imports no terminal, UI or CLI code (it runs in a worker thread)', () => {
  const core = ['engine', 'exits', 'scheduler', 'model', 'workloads', 'metrics'];
  const bad = imports().filter(({ from, to }) => core.includes(folderOf(from)) && ['tui', 'cli', 'output'].includes(folderOf(to)));
  assert.deepEqual(bad, []);
  for (const file of sourceFiles(src).filter((f) => core.includes(folderOf(path.relative(src, f))))) {
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /from '(ink|react|commander)'/, path.relative(src, file));
  }
});

test('engine files stay small: simulation.ts (the state machine) under 1,000 lines, every other engine file under 400', () => {
  for (const file of sourceFiles(path.join(src, 'engine'))) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').length;
    const limit = path.basename(file) === 'simulation.ts' ? 1000 : 400;
    assert.ok(lines <= limit, `${path.relative(src, file)}: ${lines} lines (limit ${limit})`);
  }
});

test('every CLI command is a file of its own in src/cli/commands/, and program.ts only registers them', () => {
  const main = fs.readFileSync(path.join(src, 'cli', 'program.ts'), 'utf8');
  const commands = fs.readdirSync(path.join(src, 'cli', 'commands')).filter((f) => f.endsWith('.ts'));
  assert.ok(commands.length >= 12, `${commands.length} command files`);
  for (const c of commands) assert.match(main, new RegExp(`'./commands/${c.replace('.ts', '.js')}'`), `program.ts registers ${c}`);
  assert.ok(main.split('\n').length < 80, 'main.ts stays a registry');
});

/** The platform rooms: the only places that may name an architecture or a VM type as a string to compare. */
const PLATFORM_ROOMS = ['exits/arch/', 'exits/vm-types/'];
const PLATFORM_COMPARISON = /[!=]==\s*'(vmx|svm|plain|nested|tdx|sev-es|sev-snp)'|'(vmx|svm|plain|nested|tdx|sev-es|sev-snp)'\s*[!=]==|case\s+'(vmx|svm|plain|nested|tdx|sev-es|sev-snp)'\s*:/g;

/**
 * Files that still compare platform strings, and how many times: the refactor into the rooms (issue 29)
 * drives this to nothing; the count may only fall (a new comparison anywhere fails the test).
 */
const NOT_YET_IN_A_ROOM: Record<string, number> = {};

test('no file outside the platform rooms compares an architecture or VM-type string (ask the descriptor)', () => {
  const found: Record<string, number> = {};
  for (const file of sourceFiles(src)) {
    const rel = path.relative(src, file).split(path.sep).join('/');
    if (PLATFORM_ROOMS.some((room) => rel.startsWith(room))) continue;
    const n = [...fs.readFileSync(file, 'utf8').matchAll(PLATFORM_COMPARISON)].length;
    if (n > 0) found[rel] = n;
  }
  const grown = Object.entries(found).filter(([f, n]) => n > (NOT_YET_IN_A_ROOM[f] ?? 0)).map(([f, n]) => `${f}: ${n} (allowed ${NOT_YET_IN_A_ROOM[f] ?? 0})`);
  assert.deepEqual(grown, [], 'a comparison of a platform string outside src/exits/arch and src/exits/vm-types');
  const shrunk = Object.entries(NOT_YET_IN_A_ROOM).filter(([f, n]) => (found[f] ?? 0) < n).map(([f]) => f);
  assert.deepEqual(shrunk, [], 'fewer comparisons than allowed: lower NOT_YET_IN_A_ROOM to what is left');
});

test('docs/design/architecture.md: its layer table is LAYERS, and it names every file of the platform rooms', () => {
  const doc = fs.readFileSync(path.join(packageRoot(), 'docs', 'design', 'architecture.md'), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- layers'), doc.indexOf('<!-- /layers -->'));
  const documented: Record<string, number> = {};
  for (const m of table.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)) for (const f of m[2].matchAll(/`([a-z]+)`/g)) documented[f[1]] = Number(m[1]);
  assert.deepEqual(documented, LAYERS);
  for (const room of PLATFORM_ROOMS) {
    for (const file of fs.readdirSync(path.join(src, room))) assert.ok(doc.includes(file), `${room}${file} is named in the design doc`);
  }
});
