// Text tables and CSV of the single-purpose commands: microbench,
// sensitivity and capacity. (Runs: text.ts and csv.ts; studies: study-*.ts.)
import { stringify } from 'csv-stringify/sync';
import type { CapacityResult, Sla } from '../experiment/capacity.js';
import type { SensitivityRow } from '../experiment/sensitivity.js';
import type { MicrobenchRow } from '../experiment/microbench.js';
import { pct, table } from './text.js';

const csv = (rows: unknown[][]): string => stringify(rows as string[][], { record_delimiter: '\n' });

/** Published figures for the same test, profile and features: cycles per iteration and where from. */
export type MicrobenchRowWithPublished = MicrobenchRow & { published: Array<{ cycles: number; ns?: number; source: string }> };

// A figure published in ns (the arm suite) shows its ns; its cycles are at the profile's (assumed) clock.
const publishedText = (r: MicrobenchRowWithPublished) => r.published.map((p) => (p.ns !== undefined ? `${p.ns} ns (${p.source})` : `${p.cycles} (${p.source})`)).join('; ');

export function microbenchCsv(rows: MicrobenchRowWithPublished[], profile: string, features: string): string {
  return csv([
    // Numbers in numeric columns only: the first published figure, its source beside it, any others as text.
    ['test', 'cycles_per_iteration', 'exits_per_iteration', 'exit_reasons', 'published_cycles_per_iteration', 'published_source', 'other_published', 'profile', 'features'],
    ...rows.map((r) => [r.test, r.cycles_per_iteration, r.exits_per_iteration, r.exit_reasons, r.published[0]?.cycles ?? '', r.published[0]?.source ?? '', r.published.slice(1).map((p) => `${p.cycles} (${p.source})`).join('; '), profile, features]),
  ]);
}

export function microbenchTable(rows: MicrobenchRowWithPublished[], withNs = false): string {
  if (withNs) return table(['test', 'cycles', 'ns', 'exits', 'exit reasons', 'published (same profile and features)'], rows.map((r) => [r.test, r.cycles_per_iteration, r.ns_per_iteration.toFixed(1), r.exits_per_iteration, r.exit_reasons, publishedText(r) || '-']));
  return table(['test', 'cycles', 'exits', 'exit reasons', 'published (same profile and features)'], rows.map((r) => [r.test, r.cycles_per_iteration, r.exits_per_iteration, r.exit_reasons, publishedText(r) || '-']));
}

export function sensitivityCsv(rows: SensitivityRow[], deltaPct: number): string {
  return csv([
    ['parameter', 'efficiency_minus', 'efficiency_base', 'efficiency_plus', 'swing_pp', 'delta_pct'],
    ...rows.map((x) => [x.parameter, x.efficiency_minus ?? '', x.efficiency_base ?? '', x.efficiency_plus ?? '', x.swing_pp, deltaPct]),
  ]);
}

/** The parameters that moved efficiency (at most 25), ranked by swing, with a bar; and how many did not. */
export function sensitivityTable(rows: SensitivityRow[], deltaPct: number): string {
  const shown = rows.filter((x) => x.swing_pp > 0).slice(0, 25);
  const maxSwing = Math.max(...shown.map((x) => x.swing_pp), 1e-9);
  const text = table(['parameter', `−${deltaPct}%`, 'base', `+${deltaPct}%`, 'swing (pp)', ''], shown.map((x) => [
    x.parameter, pct(x.efficiency_minus), pct(x.efficiency_base), pct(x.efficiency_plus), x.swing_pp.toFixed(3), '#'.repeat(Math.max(1, Math.round((x.swing_pp / maxSwing) * 30))),
  ])) + '\n';
  const none = rows.length - shown.length;
  return none > 0 ? `${text}\n${none} parameters moved efficiency by less than 0.0001 pp\n` : text;
}

export function capacityCsv(results: CapacityResult[], slas: Sla[]): string {
  const header = ['features', 'features_canonical', 'vary', 'n', 'replications', 'fits', 'failed', ...slas.map((x) => `${x.metric}_worst_vm_mean`), 'max_fitting'];
  return csv([header, ...results.flatMap((c) => c.evaluations.map((e) => [c.features, c.features_canonical ?? c.features, c.vary, e.n, e.replications, e.fits, e.failed, ...slas.map((x) => e.metrics[x.metric] ?? ''), c.max]))]);
}

export function capacityTable(results: CapacityResult[], slas: Sla[], vary: string, max: number): string {
  return table(['features', `max ${vary}`, ...slas.map((x) => `${x.metric} at max`), 'first failure above max'], results.map((c) => {
    const above = c.evaluations.filter((e) => e.n === c.max + 1).pop();
    return [c.features, c.max, ...slas.map((x) => {
      const v = c.atMax?.metrics[x.metric];
      // In the SLA's unit, as it was written: an efficiency in percent.
      return v === undefined || v === null ? 'n/a' : x.metric === 'efficiency' ? `${(v * 100).toFixed(2)}%` : Number(v.toPrecision(4));
    }), above ? `${above.n}: ${above.failed}` : c.max >= max ? `reached --max ${max}` : ''];
  }));
}
