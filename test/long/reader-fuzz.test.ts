import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { runInProcess } from '../cli-in-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-reader-fuzz-'));
test.after(() => fs.rmSync(work, { recursive: true, force: true }));

// The readers of result folders (table, report, merge, rerun, and a sweep resuming) on folders a
// user's hand or a full disk damaged: a file cut at any byte, appended to, overwritten with binary,
// replaced by a link, a FIFO, a 300 MB sparse file, '{', or removed. Each answer is exit 0 (the damage
// touched nothing the reader uses) or exit 2 with one line in exitsim's form — never a stack trace,
// never a hang, never a partial output.
const READER_CASES = Number(process.env.EXITSIM_READER_FUZZ_CASES ?? 400);

test(`reader fuzz: ${READER_CASES} damaged result folders read by table, report, merge, rerun and a resumed sweep`, { timeout: 30 * 60_000 }, async () => {
  process.env.CI = 'true';
  process.chdir(root);
  const good = path.join(work, 'readers');
  const sweepFile = path.join(work, 'tiny.yaml');
  fs.writeFileSync(sweepFile, 'name: tiny\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: cpu-bound, vcpus: 1 }], durationSec: 0.005 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [none, modern]\n');
  assert.equal((await runInProcess(['run', 'cpu-bound', '--duration', '0.005', '--warmup', '0', '--out', path.join(good, 'run')])).code, 0);
  assert.equal((await runInProcess(['sweep', sweepFile, '--out', path.join(good, 'study')])).code, 0);
  const READERS: Record<string, { set: 'run' | 'study'; argv: (dir: string, out: string) => string[] }> = {
    table: { set: 'study', argv: (dir) => ['table', dir] },
    'table (run)': { set: 'run', argv: (dir) => ['table', dir] },
    report: { set: 'run', argv: (dir) => ['report', dir] },
    merge: { set: 'study', argv: (dir, out) => ['merge', dir, '--out', out] },
    rerun: { set: 'run', argv: (dir, out) => ['rerun', path.join(dir, 'manifest.json'), '--out', out] },
    'sweep (resume)': { set: 'study', argv: (dir) => ['sweep', sweepFile, '--out', dir] },
  };
  const filesOf = (set: string) => fs.readdirSync(path.join(good, set), { recursive: true }).map(String).filter((f) => fs.statSync(path.join(good, set, f)).isFile() && !f.startsWith('.'));
  const damage = fc.record({
    kind: fc.constantFrom('cut', 'append', 'binary', 'overwrite', 'symlink', 'fifo', 'huge', 'brace', 'remove'),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  });
  const scratch = path.join(work, 'damaged');
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...Object.keys(READERS)), fc.nat(), damage, async (reader, pick, d) => {
      const { set, argv } = READERS[reader];
      fs.rmSync(scratch, { recursive: true, force: true });
      fs.cpSync(path.join(good, set), path.join(scratch, 'in'), { recursive: true });
      const files = filesOf(set);
      const file = path.join(scratch, 'in', files[pick % files.length]);
      const text = fs.readFileSync(file);
      const at = Math.floor(d.at * text.length);
      switch (d.kind) {
        case 'cut': fs.writeFileSync(file, text.subarray(0, at)); break;
        case 'append': fs.appendFileSync(file, Buffer.from(d.bytes)); break;
        case 'binary': fs.writeFileSync(file, Buffer.concat([text.subarray(0, at), Buffer.from(d.bytes), text.subarray(at + d.bytes.length)])); break;
        case 'overwrite': fs.writeFileSync(file, Buffer.from(d.bytes)); break;
        case 'symlink': fs.rmSync(file); fs.symlinkSync('/etc/passwd', file); break;
        case 'fifo': fs.rmSync(file); if (mkfifo(file) !== 0) return; break;
        case 'huge': fs.truncateSync(file, 300 * 1024 * 1024); break;
        case 'brace': fs.writeFileSync(file, '{'); break;
        case 'remove': fs.rmSync(file); break;
      }
      n++;
      const out = path.join(scratch, 'out');
      const cmd = argv(path.join(scratch, 'in'), out);
      const where = `${reader}: ${d.kind} ${files[pick % files.length]} at ${at}`;
      const r = await runInProcess(cmd);
      assert.ok(r.code === 0 || r.code === 2, `${where}: exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${where}: no stack trace: ${r.stderr}`);
      if (r.code === 2) {
        const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('exitsim: note:') && !l.startsWith('WARN'));
        assert.equal(lines.length, 1, `${where}: one line: ${r.stderr}`);
        assert.match(lines[0], /^exitsim: .+: expected .+, found /, `${where}: ${lines[0]}`);
        assert.ok(!fs.existsSync(out) || !fs.readdirSync(out).some((f) => f.endsWith('.csv')), `${where}: no partial output`);
      }
    }),
    { numRuns: READER_CASES, seed: 28 },
  );
  assert.ok(n >= READER_CASES * 0.9);
});

function mkfifo(file: string): number | null {
  return spawnSync('mkfifo', [file]).status;
}
