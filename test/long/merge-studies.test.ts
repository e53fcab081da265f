import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

// Every shipped study, sharded and merged, gives the unsharded sweep's files byte for byte (the
// manifest aside: it names its own command, times and shards; and the folder's own bookkeeping,
// .exitsim-owned.json). The studies are shortened (their
// parameters and feature sets kept) so that the whole check takes a couple of minutes.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-merge-'));
test.after(() => fs.rmSync(d, { recursive: true, force: true }));

/** Every file under `dir`, by path relative to it. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).sort();
}

const studies = fs.readdirSync(path.join(root, 'workloads', 'studies')).filter((f) => f.endsWith('.yaml') && f !== 'migration.yaml').sort(); // migration.yaml is a migration study, run by exitsim migrate

for (const name of studies) {
  test(`${name}: 2 shards merged = the unsharded sweep, every file byte for byte`, () => {
    const spec = YAML.parse(fs.readFileSync(path.join(root, 'workloads', 'studies', name), 'utf8'));
    assert.equal(typeof spec.base, 'object', 'an inline base scenario');
    spec.base.durationSec = 0.01;
    spec.base.warmupSec = 0.001;
    spec.replications = Math.min(spec.replications ?? 1, 2);
    const dir = path.join(d, name.replace(/\.yaml$/, ''));
    fs.mkdirSync(dir);
    const file = path.join(dir, name);
    fs.writeFileSync(file, YAML.stringify(spec));
    const run = (...args: string[]) => {
      const r = exitsim(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    };
    run('sweep', file, '--workers', '2', '--out', path.join(dir, 'all'));
    run('sweep', file, '--workers', '1', '--shard', '2/2', '--out', path.join(dir, 's2'));
    run('sweep', file, '--workers', '1', '--shard', '1/2', '--out', path.join(dir, 's1'));
    run('merge', path.join(dir, 's2'), path.join(dir, 's1'), '--out', path.join(dir, 'merged'));
    const results = (f: string) => f !== 'manifest.json' && !path.basename(f).startsWith('.');
    const all = files(path.join(dir, 'all')).filter(results);
    assert.deepEqual(files(path.join(dir, 'merged')).filter(results), all);
    assert.ok(all.includes('summary.csv') && all.includes('efficiency.pdf'));
    for (const f of all) assert.ok(fs.readFileSync(path.join(dir, 'all', f)).equals(fs.readFileSync(path.join(dir, 'merged', f))), `${name}: ${f} differs`);
  });
}
