import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { EXAMPLES } from '../../src/cli/examples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');

function commands(): Array<[string, Command]> {
  const out: Array<[string, Command]> = [];
  for (const c of buildProgram().commands) {
    out.push([c.name(), c]);
    for (const s of c.commands) out.push([`${c.name()} ${s.name()}`, s]);
  }
  return out;
}

test('every option that takes a value says its default (or that it is required) in --help', () => {
  const silent = commands().flatMap(([name, c]) =>
    c.options.filter((o) => !o.hidden && (o.required || o.optional) && o.defaultValue === undefined && !/default|required/i.test(o.description)).map((o) => `${name} ${o.long}`),
  );
  assert.deepEqual(silent, []);
});

test('every command has examples in its --help, and every example names real options and files', () => {
  const byName = new Map(commands());
  for (const c of buildProgram().commands) {
    if (c.commands.length > 0) continue; // a group (slurm): its subcommands have the examples' shape
    assert.ok((EXAMPLES[c.name()] ?? []).length > 0, `${c.name()} has examples`);
  }
  for (const [command, examples] of Object.entries(EXAMPLES)) {
    for (const example of examples) {
      for (const part of example.split('&&')) {
        const words = part.trim().match(/"[^"]*"|\S+/g) ?? [];
        assert.equal(words[0], 'exitsim', example);
        const c = byName.get(words[1]);
        assert.ok(c, `${example}: command ${words[1]}`);
        if (part === example) assert.equal(words[1], command, example);
        const longs = new Set(c!.options.map((o) => o.long));
        for (const w of words.slice(2)) {
          if (w.startsWith('--')) assert.ok(longs.has(w.split('=')[0]), `${example}: ${w} is an option of ${words[1]}`);
          else if (/\.(json|ya?ml|txt)$/.test(w) && !w.startsWith('/tmp')) assert.ok(fs.existsSync(path.join(root, w)), `${example}: ${w} exists`);
        }
      }
    }
  }
});

test('--csv still works as the old name of --out (with a note); both at once with different folders are refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-out-'));
  const r = spawnSync(process.execPath, [bin, 'run', 'cpu-bound', '--quick', '--csv', path.join(dir, 'a')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /note: --csv is now --out/);
  assert.ok(fs.existsSync(path.join(dir, 'a', 'runs.csv')));
  const both = spawnSync(process.execPath, [bin, 'run', 'cpu-bound', '--quick', '--csv', path.join(dir, 'b'), '--out', path.join(dir, 'c')], { cwd: root, encoding: 'utf8' });
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--csv: expected one output path/);
  assert.ok(!fs.existsSync(path.join(dir, 'b')) && !fs.existsSync(path.join(dir, 'c')), 'nothing written');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--json wherever results are printed: list and study give JSON on stdout and nothing else', () => {
  const list = spawnSync(process.execPath, [bin, 'list', 'workloads', '--json'], { cwd: root, encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  assert.ok((JSON.parse(list.stdout) as Array<{ name: string }>).some((w) => w.name === 'kernel-build'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-studyjson-'));
  const study = spawnSync(process.execPath, [bin, 'study', '--quick', '--json', '--out', path.join(dir, 's')], { cwd: root, encoding: 'utf8' });
  assert.equal(study.status, 0, study.stderr);
  const j = JSON.parse(study.stdout) as { summary: unknown[]; baseline: string };
  assert.equal(j.baseline, 'none');
  assert.equal(j.summary.length, 21, '7 workloads × 3 presets');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every list is readable at 80 columns', () => {
  for (const args of [['workloads'], ['profiles'], ['guest-os'], ['features'], ['exit-reasons'], ['exit-reasons', '--arch', 'svm']]) {
    const r = spawnSync(process.execPath, [bin, 'list', ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const wide = r.stdout.split('\n').filter((l) => [...l].length > 80);
    assert.deepEqual(wide, [], `list ${args.join(' ')}`);
  }
});
