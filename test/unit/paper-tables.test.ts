import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latex, markdown, validationTable } from '../../src/output/paper-tables.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

test('exitsim table: efficiency with its CI and the exit mix, in Markdown and in LaTeX (booktabs, siunitx), from a replicated study', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-tables-'));
  const sweep = path.join(d, 's.yaml');
  fs.writeFileSync(sweep, 'name: s\nbase: { name: b, host: { pcpus: 2 }, vms: [{ workload: kernel-build, vcpus: 2 }], durationSec: 0.02 }\nparameters: [{ path: host.pcpus, values: [2, 4] }]\nfeatureSets: [none, modern]\nreplications: 3\n');
  assert.equal(exitsim('sweep', sweep, '--out', path.join(d, 'out')).status, 0);
  const md = exitsim('table', path.join(d, 'out'));
  assert.equal(md.status, 0, md.stderr);
  assert.match(md.stdout, /mean ± 95% CI half-width over 3 replications/);
  assert.match(md.stdout, /\| host\.pcpus \| none \(%\) \| modern \(%\) \|\n\|---\|---:\|---:\|/);
  assert.match(md.stdout, /\| 2 \| \d+\.\d\d ± \d+\.\d\d \| \d+\.\d\d ± \d+\.\d\d \|/);
  assert.match(md.stdout, /Exit mix at 4/);
  assert.match(md.stdout, /\| EPT_VIOLATION \| 0 \| \d+ \|/, 'a reason absent under none shows 0, not a gap');
  const tex = exitsim('table', path.join(d, 'out'), '--format', 'latex');
  assert.match(tex.stdout, /\\toprule\n {4}host\.pcpus & none \(\\%\) & modern \(\\%\) \\\\\n {4}\\midrule/);
  assert.match(tex.stdout, /\$\d+\.\d\d \\pm \d+\.\d\d\$/, 'mean ± half-width, as a paper prints it');
  assert.match(tex.stdout, /EPT\\_VIOLATION/, 'text escaped for LaTeX');
  assert.doesNotMatch(tex.stdout, /\d,\d{3}/, 'no thousands separators inside \\num');
  const files = exitsim('table', path.join(d, 'out'), '--out', path.join(d, 't'));
  assert.equal(files.status, 0, files.stderr);
  assert.ok(fs.existsSync(path.join(d, 't', 'tables.tex')) && fs.existsSync(path.join(d, 't', 'tables.md')));
  assert.equal(exitsim('table', path.join(d, 'out'), '--out', path.join(d, 't')).status, 2, 'not overwritten without --force');
  assert.equal(exitsim('table', d).status, 2, 'a folder without results is refused');
});

test('the validation table marks every row calibrated or predicted, in both formats', () => {
  const t = validationTable([
    { figure: 'a & b_1', published: 1009, simulated: 1010, error: 0.001, kind: 'calibration', source: 'x' },
    { figure: 'c', published: 1.19, simulated: 1.24, error: 0.042, kind: 'independent', source: 'y' },
  ]);
  assert.match(markdown(t), /\| a & b_1 \| 1009 \| 1010 \| 0\.1 \| cal\. \| x \|/);
  assert.match(markdown(t), /\| c \| 1\.19 \| 1\.24 \| 4\.2 \| pred\. \| y \|/);
  assert.match(latex(t), /a \\& b\\_\\allowbreak\{\}1 & \\num\{1009\} & \\num\{1010\} & \\num\{0\.1\} & cal\. & x \\\\/);
  assert.match(latex(t), /\\begin\{longtable\}\{>\{\\raggedright\\arraybackslash\}p\{0\.3\\textwidth\}rrrl>/);
});

test('a zero half-width is printed (88.55 ± 0.00), not dropped', () => {
  const t = { caption: 'c', label: 'l', header: ['x', 'eff (%)'], rows: [['a', { mean: 88.55, half: 0, digits: 2 }]] };
  assert.match(latex(t), /\$88\.55 \\pm 0\.00\$/);
  assert.match(markdown(t), /88\.55 ± 0\.00/);
});
