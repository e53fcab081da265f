import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { resolveScenario } from '../../src/request/scenario.js';
import { expandSweep } from '../../src/experiment/sweep-spec.js';
import { runStudy } from '../../src/experiment/study.js';
import { studyFigures } from '../../src/output/study-outputs.js';
import { FIGURE_WIDTH_PT, MIN_FONT_PT, type FigureSize } from '../../src/output/figures.js';

// The figures checked as a person checks them: each is rendered to PNG, and what can be asserted
// is — axis titles there, no two series of one figure in the same colour, no text under 8 pt at
// the printed width, whiskers (and n) only when there are replications. The PNGs are left in
// $EXITSIM_FIGURES_DIR when it is set, to be looked at.
const keep = process.env.EXITSIM_FIGURES_DIR;

async function figuresOf(replications: number, size: FigureSize): Promise<Record<string, string | Buffer>> {
  const names = ['cpu-bound', 'kernel-build', 'network-server', 'idle-guest'];
  const sweep = expandSweep(
    { name: 'fig', base: { name: 'fig', host: { pcpus: 4 }, vms: [{ workload: 'cpu-bound', vcpus: 2, count: 2 }], durationSec: 0.02, warmupSec: 0.002 }, parameters: [{ path: 'vms[0].workload', values: names }], featureSets: ['none', 'nehalem', 'modern'], replications },
    'figure test',
  );
  void resolveScenario;
  const res = await runStudy(sweep, { replications, workers: 1 });
  return studyFigures(res.records, ['none', 'nehalem', 'modern'], ['vms[0].workload'], 'test study', size);
}

function checkSvg(name: string, svg: string, size: FigureSize, replications: number): void {
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
  assert.ok(width <= FIGURE_WIDTH_PT[size] + 1, `${name}: ${width} pt wide fits ${size} column (${FIGURE_WIDTH_PT[size]} pt)`);
  const sizes = [...svg.matchAll(/font-size="([\d.]+)px"|font-size:\s*([\d.]+)px/g)].map((m) => Number(m[1] ?? m[2]));
  assert.ok(sizes.length > 0, `${name}: has text`);
  assert.ok(Math.min(...sizes) >= MIN_FONT_PT, `${name}: smallest text ${Math.min(...sizes)} pt at the printed width`);
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 1200 } }).render().asPng();
  assert.ok(png.length > 2000, `${name}: renders`);
  if (keep) fs.writeFileSync(path.join(keep, `${name}.${size}.n${replications}.png`), png);
}

/** The legend's swatches: one colour per series, none repeated. */
function legendColours(svg: string): string[] {
  const legend = svg.slice(svg.indexOf('class="mark-symbol role-legend-symbol'));
  return [...legend.matchAll(/fill="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1].toLowerCase());
}

for (const size of ['single', 'double'] as const) {
  test(`figures at ${size} width: axis titles, distinct colours, ≥ 8 pt text, no CI drawn or named with one replication`, async () => {
    if (keep) fs.mkdirSync(keep, { recursive: true });
    const files = await figuresOf(1, size);
    for (const name of ['efficiency', 'throughput', 'cycles']) {
      const svg = files[`${name}.svg`] as string;
      checkSvg(name, svg, size, 1);
      assert.doesNotMatch(svg, /95% CI \(/, `${name}: no CI claimed with one replication`);
      const colours = legendColours(svg);
      assert.equal(new Set(colours).size, colours.length, `${name}: legend colours ${colours}`);
      assert.ok((files[`${name}.pdf`] as Buffer).subarray(0, 5).toString() === '%PDF-', `${name}.pdf is a PDF`);
      assert.ok(JSON.parse(files[`${name}.vl.json`] as string).$schema.includes('vega-lite'), `${name}.vl.json is its spec`);
    }
    const eff = files['efficiency.svg'] as string;
    assert.match(eff, /efficiency \(% of bare metal\)/, 'y-axis title with its unit');
    assert.match(eff, />workload</, 'x-axis title is the parameter, not its path');
    assert.doesNotMatch(eff, /vms\[0\]/);
    assert.doesNotMatch(eff, /role-mark[^"]*errorbar|class="mark-rule role-mark/, 'no whiskers with one replication');
    assert.match(files['throughput.svg'] as string, /units\/s of all VMs/);
    assert.match(files['cycles.svg'] as string, size === 'single' ? /% busy cycles/ : /% of busy pCPU cycles/);
    assert.equal(legendColours(files['cycles.svg'] as string).length, 7, 'every stage group in the legend');
    assert.ok(legendColours(files['cycles.svg'] as string).length <= 8, 'stage groups fit the colour-blind-safe palette');
  });
}

test('with replications the figures draw capped whiskers and state n', async () => {
  const files = await figuresOf(3, 'double');
  const eff = files['efficiency.svg'] as string;
  assert.match(eff, /95% CI, n = 3 replications/);
  assert.match(eff, /class="mark-rule role-mark/, 'whiskers drawn');
  assert.match(eff, /class="mark-rect role-mark layer_\d+_layer_1_marks/, 'with caps (ticks at both ends)');
  checkSvg('efficiency', eff, 'double', 3);
});
