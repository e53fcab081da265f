// What `exitsim migrate --out DIR` writes besides its timeline CSV: a figure of the rounds — each round
// as a bar spanning its time, at the guest's efficiency during it, beside the guest's efficiency
// before the migration.
import type { TopLevelSpec } from 'vega-lite';
import type { MigrationResult } from '../migration/run.js';
import { FIGURE_WIDTH_PT, OKABE_ITO, config, titleLines, type FigureSize } from './figures.js';

export function migrationFigure(res: MigrationResult, title: string, size: FigureSize = 'double'): TopLevelSpec {
  const rounds = res.timeline.map((t) => ({ round: t.round, phase: t.phase, start: t.start_s, end: t.start_s + t.duration_s, efficiency: (t.guest_efficiency ?? 0) * 100, throttle: t.throttle_pct }));
  // A post-copy phase is named over its span: its guest may barely run, a bar too low to see.
  const postcopy = rounds.filter((r) => r.phase === 'post-copy').map((r) => ({ mid: (r.start + r.end) / 2, label: `post-copy: ${r.efficiency.toFixed(1)}%` }));
  const before = (res.guest_efficiency_before ?? 0) * 100;
  const end = res.total_time_s;
  // Bars start at zero, as every efficiency figure's do: a cut axis would magnify the tracking's cost.
  const lo = 0;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: config(size),
    title: { text: titleLines(title, size), subtitle: titleLines(`guest efficiency per round (bars span each round${postcopy.length > 0 ? '; the last, on the destination, is post-copy' : ''}); dashed: before the migration; ${res.converged ? `down ${res.downtime_ms.toFixed(0)} ms ${postcopy.length > 0 ? 'at the switch' : 'at the end'}` : 'not converging'}`, size, 8) },
    width: FIGURE_WIDTH_PT[size],
    autosize: { type: 'fit-x', contains: 'padding' },
    height: Math.round(FIGURE_WIDTH_PT[size] * 0.4),
    layer: [
      {
        data: { values: rounds },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: 'time since the migration started (s)', scale: { domain: [0, Math.ceil(end)], nice: false } },
          x2: { field: 'end' },
          y: { field: 'efficiency', type: 'quantitative', title: 'guest efficiency (% of bare metal)', scale: { domain: [lo, 100], nice: false } },
          y2: { datum: lo },
          color: { field: 'phase', type: 'nominal', title: null, scale: { domain: ['pre-copy', 'post-copy'], range: [OKABE_ITO[0], OKABE_ITO[1]] }, legend: postcopy.length > 0 ? {} : null },
        },
      },
      ...(postcopy.length > 0 ? [{ data: { values: postcopy }, mark: { type: 'text' as const, angle: 270, align: 'left' as const, baseline: 'middle' as const, dx: -4 }, encoding: { x: { field: 'mid', type: 'quantitative' as const }, y: { datum: 2 }, text: { field: 'label' } } }] : []),
      { data: { values: [{ before }] }, mark: { type: 'rule', strokeDash: [4, 3], color: 'black' }, encoding: { y: { field: 'before', type: 'quantitative' } } },
    ],
  };
}

/** One point of a migration study, as its CSV has it. */
export interface MigrationStudyRow {
  dirty_tracking: string;
  dirty_rate: string;
  bandwidth: string;
  converged: boolean;
  total_time_s: number;
  downtime_ms: number;
  rounds: number;
  transferred_gib: number;
  guest_efficiency_before: number | null;
  guest_efficiency_during: number | null;
}

/**
 * A migration study's figure: the guest's efficiency during the migration against the dirty rate, one
 * line per tracking mode, one panel per bandwidth; points that do not converge are hollow.
 */
export function migrationStudyFigure(rows: MigrationStudyRow[], title: string, size: FigureSize = 'double'): TopLevelSpec {
  const rates = [...new Set(rows.map((r) => r.dirty_rate))];
  const modes = [...new Set(rows.map((r) => r.dirty_tracking))];
  const bandwidths = [...new Set(rows.map((r) => r.bandwidth))];
  const values = rows.map((r) => ({ ...r, efficiency: (r.guest_efficiency_during ?? 0) * 100, state: r.converged ? 'converged' : 'not converging' }));
  const panelWidth = Math.floor((FIGURE_WIDTH_PT[size] - 60) / bandwidths.length) - 10;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: config(size),
    title: { text: titleLines(title, size), subtitle: titleLines('guest efficiency during the pre-copy rounds; hollow: not converging (the rounds run until the round limit)', size, 8) },
    data: { values },
    facet: { column: { field: 'bandwidth', type: 'ordinal', sort: bandwidths, title: 'migration link' } },
    spec: {
      width: panelWidth,
      height: Math.round(FIGURE_WIDTH_PT[size] * 0.35),
      layer: [
        { mark: { type: 'line' }, encoding: { strokeDash: { field: 'dirty_tracking', type: 'nominal', sort: modes, title: 'tracking', scale: { domain: modes, range: [[12, 1], [6, 3], [2, 2], [8, 2, 2, 2]].slice(0, modes.length) } }, x: { field: 'dirty_rate', type: 'ordinal', sort: rates, title: 'dirty rate (calc-dirty-rate)', axis: { labelAngle: 0 } }, y: { field: 'efficiency', type: 'quantitative', title: 'guest efficiency (% of bare metal)', scale: { domain: [0, 100], nice: false } }, color: { field: 'dirty_tracking', type: 'nominal', sort: modes, title: 'tracking', scale: { domain: modes, range: OKABE_ITO.slice(0, modes.length) } } } },
        { mark: { type: 'point', shape: 'circle', size: 40, strokeWidth: 1.5 }, encoding: { x: { field: 'dirty_rate', type: 'ordinal', sort: rates }, y: { field: 'efficiency', type: 'quantitative' }, color: { field: 'dirty_tracking', type: 'nominal', sort: modes }, fill: { condition: { test: "datum.state === 'converged'", field: 'dirty_tracking', type: 'nominal', sort: modes, legend: null }, value: 'white' } } },
      ],
    },
  } as TopLevelSpec;
}
