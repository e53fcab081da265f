// What a study writes for papers (SPEC §7, issue 4): per-run CSV, per-point
// means with 95% CIs, paired comparisons against the baseline, the manifest,
// and SVG figures. Everything is computed from saved job records in study
// order, so it does not depend on how (or on how many workers) they ran.
import { CATEGORY_NAMES } from '../exits/cost.js';
import { estimate, type Estimate } from '../stats/confidence.js';
import type { RunSummary } from '../metrics/summarize.js';
import { readState, type StudyRecord } from '../experiment/study.js';
import type { ExpandedSweep } from '../experiment/sweep-spec.js';
import { writeResultFiles } from '../io/atomic.js';
import { studyManifestJson, type StudyInputs } from './manifest.js';
import { exitsCsv, runsCsv, vmsCsv } from './csv.js';
import { stringify } from 'csv-stringify/sync';
import { cyclesFigure, efficiencyFigure, figureFiles, throughputFigure, type FigureSize } from './figures.js';

export interface StudyTables {
  runs: RunSummary[];
  summary: SummaryRow[];
  comparisons: ComparisonRow[];
}

export interface SummaryRow {
  point: number;
  values: Record<string, number | string | boolean>;
  features: string;
  /** The set the point's VMs ran with, canonically (runs.csv's features_canonical). */
  features_canonical: string;
  replications: number;
  efficiency: Estimate;
  throughput_units_per_s: Estimate;
  exits_per_s: Estimate;
  host_cycles_per_unit: Estimate;
  /** Mean share of host cycles per category (over replications). */
  cycles_share: Record<string, number>;
}

export interface ComparisonRow {
  point: number;
  values: Record<string, number | string | boolean>;
  baseline: string;
  features: string;
  /** Paired (same seed) difference in efficiency, percentage points. */
  efficiency_diff_pp: Estimate;
  /** Paired relative difference in efficiency, %. */
  efficiency_diff_pct: Estimate;
}

export function studyTables(records: StudyRecord[], featureLabels: string[]): StudyTables {
  const runs = records.flatMap((r) => r.summaries);
  const byPoint = new Map<number, StudyRecord[]>();
  for (const r of records) byPoint.set(r.point, [...(byPoint.get(r.point) ?? []), r]);
  const summary: SummaryRow[] = [];
  const comparisons: ComparisonRow[] = [];
  for (const [point, recs] of [...byPoint.entries()].sort((a, b) => a[0] - b[0])) {
    const values = recs[0].values;
    featureLabels.forEach((features, f) => {
      const ss = recs.map((r) => r.summaries[f]);
      const share: Record<string, number> = {};
      for (const c of CATEGORY_NAMES) {
        share[c] = ss.reduce((a, s) => {
          const total = Object.values(s.total.cycles_by_stage).reduce((x, y) => x + y, 0);
          return a + (total > 0 ? s.total.cycles_by_stage[c] / total : 0);
        }, 0) / ss.length;
      }
      summary.push({
        point, values, features, features_canonical: ss[0].features_canonical ?? '', replications: ss.length,
        efficiency: estimate(ss.map((s) => s.total.efficiency)),
        throughput_units_per_s: estimate(ss.map((s) => s.total.throughput_units_per_s)),
        exits_per_s: estimate(ss.map((s) => s.total.exit_count / s.duration_s)),
        host_cycles_per_unit: estimate(ss.map((s) => s.total.host_cycles_per_unit)),
        cycles_share: share,
      });
      if (f > 0) {
        const diffs = recs.map((r) => {
          const a = r.summaries[0].total.efficiency;
          const b = r.summaries[f].total.efficiency;
          return a !== null && b !== null ? { pp: (b - a) * 100, pct: (b / a - 1) * 100 } : null;
        });
        comparisons.push({
          point, values, baseline: featureLabels[0], features,
          efficiency_diff_pp: estimate(diffs.map((d) => d?.pp ?? null)),
          efficiency_diff_pct: estimate(diffs.map((d) => d?.pct ?? null)),
        });
      }
    });
  }
  return { runs, summary, comparisons };
}

/** A parameter path as a column name R and pandas take unquoted: vms[0].workload → param_vms_0_workload. */
export const paramColumn = (p: string): string => `param_${p.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;

const r6 = (x: number | null) => (x === null ? '' : Math.round(x * 1e6) / 1e6);

export function summaryCsv(rows: SummaryRow[], params: string[]): string {
  const header = ['point', ...params.map(paramColumn), 'features', 'features_canonical', 'replications',
    'efficiency_mean', 'efficiency_ci95_halfwidth', 'throughput_units_per_s_mean', 'throughput_units_per_s_ci95_halfwidth',
    'exits_per_s_mean', 'exits_per_s_ci95_halfwidth', 'host_cycles_per_unit_mean', 'host_cycles_per_unit_ci95_halfwidth',
    ...CATEGORY_NAMES.map((c) => `${c}_share_mean`)];
  return stringify([header, ...rows.map((r) => [
    r.point, ...params.map((p) => r.values[p]), r.features, r.features_canonical, r.replications,
    r6(r.efficiency.mean), r6(r.efficiency.ci95), r6(r.throughput_units_per_s.mean), r6(r.throughput_units_per_s.ci95),
    r6(r.exits_per_s.mean), r6(r.exits_per_s.ci95), r6(r.host_cycles_per_unit.mean), r6(r.host_cycles_per_unit.ci95),
    ...CATEGORY_NAMES.map((c) => r6(r.cycles_share[c])),
  ])], { record_delimiter: '\n' });
}

export function comparisonsCsv(rows: ComparisonRow[], params: string[]): string {
  const header = ['point', ...params.map(paramColumn), 'baseline', 'features', 'replications',
    'efficiency_diff_pp_mean', 'efficiency_diff_pp_ci95_halfwidth', 'efficiency_diff_pct_mean', 'efficiency_diff_pct_ci95_halfwidth'];
  return stringify([header, ...rows.map((r) => [
    r.point, ...params.map((p) => r.values[p]), r.baseline, r.features, r.efficiency_diff_pp.n,
    r6(r.efficiency_diff_pp.mean), r6(r.efficiency_diff_pp.ci95), r6(r.efficiency_diff_pct.mean), r6(r.efficiency_diff_pct.ci95),
  ])], { record_delimiter: '\n' });
}

export function studyCsvFiles(records: StudyRecord[], featureLabels: string[], params: string[]): Record<string, string> {
  const t = studyTables(records, featureLabels);
  const leadRecords = records.flatMap((r) => r.summaries.map(() => r));
  return {
    'runs.csv': runsCsv(t.runs, {
      header: ['point', 'replication', ...params.map(paramColumn)],
      values: (i) => [leadRecords[i].point, leadRecords[i].replication, ...params.map((p) => leadRecords[i].values[p])],
    }),
    'vms.csv': vmsCsv(t.runs),
    'exits.csv': exitsCsv(t.runs),
    'summary.csv': summaryCsv(t.summary, params),
    'comparisons.csv': comparisonsCsv(t.comparisons, params),
  };
}

/** The study's figures, each as SVG, PDF and Vega-Lite spec (figures.ts). */
export async function studyFigures(records: StudyRecord[], featureLabels: string[], params: string[], name: string, size: FigureSize = 'double'): Promise<Record<string, string | Buffer>> {
  const t = studyTables(records, featureLabels);
  return {
    ...(await figureFiles('efficiency', efficiencyFigure(t.summary, `${name}: efficiency`, params, size))),
    ...(await figureFiles('throughput', throughputFigure(t.summary, `${name}: throughput`, params, size))),
    ...(await figureFiles('cycles', cyclesFigure(t.summary, `${name}: where the cycles went`, size, params))),
  };
}

/** Every file writeStudyOutputs writes: checked before a study runs, so a user's file of such a name stops it at once. */
export const STUDY_OUTPUT_NAMES = [
  'runs.csv', 'vms.csv', 'exits.csv', 'summary.csv', 'comparisons.csv',
  ...['efficiency', 'throughput', 'cycles'].flatMap((f) => [`${f}.svg`, `${f}.pdf`, `${f}.vl.json`]),
  'manifest.json',
];

/** Writes a finished study's CSV, figures and manifest into its own folder (atomically, replacing its earlier outputs); `sweep` is absent for a merge. */
export async function writeStudyOutputs(dir: string, sweep: ExpandedSweep | undefined, givenRecords: StudyRecord[], labels: string[], params: string[], name: string, startedAt: Date, extra: Record<string, unknown> = {}, carried?: StudyInputs, size: FigureSize = 'double'): Promise<string[]> {
  // A run resumed from an earlier invocation keeps the label it was run under; every file shows this one's.
  const records = givenRecords.map((r) => (r.summaries.every((s, f) => s.features === labels[f]) ? r : { ...r, summaries: r.summaries.map((s, f) => ({ ...s, features: labels[f] ?? s.features })) }));
  const files: Record<string, string | Buffer> = { ...studyCsvFiles(records, labels, params), ...(await studyFigures(records, labels, params, name, size)) };
  files['manifest.json'] = studyManifestJson(startedAt, readState(dir), sweep, records, extra, carried);
  const unlisted = Object.keys(files).filter((n) => !STUDY_OUTPUT_NAMES.includes(n));
  if (unlisted.length > 0) throw new Error(`STUDY_OUTPUT_NAMES lacks ${unlisted.join(', ')}`);
  return writeResultFiles(dir, files, { force: true });
}
