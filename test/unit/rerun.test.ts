import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A result's manifest embeds what it ran on: `exitsim rerun` repeats it from the manifest alone —
// in another folder, with the input files gone — and the CSVs come out byte for byte the same.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-rerun-'));
const same = (a: string, b: string, files: string[]) => {
  for (const f of files) assert.equal(fs.readFileSync(path.join(b, f), 'utf8'), fs.readFileSync(path.join(a, f), 'utf8'), `${f} byte for byte`);
};

test('rerun of a comparison: same CSVs; the manifest records version, git, node and the command as typed', () => {
  const d = tmp();
  // A workload file of our own, deleted before the rerun: the manifest must be enough.
  const w = JSON.parse(fs.readFileSync(path.join(root, 'workloads', 'network-server.json'), 'utf8'));
  w.name = 'mine';
  const wf = path.join(d, 'mine.json');
  fs.writeFileSync(wf, JSON.stringify(w));
  const a = path.join(d, 'a');
  assert.equal(exitsim('compare', wf, '--quick', '--seed', '7', '--features', 'none', '--features', 'ept', '--out', a).status, 0);
  fs.rmSync(wf);
  const r = exitsim('rerun', path.join(a, 'manifest.json'), '--out', path.join(d, 'b'));
  assert.equal(r.status, 0, r.stderr);
  same(a, path.join(d, 'b'), ['runs.csv', 'vms.csv', 'exits.csv']);
  const m = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8'));
  assert.equal(m.version, JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  assert.equal(m.node, process.version);
  assert.match(m.command, /^npx exitsim compare .*mine\.json --quick --seed 7 --features none --features ept --out /);
  if (fs.existsSync(path.join(root, '.git'))) assert.match(m.git.commit, /^[0-9a-f]{40}$/);
  // Every setting spelled out: run from the same files, the resolved command gives the same CSVs.
  assert.match(m.resolved_command, /^npx exitsim compare \S*mine\.json --features none --features ept --profile sapphire-rapids --pcpus 4 --scheduler pinned --host-tick 250 --duration 0\.1 --warmup 0\.01 --seed 7 --vms 2 --vcpus 2$/);
  fs.writeFileSync(wf, JSON.stringify(w));
  const again = exitsim(...(m.resolved_command as string).replace(/^npx exitsim /, '').split(' '), '--out', path.join(d, 'c'));
  assert.equal(again.status, 0, again.stderr);
  same(a, path.join(d, 'c'), ['runs.csv', 'vms.csv', 'exits.csv']);
});

test('rerun refuses a manifest without embedded inputs, and a file that is not a manifest', () => {
  const d = tmp();
  const f = path.join(d, 'manifest.json');
  fs.writeFileSync(f, JSON.stringify({ tool: 'exitsim', runs: [{ features: 'modern', seed: 1 }] }));
  const r = exitsim('rerun', f, '--out', path.join(d, 'x'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /manifest\.json: inputs: expected the manifest of a run/);
  fs.writeFileSync(f, JSON.stringify({ name: 'x' }));
  assert.match(exitsim('rerun', f, '--out', path.join(d, 'x')).stderr, /manifest\.json: tool: expected an exitsim manifest.json with tool/);
  assert.ok(!fs.existsSync(path.join(d, 'x')), 'nothing written');
});

test('rerun runs on the guest OS profile the result was made with, embedded in its manifest, not on the file as it is today (runs and studies)', () => {
  const d = tmp();
  const osFile = path.join(d, 'my-linux.json');
  const original = JSON.parse(fs.readFileSync(path.join(root, 'guest-os', 'linux-5.8.json'), 'utf8'));
  delete original.$schema;
  fs.writeFileSync(osFile, JSON.stringify(original));
  const a = path.join(d, 'a');
  let r = exitsim('run', 'kernel-build', '--quick', '--features', 'modern,-msr-bitmap', '--guest-os', osFile, '--out', a);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(m.inputs[0].guest_oses), [osFile]);
  // The user edits the guest OS afterwards: five FS_BASE writes per switch.
  fs.writeFileSync(osFile, JSON.stringify({ ...original, contextSwitch: { msrWrites: [{ ...original.contextSwitch.msrWrites[0], count: 5 }] } }));
  r = exitsim('rerun', path.join(a, 'manifest.json'), '--out', path.join(d, 'b'));
  assert.equal(r.status, 0, r.stderr);
  same(a, path.join(d, 'b'), ['runs.csv', 'exits.csv']);
  // Run afresh, the edit shows: the rerun did not read the file.
  r = exitsim('run', 'kernel-build', '--quick', '--features', 'modern,-msr-bitmap', '--guest-os', osFile, '--out', path.join(d, 'c'));
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(fs.readFileSync(path.join(d, 'c', 'exits.csv'), 'utf8'), fs.readFileSync(path.join(a, 'exits.csv'), 'utf8'));
  // A manifest whose embedded guest OS was edited is refused (its digest covers it).
  const edited = { ...m, inputs: [{ ...m.inputs[0], guest_oses: { [osFile]: { ...m.inputs[0].guest_oses[osFile], guest_os: { ...m.inputs[0].guest_oses[osFile].guest_os, name: 'other' } } } }] };
  fs.writeFileSync(path.join(d, 'edited.json'), JSON.stringify(edited));
  r = exitsim('rerun', path.join(d, 'edited.json'), '--out', path.join(d, 'e'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /inputs_sha256.*edited/);
});

test('rerun given an input file instead of a manifest says what to run instead', () => {
  const r1 = spawnSync(process.execPath, [path.join(root, 'bin', 'exitsim.js'), 'rerun', path.join(root, 'workloads', 'kernel-build.json'), '--out', path.join(os.tmpdir(), 'exitsim-rerun-never')], { encoding: 'utf8' });
  assert.equal(r1.status, 2);
  assert.match(r1.stderr, /expected the manifest\.json of a result folder .* found a workload file: run it with exitsim run FILE/);
  const r2 = spawnSync(process.execPath, [path.join(root, 'bin', 'exitsim.js'), 'rerun', path.join(root, 'workloads', 'studies', 'msr-bitmap.yaml'), '--out', path.join(os.tmpdir(), 'exitsim-rerun-never')], { encoding: 'utf8' });
  assert.match(r2.stderr, /exitsim sweep FILE/);
  assert.ok(!fs.existsSync(path.join(os.tmpdir(), 'exitsim-rerun-never')), 'nothing written');
});
