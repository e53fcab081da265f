// Figures for papers: the study's efficiency, throughput and cycle breakdown as Vega-Lite specs sized
// for a column (3.5 in) or a page width (7 in) with 8–10 pt text, colour-blind-safe colours, CI
// whiskers with caps only when there are replications to make them, and axes that end at the data.
// Each figure is written as SVG, PDF (vector) and its spec (.vl.json) so users can restyle it.
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

function config(size: FigureSize): NonNullable<TopLevelSpec['config']> {
  return {
    font: 'Helvetica, Arial, sans-serif',
    title: { fontSize: 10, subtitleFontSize: 8, anchor: 'start' },
    axis: { labelFontSize: MIN_FONT_PT, titleFontSize: 9, labelLimit: size === 'single' ? 90 : 160 },
    legend: { labelFontSize: MIN_FONT_PT, titleFontSize: 9, labelLimit: size === 'single' ? 120 : 220, orient: 'bottom', direction: 'horizontal', columns: size === 'single' ? 2 : 4 },
    header: { labelFontSize: MIN_FONT_PT, titleFontSize: 9 },
    view: { stroke: null },
    range: { category: OKABE_ITO },
  };
}

/** A parameter path as an axis title: vms[0].workload → workload, host.pcpus → pCPUs. */
export function paramTitle(p: string): string {
  const last = p.split(/[.:[\]]+/).filter((x) => x !== '').pop() ?? p;
  const known: Record<string, string> = { workload: 'workload', pcpus: 'host pCPUs', vcpus: 'vCPUs per VM', count: 'VMs', profile: 'CPU profile', durationSec: 'simulated time (s)', seed: 'seed', scheduler: 'host scheduler' };
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

/** n, stated where a figure has error bars; nothing (and no "CI") with one replication. */
function ciNote(rows: FigureRow[]): { n: number; subtitle: string } {
  const n = Math.min(...rows.map((r) => r.replications));
  // Short lines: without a canvas Vega measures text generously, and a long title widens the figure.
  return { n, subtitle: n > 1 ? `mean ± 95% CI, n = ${n} replications` : 'one replication (no CI)' };
}

/** Efficiency (%) per feature set: bars per point, or a curve over a numeric first parameter. */
export function efficiencyFigure(rows: FigureRow[], title: string, params: string[], size: FigureSize): TopLevelSpec {
  const { n, subtitle } = ciNote(rows);
  const first = params[0];
  const numeric = first !== undefined && rows.every((r) => typeof r.values[first] === 'number');
  const data = rows.map((r) => ({
    x: first === undefined ? r.features : numeric ? r.values[first] : pointLabel(r.values, params),
    features: r.features,
    mean: (r.efficiency.mean ?? 0) * 100,
    lo: ((r.efficiency.mean ?? 0) - (r.efficiency.ci95 ?? 0)) * 100,
    hi: ((r.efficiency.mean ?? 0) + (r.efficiency.ci95 ?? 0)) * 100,
  }));
  const lo = Math.min(...data.map((d) => d.lo));
  const hi = Math.max(...data.map((d) => d.hi), ...data.map((d) => d.mean));
  const yTitle = 'efficiency (% of bare metal)';
  const whiskers = n > 1 ? [{ mark: { type: 'errorbar' as const, ticks: true, color: 'black' }, encoding: { y: { field: 'lo', type: 'quantitative' as const }, y2: { field: 'hi' } } }] : [];
  // The whole figure (axes and legend included) is as wide as the column it is printed in.
  const width = FIGURE_WIDTH_PT[size];
  const fit = { type: 'fit-x' as const, contains: 'padding' as const };
  if (numeric) {
    return {
      $schema: SCHEMA, config: config(size), title: { text: title, subtitle }, width, autosize: fit, height: Math.round(width * 0.5), data: { values: data },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: paramTitle(first), scale: { nice: false, zero: false }, axis: data.every((d) => Number.isInteger(d.x)) ? { tickMinStep: 1, format: 'd' } : {} },
        y: { field: 'mean', type: 'quantitative', title: yTitle, scale: { domain: [Math.max(0, Math.floor(lo - 1)), Math.ceil(hi + 0.5)], nice: false } },
        color: { field: 'features', type: 'nominal', title: 'features', sort: null },
      },
      layer: [{ mark: { type: 'line', point: true } }, ...whiskers],
    };
  }
  const groups = new Set(data.map((d) => d.x)).size;
  return {
    $schema: SCHEMA, config: config(size), title: { text: title, subtitle }, data: { values: data },
    width, autosize: fit, height: Math.round(width * (size === 'single' ? 0.6 : 0.4)),
    encoding: {
      x: { field: 'x', type: 'nominal', title: first ? params.map(paramTitle).join(' · ') : 'feature set', sort: null, axis: { labelAngle: groups > 4 ? -40 : 0 } },
      xOffset: { field: 'features', sort: null },
      y: { field: 'mean', type: 'quantitative', title: yTitle, scale: { domain: [0, Math.max(1, Math.ceil(hi))], nice: false } },
      color: { field: 'features', type: 'nominal', title: 'features', sort: null },
    },
    layer: [{ mark: 'bar' }, ...whiskers],
  };
}

/** Throughput per feature set, one facet per point: units differ between workloads, so do scales. */
export function throughputFigure(rows: FigureRow[], title: string, params: string[], size: FigureSize): TopLevelSpec {
  const { n, subtitle } = ciNote(rows);
  const data = rows.map((r) => ({
    point: params.length > 0 ? pointLabel(r.values, params) : 'all',
    features: r.features,
    mean: r.throughput_units_per_s.mean ?? 0,
    lo: (r.throughput_units_per_s.mean ?? 0) - (r.throughput_units_per_s.ci95 ?? 0),
    hi: (r.throughput_units_per_s.mean ?? 0) + (r.throughput_units_per_s.ci95 ?? 0),
  }));
  const points = new Set(data.map((d) => d.point)).size;
  const columns = size === 'single' ? 2 : 4;
  // Facets cannot be fitted automatically: each panel's width leaves room for its y axis and gap (~84 pt).
  const facetWidth = Math.floor((FIGURE_WIDTH_PT[size] - 10) / Math.min(columns, points)) - 84;
  return {
    // Subtitle lines, not one long line: a title wider than the panels would widen the figure.
    $schema: SCHEMA, config: config(size), title: { text: title, subtitle: [subtitle, 'own y scale per panel'] }, data: { values: data },
    facet: { field: 'point', type: 'nominal', title: params.length > 0 ? params.map(paramTitle).join(', ') : null, sort: null },
    columns,
    spacing: { row: 12, column: 8 },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: Math.max(36, facetWidth), height: Math.max(50, Math.round(facetWidth * 0.8)),
      encoding: {
        x: { field: 'features', type: 'nominal', sort: null, title: null, axis: null },
        y: { field: 'mean', type: 'quantitative', title: 'units/s (all VMs)', scale: { nice: false }, axis: { format: '~s' } },
        color: { field: 'features', type: 'nominal', title: 'features', sort: null },
      },
      layer: [{ mark: 'bar' }, ...(n > 1 ? [{ mark: { type: 'errorbar' as const, ticks: true, color: 'black' }, encoding: { y: { field: 'lo', type: 'quantitative' as const }, y2: { field: 'hi' } } }] : [])],
    },
  };
}

/**
 * Where the busy pCPU cycles went, in seven groups, per feature set and point. Shares are of the
 * cycles that were not idle, so a mostly idle guest's bar is as readable as a busy one's.
 */
export function cyclesFigure(rows: FigureRow[], title: string, size: FigureSize): TopLevelSpec {
  const data = rows.flatMap((r) => {
    const busy = STAGE_GROUPS.reduce((a, [, stages]) => a + stages.reduce((b, s) => b + (r.cycles_share[s] ?? 0), 0), 0);
    const bar = rows.length > 1 && Object.keys(r.values).length > 0 ? `${pointLabel(r.values)} · ${r.features}` : r.features;
    return STAGE_GROUPS.map(([group, stages]) => ({ bar, group, share: busy > 0 ? (stages.reduce((a, s) => a + (r.cycles_share[s] ?? 0), 0) / busy) * 100 : 0 }));
  }).filter((d) => d.share > 0);
  const max = 100;
  return {
    $schema: SCHEMA, config: config(size), title: { text: title, subtitle: 'share of busy pCPU cycles (idle left out) by stage group' }, data: { values: data },
    width: FIGURE_WIDTH_PT[size], autosize: { type: 'fit-x', contains: 'padding' }, height: { step: 11 },
    mark: 'bar',
    encoding: {
      y: { field: 'bar', type: 'nominal', sort: null, title: null, axis: { labelLimit: size === 'single' ? 150 : 240 } },
      x: { field: 'share', type: 'quantitative', stack: 'zero', title: size === 'single' ? '% busy cycles' : '% of busy pCPU cycles', scale: { domain: [0, Math.ceil(max)], nice: false } },
      // One legend column at a column's width: beside a long-labelled axis, more would be cut off.
      color: { field: 'group', type: 'nominal', sort: STAGE_GROUPS.map(([g]) => g), title: 'stage group', scale: { range: OKABE_ITO.slice(0, STAGE_GROUPS.length) }, legend: { columns: size === 'single' ? 1 : 4 } },
      order: { field: 'group' },
    },
  };
}

/** A figure in every form: SVG and PDF to print, the Vega-Lite spec to restyle. */
export async function figureFiles(name: string, spec: TopLevelSpec): Promise<Record<string, string | Buffer>> {
  const svg = await renderSvg(spec);
  return { [`${name}.svg`]: svg, [`${name}.pdf`]: await svgToPdf(svg), [`${name}.vl.json`]: JSON.stringify(spec, null, 2) + '\n' };
}

/** A vector PDF of an SVG (pdfkit, svg-to-pdfkit), the same size in points; loaded when first needed. */
export async function svgToPdf(svg: string): Promise<Buffer> {
  const [{ default: PDFDocument }, { default: SVGtoPDF }] = await Promise.all([import('pdfkit'), import('svg-to-pdfkit')]);
  const size = (attr: string) => Number(new RegExp(`${attr}="([\\d.]+)"`).exec(svg)?.[1] ?? 100);
  const [w, h] = [size('width'), size('height')];
  // A fixed creation date: the same figure gives the same file.
  const doc = new PDFDocument({ size: [w, h], margin: 0, info: { CreationDate: new Date(0), Producer: 'exitsim' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  SVGtoPDF(doc, svg, 0, 0, { width: w, height: h });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
