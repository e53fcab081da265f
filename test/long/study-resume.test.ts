// A sweep killed mid-run (SIGKILL, then Ctrl-C) resumes with nothing lost and nothing duplicated (moved
// from test/unit/study.test.ts: an integration suite of ~15 s, kept out of npm test's five minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitsim, killAfter, tmpDir } from '../cli-spawn.js';
import { readOutputs as read, sweepFile } from '../sweep-files.js';

const tmp = () => tmpDir('study');

test('a sweep killed mid-run resumes: nothing lost, nothing duplicated, same CSV as an uninterrupted run', async () => {
  const d = tmp();
  const f = sweepFile(d, 'killme', 4, 0.2);
  const out = path.join(d, 'killed');
  await killAfter(['sweep', f, '--workers', '1', '--out', out], path.join(out, 'runs'), 3, 'SIGKILL');
  const afterKill = fs.readdirSync(path.join(out, 'runs')).filter((x) => x.endsWith('.json')).length;
  assert.ok(afterKill >= 3 && afterKill < 12, `${afterKill} jobs saved before the kill`);
  const { code, stderr } = await killAfter(['sweep', f, '--workers', '1', '--out', out], path.join(out, 'runs'), afterKill + 2, 'SIGINT');
  assert.equal(code, 130, 'Ctrl-C exits with 130');
  assert.match(stderr, /exitsim: interrupted — \d+ of 12 jobs are saved in .*killed; run the same command to resume: exitsim sweep .*killme.* --out .*killed/, 'Ctrl-C says what was saved and how to resume');
  const resumed = exitsim('sweep', f, '--workers', '2', '--out', out, '--json');
  assert.equal(resumed.code, 0, resumed.stderr);
  const j = JSON.parse(resumed.stdout);
  assert.ok(j.reused >= afterKill + 2, `reused ${j.reused}`);
  assert.equal(j.reused + j.ran, 12, 'every job ran exactly once over the three attempts');
  assert.equal(fs.readdirSync(path.join(out, 'runs')).filter((x) => x.endsWith('.json')).length, 12);
  assert.equal(exitsim('sweep', f, '--workers', '2', '--out', path.join(d, 'clean')).code, 0);
  assert.deepEqual(read(out), read(path.join(d, 'clean')));
});
