import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Every README example with its output is run, so the README cannot rot (STYLE §5).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

for (const block of readme.matchAll(/```\n\$ npx exitsim ([^\n]+)\n([\s\S]*?)\n```/g)) {
  test(`README example: exitsim ${block[1]}`, () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'exitsim.js'), ...block[1].split(' ')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trimEnd(), block[2].trimEnd());
  });
}

test('README opens with the two commands a new user needs', () => {
  const head = readme.split('\n').slice(0, 15).join('\n');
  assert.match(head, /npm ci && npm start/);
  assert.match(head, /npm ci && npm test/);
});

test('the README and docs cite no document the repository lacks', () => {
  const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
  for (const doc of docs) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue; // a web address
      assert.ok(fs.existsSync(path.resolve(path.dirname(path.join(root, doc)), target)), `${doc} links ${target}, which is not in the repository`);
    }
    // "SPEC §n" means the product contract, shipped as docs/SPEC.md.
    if (/\bSPEC §/.test(text)) assert.ok(fs.existsSync(path.join(root, 'docs', 'SPEC.md')), `${doc} cites SPEC`);
  }
});
