// SVG figures, rendered headlessly with Vega-Lite (no browser, no canvas).
import type { TopLevelSpec } from 'vega-lite';
import type { SensitivityRow } from '../experiment/sensitivity.js';
import { FIGURE_WIDTH_PT, OKABE_ITO, config, titleLines, type FigureSize } from './figures.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded when a figure is drawn: vega takes a quarter second to load, which every command paid.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg + '\n';
}

/** A tornado chart: each parameter's efficiency at −x% and +x% around the baseline, as wide as a page. */
export function tornadoSpec(rows: SensitivityRow[], title: string, deltaPct: number, top = 15, size: FigureSize = 'double'): TopLevelSpec {
  const data = rows.slice(0, top).flatMap((r) => [
    { parameter: r.parameter, side: `−${deltaPct}%`, from: (r.efficiency_base ?? 0) * 100, to: (r.efficiency_minus ?? 0) * 100 },
    { parameter: r.parameter, side: `+${deltaPct}%`, from: (r.efficiency_base ?? 0) * 100, to: (r.efficiency_plus ?? 0) * 100 },
  ]);
  const bars = new Set(data.map((d) => d.parameter)).size;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: config(size),
    title: { text: titleLines(title, size) },
    // Fitted to the page's width; a height in points (a step height would drop the fit).
    width: FIGURE_WIDTH_PT[size],
    autosize: { type: 'fit-x', contains: 'padding' },
    height: 14 * Math.max(1, bars),
    data: { values: data },
    mark: 'bar',
    encoding: {
      y: { field: 'parameter', type: 'nominal', sort: null, title: null, axis: { labelLimit: size === 'single' ? 150 : 280 } },
      x: { field: 'from', type: 'quantitative', title: 'efficiency (%)', scale: { zero: false } },
      x2: { field: 'to' },
      color: { field: 'side', type: 'nominal', title: 'perturbation', sort: [`−${deltaPct}%`, `+${deltaPct}%`], scale: { range: OKABE_ITO.slice(0, 2) } },
    },
  };
}
