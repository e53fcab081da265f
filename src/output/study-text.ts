// Terminal tables of studies: the default study's table, a sweep's summary,
// and replicated run/compare (mean ± 95% CI).
import type { StudyRecord } from '../experiment/study.js';
import type { StudyTables, SummaryRow } from './study-outputs.js';
import { meanCi, num, pctCi, table } from './text.js';

type Est = { mean: number | null; ci95: number | null };

const efficiencyCi = (e: Est): string => pctCi(e.mean, e.ci95);

/** The default study: one row per workload, efficiency per preset, the last preset against the first, its top exits. */
export function formatDefaultStudy(t: StudyTables, records: StudyRecord[], points: Array<{ index: number; workload: string }>, presets: string[], labels: string[]): string {
  const rows = points.map((p) => {
    const summary = t.summary.filter((x) => x.point === p.index);
    const cmp = t.comparisons.find((x) => x.point === p.index && x.features === labels[labels.length - 1]);
    const last = records.find((r) => r.point === p.index)!.summaries[labels.length - 1];
    const top = Object.entries(last.total.exits).sort((a, b) => b[1].count - a[1].count).slice(0, 3).map(([k, e]) => `${k} ${num(e.rate_per_s, 0)}/s`);
    return [p.workload, ...summary.map((x) => efficiencyCi(x.efficiency)), cmp?.efficiency_diff_pct.mean == null ? 'n/a' : `${cmp.efficiency_diff_pct.mean >= 0 ? '+' : ''}${cmp.efficiency_diff_pct.mean.toFixed(1)}%`, top.join(', ')];
  });
  const lastPreset = presets[presets.length - 1];
  return table(['workload', ...presets.map((p) => `${p} eff.`), `${lastPreset} vs ${presets[0]}`, `top exits under ${lastPreset}`], rows);
}

/** The default study's Intel-vs-AMD table: each workload's efficiency on both hosts under one preset, and the difference. */
export function formatVendorComparison(rows: Array<{ workload: string; cpus: Array<SummaryRow | undefined> }>, names: string[]): string {
  // The first CPU is the reference: every other one's efficiency as a difference from it.
  const lines = rows.map(({ workload, cpus }) => {
    const ref = cpus[0];
    const diff = (x: SummaryRow | undefined) => (ref?.efficiency.mean != null && x?.efficiency.mean != null ? (x.efficiency.mean - ref.efficiency.mean) * 100 : null);
    return [
      workload,
      ...cpus.map((x) => (x ? efficiencyCi(x.efficiency) : 'n/a')),
      ...cpus.slice(1).map((x) => { const d = diff(x); return d === null ? 'n/a' : `${d >= 0 ? '+' : ''}${d.toFixed(2)} pp`; }),
      ...cpus.map((x) => (x ? num(x.exits_per_s.mean ?? 0, 0) : 'n/a')),
    ];
  });
  return table(['workload', ...names.map((n) => `${n} eff.`), ...names.slice(1).map((n) => `${n} − ${names[0]}`), ...names.map((n) => `${n} exits/s`)], lines);
}

/** A sweep's summary rows (the first 40), one per point and feature set. */
export function formatSweepTable(t: StudyTables, params: string[]): string {
  const show = t.summary.slice(0, 40);
  return (
    table([...params, 'features', 'efficiency (mean ± 95% CI)', 'units/s'], show.map((s) => [...params.map((p) => String(s.values[p])), s.features, efficiencyCi(s.efficiency), num(s.throughput_units_per_s.mean)]), params.length + 1) +
    (t.summary.length > show.length ? `\n… ${t.summary.length - show.length} more rows in summary.csv` : '')
  );
}

/** run/compare with replications: mean ± 95% CI per feature set, paired Δ against the baseline. */
export function formatReplicatedTable(t: StudyTables, labels: string[], compare: boolean): string {
  const ci = (e: Est, scale: number, digits: number, unit = '') => meanCi(e.mean === null ? null : e.mean * scale, e.ci95 === null ? null : e.ci95 * scale, digits, unit);
  const rows = t.summary.map((s) => {
    const c = t.comparisons.find((x) => x.features === s.features);
    return [s.features + (s.features === labels[0] ? ' (baseline)' : ''), efficiencyCi(s.efficiency), c ? ci(c.efficiency_diff_pct, 1, 2, '%') : '', ci(s.throughput_units_per_s, 1, 1), ci(s.exits_per_s, 1, 0)];
  });
  return table(['features', 'efficiency (mean ± 95% CI)', compare ? 'Δ efficiency vs baseline (relative)' : '', 'units/s', 'exits/s'], rows);
}
