import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { compile, type TopLevelSpec } from 'vega-lite';
import { loadSweep, parameterPaths, sweepLabels, type ExpandedSweep } from '../../src/experiment/sweep-spec.js';
import { defaultStudySweeps } from '../../src/experiment/default-study.js';
import { FIGURE_WIDTH_PT, cyclesFigure, efficiencyFigure, seriesOf, svgToPdf, throughputFigure, type FigureRow, type FigureSize } from '../../src/output/figures.js';
import { renderSvg } from '../../src/output/charts.js';

// Every figure a shipped study and the default study (npm start) can draw, checked by reading its
// spec and its rendering: one mark per point and series (efficiencies never stacked), throughput
// never summed across workloads, numbers in numeric order, no label cut, no wider than the page,
// no Vega-Lite warning, PDFs that fill their page with their fonts embedded. The rows are made up
// (the shapes come from the sweeps; no simulation runs).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const studiesDir = path.join(root, 'workloads', 'studies');

function rowsOf(sweep: ExpandedSweep, replications = 3): FigureRow[] {
  const labels = sweepLabels(sweep);
  return sweep.points.flatMap((p, i) =>
    labels.map((features, k) => ({
      values: p.values,
      features,
      replications,
      efficiency: { mean: 0.5 + ((i * 7 + k * 3) % 50) / 100, ci95: 0.01 },
      throughput_units_per_s: { mean: 1000 * (1 + i) + 10 * k, ci95: 5 },
      cycles_share: { guest: 0.8, exit_record: 0.02, handler_kernel: 0.1, entry: 0.03, idle: 0.05 },
    })),
  );
}

function warningsOf(spec: TopLevelSpec): string[] {
  const msgs: string[] = [];
  const logger = {
    level() {
      return logger;
    },
    warn: (...a: unknown[]) => (msgs.push(a.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
    error: (...a: unknown[]) => (msgs.push(`error: ${a.join(' ')}`), logger),
  };
  compile(spec, { logger: logger as never });
  return msgs;
}

type Datum = Record<string, string | number>;
const dataOf = (spec: TopLevelSpec) => (spec as unknown as { data: { values: Datum[] } }).data.values;

async function checkRendered(name: string, spec: TopLevelSpec, size: FigureSize): Promise<string> {
  assert.deepEqual(warningsOf(spec), [], `${name}: Vega-Lite compiles it without a warning`);
  const svg = await renderSvg(spec);
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
  assert.ok(width <= FIGURE_WIDTH_PT[size] + 1, `${name}: ${width} pt wide, the ${size} width is ${FIGURE_WIDTH_PT[size]} pt`);
  assert.ok(!svg.includes('…'), `${name}: no label cut short (${(/>([^<]*…)</.exec(svg) ?? [])[1]})`);
  // The test-side converter: a PNG of the page, not blank.
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 800 } }).render();
  assert.equal(png.width, 800);
  assert.ok(png.pixels.some((v, i) => i % 4 !== 3 && v < 200), `${name}: something is drawn`);
  return svg;
}

/** Checks the three figures of one sweep (its params, its feature sets) at one size. */
async function checkStudy(name: string, sweep: ExpandedSweep, size: FigureSize): Promise<void> {
  const params = parameterPaths(sweep.spec);
  const rows = rowsOf(sweep);
  const { xParams } = seriesOf(rows, params);

  const eff = efficiencyFigure(rows, `${name}: efficiency`, params, size);
  const effData = dataOf(eff);
  const key = (d: Datum) => `${d.x}|${d.features}`;
  assert.equal(new Set(effData.map(key)).size, effData.length, `${name} efficiency: one mark per point and series`);
  assert.equal(effData.length, rows.length);
  assert.equal((eff as unknown as { encoding: { y: { stack: unknown } } }).encoding.y.stack, null, `${name}: efficiencies never stacked`);
  const first = xParams[0];
  if (first !== undefined && rows.every((r) => typeof r.values[first] === 'number')) {
    const xs = effData.map((d) => d.x as number);
    assert.ok(xs.every((x) => typeof x === 'number'), `${name}: a numeric parameter is a numeric axis`);
  }
  await checkRendered(`${name} efficiency`, eff, size);

  const thr = throughputFigure(rows, `${name}: throughput`, params, size);
  const thrData = dataOf(thr);
  assert.equal(new Set(thrData.map((d) => `${d.point}|${d.features}`)).size, thrData.length, `${name} throughput: one bar per panel and series`);
  if (params.includes('vms[0].workload')) {
    // Units differ between workloads: a panel never holds two.
    const byPanel = new Map<string, Set<unknown>>();
    rows.forEach((r, i) => byPanel.set(String(thrData[i].point), (byPanel.get(String(thrData[i].point)) ?? new Set()).add(r.values['vms[0].workload'])));
    for (const [panel, workloads] of byPanel) assert.equal(workloads.size, 1, `${name}: panel ${panel} holds one workload`);
  }
  const order = (thr as unknown as { facet: { sort: string[] } }).facet.sort;
  const firstValues = order.map((p) => thrData.find((d) => d.point === p)?.order);
  if (firstValues.every((v) => typeof v === 'number')) {
    assert.deepEqual(firstValues, [...(firstValues as number[])].sort((a, b) => a - b), `${name}: numeric panels in numeric order`);
  }
  await checkRendered(`${name} throughput`, thr, size);

  const cyc = cyclesFigure(rows, `${name}: where the cycles went`, size, params);
  const cycData = dataOf(cyc);
  // Bars stack in the legend's order (the rank field), every group in its fixed colour.
  const enc = (cyc as unknown as { encoding: { order: { field: string }; color: { scale: { domain: string[] } } } }).encoding;
  assert.equal(enc.order.field, 'rank');
  for (const d of cycData) assert.equal(enc.color.scale.domain.indexOf(String(d.group)), d.rank);
  await checkRendered(`${name} cycles`, cyc, size);
}

const studies = fs.readdirSync(studiesDir).filter((f) => f.endsWith('.yaml')).sort();

test('every shipped study draws figures with one mark per point and series, in numeric order, uncut, within the page, without a warning', async () => {
  assert.ok(studies.length >= 9);
  for (const f of studies) await checkStudy(f, loadSweep(path.join(studiesDir, f)), 'double');
});

test('the default study (npm start): one bar per workload and preset; intel-vs-amd one bar per workload and CPU, never one stacked bar', async () => {
  const { main, vendor } = defaultStudySweeps({ quick: true });
  for (const size of ['single', 'double'] as const) {
    await checkStudy(`default study (${size})`, main, size);
    await checkStudy(`intel-vs-amd (${size})`, vendor, size);
  }
  // The vendor figure: workloads on the axis, the two CPUs as colours, both CPUs' runs in the folder.
  const rows = rowsOf(vendor);
  const eff = dataOf(efficiencyFigure(rows, 'v', parameterPaths(vendor.spec), 'double'));
  assert.deepEqual([...new Set(eff.map((d) => d.features))], ['sapphire-rapids', 'genoa']);
  assert.equal(new Set(eff.map((d) => d.x)).size, main.points.length, 'one group per shipped workload');
});

test('a PDF figure fills its page at the size asked for, with its fonts embedded', async () => {
  const { vendor } = defaultStudySweeps({ quick: true });
  for (const size of ['single', 'double'] as const) {
    const svg = await renderSvg(efficiencyFigure(rowsOf(vendor), 'pdf', parameterPaths(vendor.spec), size));
    const [w, h] = ['width', 'height'].map((a) => Number(new RegExp(`<svg[^>]*\\s${a}="([\\d.]+)"`).exec(svg)?.[1]));
    assert.equal(w, FIGURE_WIDTH_PT[size]);
    const pdf = await svgToPdf(svg);
    const text = pdf.toString('latin1');
    assert.match(text, new RegExp(`/MediaBox \\[0 0 ${w} ${h}\\]`));
    assert.match(text, /\/FontFile2/, 'a TrueType font embedded');
    assert.doesNotMatch(text, /\/BaseFont \/Helvetica/, 'no unembedded base-14 font');
    // The page's first drawing is the figure's background, as large as the page (not scaled by 72/96).
    const start = text.indexOf('stream', text.indexOf('/Length')) + 'stream'.length;
    const body = zlib.inflateSync(pdf.subarray(start + (text[start] === '\r' ? 2 : 1), text.indexOf('endstream', start))).toString('latin1');
    assert.match(body, new RegExp(`\\b${w} ${h} l\\b`), `the background reaches ${w} × ${h} pt`);
    assert.doesNotMatch(body.slice(0, 200), /0\.75 0 0 -?0\.75/, 'no px-to-pt scaling');
  }
});
