// Figures for papers: the study's efficiency, throughput and cycle breakdown as Vega-Lite specs sized
// for a column (3.5 in) or a page width (7 in) with 8–10 pt text, colour-blind-safe colours, CI
// whiskers with caps only when there are replications to make them, and axes that end at the data.
// Each figure is written as SVG, PDF (vector) and its spec (.vl.json) so users can restyle it.
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { CATEGORIES, STAGE_GROUP_NAMES, type CategoryName } from '../exits/categories.js';
import { renderSvg } from './charts.js';

export type FigureSize = 'single' | 'double';
/** Width in points (1 SVG px = 1 pt): a single column is 3.5 in, a double column 7 in, at 72 pt/in. */
export const FIGURE_WIDTH_PT: Record<FigureSize, number> = { single: 252, double: 504 };
/** The smallest text a figure uses, in points at its printed width. */
export const MIN_FONT_PT = 8;

/** Okabe & Ito (2008), "Color Universal Design": eight colours told apart with any colour vision. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** Stages grouped as a reader asks about them (categories.ts says each category's group); idle is left out of busy cycles. */
export const STAGE_GROUPS: Array<[string, CategoryName[]]> = STAGE_GROUP_NAMES.filter((g) => g !== 'idle').map((g) => [g, CATEGORIES.filter((c) => c.group === g).map((c) => c.column)]);

export interface FigureRow {
  values: Record<string, number | string | boolean>;
  features: string;
  replications: number;
  efficiency: { mean: number | null; ci95: number | null };
  throughput_units_per_s: { mean: number | null; ci95: number | null };
  cycles_share: Record<string, number>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Every figure's look: fonts, sizes and the shared palette (the tornado chart's too). */
export function config(size: FigureSize): NonNullable<TopLevelSpec['config']> {
  return {
    font: 'Helvetica, Arial, sans-serif',
    title: { fontSize: 10, subtitleFontSize: 8, anchor: 'start' },
    axis: { labelFontSize: MIN_FONT_PT, titleFontSize: 9, labelLimit: size === 'single' ? 130 : 240 },
    legend: { labelFontSize: MIN_FONT_PT, titleFontSize: 9, symbolType: 'square', labelLimit: size === 'single' ? 200 : 220, orient: 'bottom', direction: 'horizontal', columns: size === 'single' ? 1 : 4 },
    header: { labelFontSize: MIN_FONT_PT, titleFontSize: 9 },
    view: { stroke: null },
    range: { category: OKABE_ITO },
  };
}

/** A parameter path as an axis title: vms[0].workload → workload, host.pcpus → pCPUs. */
export function paramTitle(p: string): string {
  const last = p.split(/[.:[\]]+/).filter((x) => x !== '').pop() ?? p;
  const known: Record<string, string> = { workload: 'workload', pcpus: 'host pCPUs', vcpus: 'vCPUs per VM', count: 'VMs', profile: 'CPU profile', durationSec: 'simulated time (s)', seed: 'seed', scheduler: 'host scheduler', vmType: 'VM type', arrivalsPerSec: 'arrivals per second', spectreV2: 'Spectre v2 mitigation', os: 'guest OS', kpti: 'KPTI', timeSliceUs: 'time slice (µs)', hostTickHz: 'host tick (Hz)' };
  return known[last] ?? last;
}

/**
 * A point's label: its parameters' values in the sweep's order, joined by " · " (the axis title names
 * the parameters), so that an axis cut at its label limit still shows what varies.
 */
function pointLabel(values: Record<string, number | string | boolean>, params: string[] = []): string {
  const order = [...params.filter((p) => p in values), ...Object.keys(values).filter((k) => !params.includes(k))];
  if (order.length === 0) return 'all';
  return order.map((k) => String(values[k])).join(' · ');
}

/**
 * What a figure's colours tell apart: the feature sets when there are several; with one feature set
 * and two or more parameters, the last parameter (a two-parameter sweep reads as groups of bars,
 * not as one axis of joined labels). The x axis then shows the other parameters.
 */
export function seriesOf(rows: FigureRow[], params: string[]): { xParams: string[]; series: (r: FigureRow) => string; title: string; byFeatures: boolean } {
  const featureSets = new Set(rows.map((r) => r.features)).size;
  if (featureSets > 1 || params.length < 2) return { xParams: params, series: (r) => r.features, title: 'features', byFeatures: true };
  const last = params[params.length - 1];
  return { xParams: params.slice(0, -1), series: (r) => String(r.values[last]), title: paramTitle(last), byFeatures: false };
}

/** The values of `params` only (a point's label on an axis that shows some of its parameters). */
function only(values: Record<string, number | string | boolean>, params: string[]): Record<string, number | string | boolean> {
  return Object.fromEntries(params.filter((p) => p in values).map((p) => [p, values[p]]));
}

/** Distinct values in first-seen order, numbers sorted as numbers. */
function orderedValues(values: Array<number | string>): Array<number | string> {
  const distinct = [...new Set(values)];
  return distinct.every((v) => typeof v === 'number') ? (distinct as number[]).sort((a, b) => a - b) : distinct;
}

/**
 * A title as lines no wider than the figure: without a canvas Vega estimates text at 0.8 em per
 * character, and a title wider than the plot widens the whole figure past its column.
 */
export function titleLines(text: string, size: FigureSize, fontPt = 10): string[] {
  const max = Math.floor(FIGURE_WIDTH_PT[size] / (0.8 * fontPt));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** n, stated where a figure has error bars; nothing (and no "CI") with one replication. */
function ciNote(rows: FigureRow[]): { n: number; subtitle: string } {
  const n = Math.min(...rows.map((r) => r.replications));
  // Short lines: without a canvas Vega measures text generously, and a long title widens the figure.
  return { n, subtitle: n > 1 ? `mean ± 95% CI, n = ${n} replications` : 'one replication (no CI)' };
}

/** Efficiency (%) per feature set: bars per point, or a curve over a numeric first parameter. */
export function efficiencyFigure(rows: FigureRow[], title: string, params: string[], size: FigureSize): TopLevelSpec {
  const { n, subtitle } = ciNote(rows);
  const { xParams, series, title: seriesTitle, byFeatures } = seriesOf(rows, params);
  const first = xParams[0];
  const numeric = first !== undefined && xParams.length === 1 && rows.every((r) => typeof r.values[first] === 'number');
  const data = rows.map((r) => ({
    x: first === undefined ? (byFeatures ? r.features : 'all') : numeric ? r.values[first] : pointLabel(only(r.values, xParams), xParams),
    features: series(r),
    mean: (r.efficiency.mean ?? 0) * 100,
    // Neither figure is ever below zero: an interval wider than its mean (n = 2 of a noisy run) stops at 0.
    lo: Math.max(0, (r.efficiency.mean ?? 0) - (r.efficiency.ci95 ?? 0)) * 100,
    hi: ((r.efficiency.mean ?? 0) + (r.efficiency.ci95 ?? 0)) * 100,
  }));
  const lo = Math.min(...data.map((d) => d.lo));
  const hi = Math.max(...data.map((d) => d.hi), ...data.map((d) => d.mean));
  const yTitle = 'efficiency (% of bare metal)';
  // Whiskers drawn over the bars, in black with caps, so that a short interval still shows.
  const whiskers = n > 1 ? [{ mark: { type: 'errorbar' as const, ticks: { size: 4 }, color: 'black', thickness: 1 }, encoding: { y: { field: 'lo', type: 'quantitative' as const, title: yTitle }, y2: { field: 'hi' }, color: { value: 'black' } } }] : [];
  // The whole figure (axes and legend included) is as wide as the column it is printed in.
  const width = FIGURE_WIDTH_PT[size];
  const fit = { type: 'fit-x' as const, contains: 'padding' as const };
  const seriesOrder = orderedValues(data.map((d) => d.features));
  const color = { field: 'features', type: 'nominal' as const, title: seriesTitle, sort: seriesOrder.map(String) };
  if (numeric) {
    return {
      $schema: SCHEMA, config: config(size), title: { text: titleLines(title, size), subtitle }, width, autosize: fit, height: Math.round(width * 0.5), data: { values: data },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: paramTitle(first), scale: { nice: false, zero: false }, axis: data.every((d) => Number.isInteger(d.x)) ? { tickMinStep: 1, format: 'd' } : {} },
        // Efficiencies are never stacked: one mark per point and series (a test checks there is one).
        y: { field: 'mean', type: 'quantitative', title: yTitle, stack: null, scale: { domain: [Math.max(0, Math.floor(lo - 1)), Math.ceil(hi + 0.5)], nice: false } },
        color,
      },
      layer: [{ mark: { type: 'line', point: true } }, ...whiskers],
    };
  }
  const xOrder = orderedValues(data.map((d) => d.x as string | number)).map(String);
  const groups = xOrder.length;
  // A group's bars take the slots of the series it has, in legend order: where a series is missing
  // (a TD on the Intel CPU, an SEV guest on the AMD one) the others stay centred on their tick.
  const present = new Map<string, string[]>();
  for (const d of data) present.set(String(d.x), [...(present.get(String(d.x)) ?? []), String(d.features)]);
  const slotted = data.map((d) => {
    const here = seriesOrder.map(String).filter((f) => present.get(String(d.x))!.includes(f));
    return { ...d, slot: here.indexOf(String(d.features)) };
  });
  return {
    $schema: SCHEMA, config: config(size), title: { text: titleLines(title, size), subtitle }, data: { values: slotted },
    width, autosize: fit, height: Math.round(width * (size === 'single' ? 0.6 : 0.4)),
    encoding: {
      x: { field: 'x', type: 'nominal', title: first ? xParams.map(paramTitle).join(' · ') : byFeatures ? 'feature set' : null, sort: xOrder, axis: { labelAngle: groups > 4 ? -40 : 0 } },
      xOffset: { field: 'slot', type: 'ordinal' },
      y: { field: 'mean', type: 'quantitative', title: yTitle, stack: null, scale: { domain: [0, Math.max(1, Math.ceil(hi))], nice: false } },
      color,
    },
    layer: [{ mark: 'bar' }, ...whiskers],
  };
}

/** Throughput per feature set, one facet per point: units differ between workloads, so do scales. */
export function throughputFigure(rows: FigureRow[], title: string, params: string[], size: FigureSize): TopLevelSpec {
  const { n, subtitle } = ciNote(rows);
  // One panel per point (units differ between workloads: never summed in one bar), one bar per
  // series (the feature sets, or a second parameter's values) inside it.
  const { xParams, series, title: seriesTitle } = seriesOf(rows, params);
  const data = rows.map((r) => ({
    point: xParams.length > 0 ? pointLabel(only(r.values, xParams), xParams) : 'all',
    order: xParams.length > 0 ? r.values[xParams[0]] : 0,
    features: series(r),
    mean: r.throughput_units_per_s.mean ?? 0,
    lo: Math.max(0, (r.throughput_units_per_s.mean ?? 0) - (r.throughput_units_per_s.ci95 ?? 0)),
    hi: (r.throughput_units_per_s.mean ?? 0) + (r.throughput_units_per_s.ci95 ?? 0),
  }));
  const panels = [...new Map(data.map((d) => [d.point, d.order])).entries()];
  if (panels.every(([, o]) => typeof o === 'number')) panels.sort((a, b) => (a[1] as number) - (b[1] as number));
  const points = panels.length;
  const columns = size === 'single' ? 2 : 4;
  // Facets cannot be fitted automatically: each panel's width leaves room for its y axis labels and gap (~56 pt).
  const facetWidth = Math.floor((FIGURE_WIDTH_PT[size] - 10) / Math.min(columns, points)) - 56;
  const seriesOrder = orderedValues(data.map((d) => d.features)).map(String);
  return {
    // Subtitle lines, not one long line: a title wider than the panels would widen the figure.
    $schema: SCHEMA, config: config(size), title: { text: titleLines(title, size), subtitle: [subtitle, 'units/s of all VMs,', 'own y scale per panel'] }, data: { values: data },
    facet: { field: 'point', type: 'nominal', title: xParams.length > 0 ? xParams.map(paramTitle).join(' · ') : null, sort: panels.map(([p]) => p), header: { labelLimit: facetWidth + 40, labelExpr: "split(datum.label, ' · ')" } },
    columns,
    spacing: { row: 12, column: 8 },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: Math.max(36, facetWidth), height: Math.max(50, Math.round(facetWidth * 0.7)),
      encoding: {
        x: { field: 'features', type: 'nominal', sort: seriesOrder, title: null, axis: null },
        y: { field: 'mean', type: 'quantitative', title: null, stack: null, scale: { nice: false }, axis: { format: '~s' } },
        color: { field: 'features', type: 'nominal', title: seriesTitle, sort: seriesOrder },
      },
      layer: [{ mark: 'bar' }, ...(n > 1 ? [{ mark: { type: 'errorbar' as const, ticks: { size: 4 }, color: 'black', thickness: 1 }, encoding: { y: { field: 'lo', type: 'quantitative' as const, title: null }, y2: { field: 'hi' }, color: { value: 'black' } } }] : [])],
    },
  };
}

/**
 * Where the busy pCPU cycles went, in seven groups, per feature set and point. Shares are of the
 * cycles that were not idle, so a mostly idle guest's bar is as readable as a busy one's.
 */
export function cyclesFigure(rows: FigureRow[], title: string, size: FigureSize, params: string[] = []): TopLevelSpec {
  // A bar's label: its point's values in the sweep's order, and its feature set when there are
  // several — on as many lines (split at " · ") as it takes to fit beside the bars uncut.
  const severalSets = new Set(rows.map((r) => r.features)).size > 1;
  const labelLimit = size === 'single' ? 170 : 300;
  const fits = Math.floor(labelLimit / (0.8 * MIN_FONT_PT));
  const wrap = (label: string): string[] => {
    const lines: string[] = [];
    for (const part of label.split(' · ')) {
      const last = lines.length - 1;
      if (last >= 0 && lines[last].length + 3 + part.length <= fits) lines[last] += ` · ${part}`;
      else lines.push(part);
    }
    return lines;
  };
  const data = rows.flatMap((r) => {
    const busy = STAGE_GROUPS.reduce((a, [, stages]) => a + stages.reduce((b, s) => b + (r.cycles_share[s] ?? 0), 0), 0);
    const point = Object.keys(r.values).length > 0 ? pointLabel(r.values, params) : '';
    const bar = wrap(rows.length > 1 && point !== '' ? (severalSets ? `${point} · ${r.features}` : point) : r.features).join('\n');
    return STAGE_GROUPS.map(([group, stages], rank) => ({ bar, group, rank, share: busy > 0 ? (stages.reduce((a, s) => a + (r.cycles_share[s] ?? 0), 0) / busy) * 100 : 0 }));
  }).filter((d) => d.share > 0);
  const bars = [...new Set(data.map((d) => d.bar))];
  const lines = Math.max(1, ...bars.map((b) => b.split('\n').length));
  // The legend starts under the bars, right of the labels: as many columns (of ~100 pt) as fit the
  // rest of the width, or its last ones fall off the page.
  const labelPt = Math.min(labelLimit, 0.8 * MIN_FONT_PT * Math.max(...bars.flatMap((b) => b.split('\n').map((l) => l.length))));
  const legendColumns = Math.max(1, Math.min(4, Math.floor((FIGURE_WIDTH_PT[size] - labelPt - 20) / 100)));
  const max = 100;
  return {
    $schema: SCHEMA, config: config(size), title: { text: titleLines(title, size), subtitle: titleLines('share of busy pCPU cycles (idle left out) by stage group', size, 8) }, data: { values: data },
    // A height in points, not a step: Vega-Lite drops a fit for a discrete (step) height, with a warning.
    width: FIGURE_WIDTH_PT[size], autosize: { type: 'fit-x', contains: 'padding' }, height: (lines === 1 ? 11 : 10 * lines + 3) * bars.length,
    mark: 'bar',
    encoding: {
      y: { field: 'bar', type: 'nominal', sort: null, title: null, axis: { labelLimit, labelExpr: "split(datum.label, '\\n')" } },
      x: { field: 'share', type: 'quantitative', stack: 'zero', title: size === 'single' ? '% busy cycles' : '% of busy pCPU cycles', scale: { domain: [0, Math.ceil(max)], nice: false } },
      // One legend column at a column's width: beside a long-labelled axis, more would be cut off.
      // Every group keeps its colour in every figure (a fixed domain), and bars stack in the legend's
      // order — the order of an exit: guest, exit, handler, entry, then what surrounds it.
      color: { field: 'group', type: 'nominal', title: 'stage group', scale: { domain: STAGE_GROUPS.map(([g]) => g), range: OKABE_ITO.slice(0, STAGE_GROUPS.length) }, legend: { columns: legendColumns } },
      order: { field: 'rank', type: 'quantitative', sort: 'ascending' },
    },
  };
}

/** A figure in every form: SVG and PDF to print, the Vega-Lite spec to restyle. */
export async function figureFiles(name: string, spec: TopLevelSpec): Promise<Record<string, string | Buffer>> {
  const svg = await renderSvg(spec);
  return { [`${name}.svg`]: svg, [`${name}.pdf`]: await svgToPdf(svg), [`${name}.vl.json`]: JSON.stringify(spec, null, 2) + '\n' };
}

const requireFont = createRequire(import.meta.url);
/** The TrueType files embedded in every PDF figure (the dejavu-fonts-ttf package; Bitstream Vera licence). */
export const FIGURE_FONTS = {
  regular: requireFont.resolve('dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf'),
  bold: requireFont.resolve('dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf'),
};

/** A vector PDF of an SVG (pdfkit, svg-to-pdfkit), the same size in points; loaded when first needed. */
export async function svgToPdf(svg: string): Promise<Buffer> {
  const [{ default: PDFDocument }, { default: SVGtoPDF }] = await Promise.all([import('pdfkit'), import('svg-to-pdfkit')]);
  const size = (attr: string) => Number(new RegExp(`${attr}="([\\d.]+)"`).exec(svg)?.[1] ?? 100);
  const [w, h] = [size('width'), size('height')];
  // A fixed creation date: the same figure gives the same file.
  const doc = new PDFDocument({ size: [w, h], margin: 0, info: { CreationDate: new Date(0), Producer: 'exitsim' } });
  // Fonts embedded (subsets), as publishers ask: DejaVu Sans Condensed, close to Helvetica's widths
  // that the layout was measured with, and wide in coverage (±, −, ≥, Greek).
  doc.registerFont('figure-sans', FIGURE_FONTS.regular);
  doc.registerFont('figure-sans-bold', FIGURE_FONTS.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  // The SVG is in points (1 px = 1 pt): assumePt, or svg-to-pdfkit scales it by 72/96 and the figure
  // fills three quarters of its page.
  SVGtoPDF(doc, svg, 0, 0, { width: w, height: h, assumePt: true, fontCallback: (_family, bold) => (bold ? 'figure-sans-bold' : 'figure-sans') });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
