// Every table exitsim writes compiles with pdflatex (moved from test/unit/paper-tables.test.ts: it
// runs an external TeX several times, ~25 s, kept out of npm test's five minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

/** pdflatex on a document around `body`: its log's overfull boxes and errors. */
function compile(dir: string, name: string, documentClass: string, body: string): { ok: boolean; overfull: string[]; log: string } {
  const doc = `\\documentclass${documentClass}\n\\usepackage{booktabs}\n\\usepackage{siunitx}\n\\usepackage{longtable}\n\\usepackage{array}\n\\begin{document}\n${body}\n\\end{document}\n`;
  fs.writeFileSync(path.join(dir, `${name}.tex`), doc);
  const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', `${name}.tex`], { cwd: dir, encoding: 'utf8' });
  const log = fs.existsSync(path.join(dir, `${name}.log`)) ? fs.readFileSync(path.join(dir, `${name}.log`), 'utf8') : r.stdout;
  // Overfull boxes wider than a point (TeX reports the excess: "Overfull \hbox (12.3pt too wide)").
  const overfull = [...log.matchAll(/Overfull \\[hv]box \(([\d.]+)pt too (wide|high)\)[^\n]*/g)].filter((m) => Number(m[1]) > 1).map((m) => m[0]);
  return { ok: r.status === 0, overfull, log };
}

const hasPdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0;

test('every table exitsim writes compiles with pdflatex without an overfull box: study tables in a two-column paper, the validation table on one-column pages', { skip: hasPdflatex ? false : 'pdflatex is not installed (CI installs texlive-latex-base, -extra and -science)' }, () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-latex-'));
  try {
    // A study with two parameters, three feature sets (long labels) and replications: the widest the tables get from a sweep.
    const sweep = path.join(d, 's.yaml');
    fs.writeFileSync(sweep, 'name: s\nbase: { name: b, host: { pcpus: 4 }, vms: [{ workload: kernel-build, vcpus: 2 }], durationSec: 0.02 }\nparameters: [{ path: "vms[0].workload", values: [kernel-build, network-server] }, { path: host.profile, values: [sapphire-rapids, genoa] }]\nfeatureSets: [none, "apicv,-apicv", "modern,-msr-bitmap"]\nreplications: 2\n');
    const run = exitsim('sweep', sweep, '--out', path.join(d, 'out'));
    assert.equal(run.status, 0, run.stderr);
    const study = exitsim('table', path.join(d, 'out'), '--format', 'latex');
    assert.equal(study.status, 0, study.stderr);
    const two = compile(d, 'study', '[twocolumn]{article}', study.stdout);
    assert.ok(two.ok, `study tables compile: ${two.log.split('\n').filter((l) => l.startsWith('!')).join(' | ')}`);
    assert.deepEqual(two.overfull, [], 'no overfull box in a two-column paper');
    const validation = exitsim('table', 'validation', '--format', 'latex');
    assert.equal(validation.status, 0, validation.stderr);
    const one = compile(d, 'validation', '{article}', validation.stdout);
    assert.ok(one.ok, `the validation table compiles: ${one.log.split('\n').filter((l) => l.startsWith('!')).join(' | ')}`);
    assert.deepEqual(one.overfull, [], 'no overfull box');
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
