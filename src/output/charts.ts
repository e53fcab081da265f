// SVG figures, rendered headlessly with Vega-Lite (no browser, no canvas).
import type { TopLevelSpec } from 'vega-lite';
import type { SensitivityRow } from '../experiment/sensitivity.js';
import { FIGURE_WIDTH_PT, MIN_FONT_PT, OKABE_ITO, config, titleLines, type FigureSize } from './figures.js';

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
  // A long name ("network-server: events[0] io (virtio-net).perUnit") goes on two or more lines,
  // broken after its owner and then between words, rather than cut at the label limit.
  const labelLimit = size === 'single' ? 150 : 280;
  const fits = Math.floor(labelLimit / (0.8 * MIN_FONT_PT));
  const data = rows.slice(0, top).flatMap((r) => {
    const parameter = wrapLabel(r.parameter, fits).join('\n');
    return [
      { parameter, side: `−${deltaPct}%`, from: (r.efficiency_base ?? 0) * 100, to: (r.efficiency_minus ?? 0) * 100 },
      { parameter, side: `+${deltaPct}%`, from: (r.efficiency_base ?? 0) * 100, to: (r.efficiency_plus ?? 0) * 100 },
    ];
  });
  const names = [...new Set(data.map((d) => d.parameter))];
  const bars = names.length;
  // Rows are of one height: the tallest label's (a band scale), or a two-line label runs into the next.
  const lines = Math.max(1, ...names.map((n) => n.split('\n').length));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: config(size),
    title: { text: titleLines(title, size) },
    // Fitted to the page's width; a height in points (a step height would drop the fit).
    width: FIGURE_WIDTH_PT[size],
    autosize: { type: 'fit-x', contains: 'padding' },
    height: Math.max(1, bars) * (lines === 1 ? 14 : 10 * lines + 4),
    data: { values: data },
    mark: 'bar',
    encoding: {
      y: { field: 'parameter', type: 'nominal', sort: null, title: null, axis: { labelLimit, labelExpr: "split(datum.label, '\\n')" } },
      x: { field: 'from', type: 'quantitative', title: 'efficiency (%)', scale: { zero: false } },
      x2: { field: 'to' },
      color: { field: 'side', type: 'nominal', title: 'perturbation', sort: [`−${deltaPct}%`, `+${deltaPct}%`], scale: { range: OKABE_ITO.slice(0, 2) } },
    },
  };
}

/**
 * A label as lines of at most `fits` characters: broken after "owner: " first, then after a space, a
 * dot or a bracket; a word longer than a line is left whole (the label limit cuts it, visibly).
 */
export function wrapLabel(label: string, fits: number): string[] {
  if (label.length <= fits) return [label];
  const lines: string[] = [];
  for (const part of label.split(/(?<=: )/)) {
    const pieces = part.split(/(?<=[ .\]])/);
    for (const piece of pieces) {
      const last = lines.length - 1;
      if (last >= 0 && !lines[last].endsWith(': ') && (lines[last] + piece).trimEnd().length <= fits) lines[last] += piece;
      else lines.push(piece);
    }
  }
  return lines.map((l) => l.trimEnd());
}
