// What `exitsim migrate --out DIR` writes besides its timeline CSV: a figure of the rounds — each round
// as a bar spanning its time, at the guest's efficiency during it, beside the guest's efficiency
// before the migration.
import type { TopLevelSpec } from 'vega-lite';
import type { MigrationResult } from '../migration/run.js';
import { FIGURE_WIDTH_PT, OKABE_ITO, config, titleLines, type FigureSize } from './figures.js';

export function migrationFigure(res: MigrationResult, title: string, size: FigureSize = 'double'): TopLevelSpec {
  const rounds = res.timeline.map((t) => ({ round: t.round, start: t.start_s, end: t.start_s + t.duration_s, efficiency: (t.guest_efficiency ?? 0) * 100, throttle: t.throttle_pct }));
  const before = (res.guest_efficiency_before ?? 0) * 100;
  const end = res.total_time_s;
  // Bars start at zero, as every efficiency figure's do: a cut axis would magnify the tracking's cost.
  const lo = 0;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: config(size),
    title: { text: titleLines(title, size), subtitle: titleLines(`guest efficiency per pre-copy round (bars span each round); dashed: before the migration; ${res.converged ? `down ${res.downtime_ms.toFixed(0)} ms at the end` : 'not converging'}`, size, 8) },
    width: FIGURE_WIDTH_PT[size],
    autosize: { type: 'fit-x', contains: 'padding' },
    height: Math.round(FIGURE_WIDTH_PT[size] * 0.4),
    layer: [
      {
        data: { values: rounds },
        mark: { type: 'rect', color: OKABE_ITO[0], stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: 'time since the migration started (s)', scale: { domain: [0, Math.ceil(end)], nice: false } },
          x2: { field: 'end' },
          y: { field: 'efficiency', type: 'quantitative', title: 'guest efficiency (% of bare metal)', scale: { domain: [lo, 100], nice: false } },
          y2: { datum: lo },
        },
      },
      { data: { values: [{ before }] }, mark: { type: 'rule', strokeDash: [4, 3], color: 'black' }, encoding: { y: { field: 'before', type: 'quantitative' } } },
    ],
  };
}
