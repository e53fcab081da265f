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

const studies = fs.readdirSync(studiesDir).filter((f) => f.endsWith('.yaml') && f !== 'migration.yaml').sort(); // migration.yaml is a migration study, run by exitsim migrate

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
  // The vendor figure: workloads on the axis, the three CPUs (Intel, AMD, arm64) as colours, every CPU's runs in the folder.
  const rows = rowsOf(vendor);
  const eff = dataOf(efficiencyFigure(rows, 'v', parameterPaths(vendor.spec), 'double'));
  assert.deepEqual([...new Set(eff.map((d) => d.features))], ['sapphire-rapids', 'genoa', 'graviton3']);
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

test('an interval wider than its mean (n = 2 of a noisy run) stops at zero: no whisker below the axis, no negative throughput scale', () => {
  const rows: FigureRow[] = ['a', 'b'].map((w) => ({
    values: { 'vms[0].workload': w },
    features: 'modern',
    replications: 2,
    efficiency: { mean: 0.45, ci95: 0.6 },
    throughput_units_per_s: { mean: 50, ci95: 150 },
    cycles_share: { guest: 1 },
  }));
  for (const spec of [efficiencyFigure(rows, 't', ['vms[0].workload'], 'double'), throughputFigure(rows, 't', ['vms[0].workload'], 'double')]) {
    const lows = dataOf(spec).map((d) => Number(d.lo));
    assert.ok(lows.every((x) => x === 0), `whiskers start at 0, not ${lows.join(', ')}`);
  }
});

test('a group of bars missing a series keeps its bars centred on its tick: slots are the series it has, in legend order', () => {
  // confidential.yaml's shape: a TD only on the Intel CPU, an SEV-SNP guest only on the AMD one.
  const row = (w: string, cpu: string, vmType: string): FigureRow => ({
    values: { 'vms[0].workload': w, 'host.profile': cpu, vmType },
    features: 'modern',
    replications: 1,
    efficiency: { mean: 0.9, ci95: 0 },
    throughput_units_per_s: { mean: 10, ci95: 0 },
    cycles_share: { guest: 1 },
  });
  const rows = ['a', 'b'].flatMap((w) => [row(w, 'sapphire-rapids', 'plain'), row(w, 'sapphire-rapids', 'tdx'), row(w, 'genoa', 'plain'), row(w, 'genoa', 'sev-snp')]);
  const spec = efficiencyFigure(rows, 't', ['vms[0].workload', 'host.profile', 'vmType'], 'double');
  const byX = new Map<string, number[]>();
  for (const d of dataOf(spec)) byX.set(String(d.x), [...(byX.get(String(d.x)) ?? []), Number(d.slot)]);
  assert.equal(byX.size, 4);
  for (const [x, slots] of byX) assert.deepEqual(slots.sort(), [0, 1], `${x}: two bars in slots 0 and 1 (three series in the legend)`);
  assert.equal((spec as unknown as { encoding: { xOffset: { field: string } } }).encoding.xOffset.field, 'slot');
});

test('the tornado chart breaks a long parameter name over lines instead of cutting it, at both figure sizes, inside the page', async () => {
  const { tornadoSpec, wrapLabel } = await import('../../src/output/charts.js');
  const names = ['network-server: events[0] io (virtio-net).perUnit', 'network-server: events[2] timer-program.perUnit', 'profile: stages.saveGuestStateCycles', 'profile: handlerCycles.hlt'];
  const rows = names.map((parameter, i) => ({ parameter, efficiency_minus: 0.9 - i / 100, efficiency_base: 0.91, efficiency_plus: 0.92 + i / 100, swing_pp: 2 }));
  for (const size of ['single', 'double'] as const) {
    const svg = await checkRendered(`tornado (${size})`, tornadoSpec(rows, 'network-server, sapphire-rapids, modern: efficiency at ±20%', 20, 15, size), size);
    assert.ok(svg.includes('events[0] io'), `${size}: the long name is drawn`);
  }
  assert.deepEqual(wrapLabel('network-server: events[0] io (virtio-net).perUnit', 43), ['network-server:', 'events[0] io (virtio-net).perUnit']);
  assert.deepEqual(wrapLabel('profile: handlerCycles.hlt', 43), ['profile: handlerCycles.hlt']);
});
