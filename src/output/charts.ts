// SVG figures, rendered headlessly with Vega-Lite (no browser, no canvas).
import type { TopLevelSpec } from 'vega-lite';
import type { SensitivityRow } from '../experiment/sensitivity.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded when a figure is drawn: vega takes a quarter second to load, which every command paid.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg + '\n';
}

/** A tornado chart: each parameter's efficiency at −x% and +x% around the baseline. */
export function tornadoSpec(rows: SensitivityRow[], title: string, deltaPct: number, top = 15): TopLevelSpec {
  const data = rows.slice(0, top).flatMap((r) => [
    { parameter: r.parameter, side: `−${deltaPct}%`, from: (r.efficiency_base ?? 0) * 100, to: (r.efficiency_minus ?? 0) * 100 },
    { parameter: r.parameter, side: `+${deltaPct}%`, from: (r.efficiency_base ?? 0) * 100, to: (r.efficiency_plus ?? 0) * 100 },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: { step: 18 },
    data: { values: data },
    mark: 'bar',
    encoding: {
      y: { field: 'parameter', type: 'nominal', sort: null, title: null, axis: { labelLimit: 360 } },
      x: { field: 'from', type: 'quantitative', title: 'efficiency (%)', scale: { zero: false } },
      x2: { field: 'to' },
      color: { field: 'side', type: 'nominal', title: 'perturbation' },
    },
  };
}
