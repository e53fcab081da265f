// Tables for papers (`exitsim table`, and tables.md / tables.tex beside every study): the efficiency
// comparison and the exit mix, from a result folder's CSVs, and the validation table, in Markdown
// and in LaTeX (booktabs rules; numbers as siunitx \num{…} without separators, an interval as
// $mean \pm half$, as a paper prints it — a zero half-width included). A table sized for a column
// of a two-column paper when it fits one, else across both (table*); the validation table, long and
// wide, as a longtable for a one-column page.
import fs from 'node:fs';
import path from 'node:path';
import { readStateJson } from '../config/read-input.js';
import { ResultSet } from '../io/result-set.js';

export interface PaperTable {
  caption: string;
  label: string;
  header: string[];
  /** A long table of wrapped text columns (a longtable on a one-column page): each column's width, in \textwidth, or 0 for a number column. */
  long?: number[];
  /** Cells: text, or a number with an optional 95% CI half-width and its digits. */
  rows: Array<Array<string | { mean: number; half?: number; digits: number }>>;
}

type Cell = PaperTable['rows'][number][number];

/** Numbers right, text left: a column is numeric when every cell of it is a number. */
const numeric = (t: PaperTable, i: number) => t.rows.length > 0 && t.rows.every((r) => typeof r[i] !== 'string' || r[i] === '–');

const plain = (c: Cell) => (typeof c === 'string' ? c : `${c.mean.toFixed(c.digits)}${c.half !== undefined ? ` ± ${c.half.toFixed(c.digits)}` : ''}`);

export function markdown(t: PaperTable): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `**${esc(t.caption)}**`,
    '',
    `| ${t.header.map(esc).join(' | ')} |`,
    `|${t.header.map((_, i) => (numeric(t, i) ? '---:' : '---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map((c) => esc(plain(c))).join(' | ')} |`),
  ].join('\n');
}

/** Characters pdflatex's default input encoding lacks, as LaTeX writes them. */
const TEX_CHARS: Record<string, string> = {
  '±': '$\\pm$', 'Δ': '$\\Delta$', 'µ': '$\\mu$', '×': '$\\times$', '≈': '$\\approx$', '≥': '$\\geq$', '≤': '$\\leq$', '−': '$-$', '→': '$\\rightarrow$',
  '…': '\\ldots{}', '–': '--', '—': '---', '‘': '`', '’': "'", '“': '``', '”': "''", '·': '$\\cdot$', '²': '$^2$', '≠': '$\\neq$', '∞': '$\\infty$', 'λ': '$\\lambda$', 'ρ': '$\\rho$',
};
const tex = (s: string) =>
  s
    .replace(/\\/g, '\\textbackslash{}')
    .replace(/([&%$#_{}])/g, '\\$1')
    .replace(/~/g, '\\textasciitilde{}')
    .replace(/\^/g, '\\textasciicircum{}')
    .replace(/[±Δµ×≈≥≤−→…–—‘’“”·²≠∞λρ]/g, (c) => TEX_CHARS[c] ?? c);

/** A header cell: a feature set's label on one line per comma-separated part, so that columns stay narrow. */
const headerCell = (h: string) => {
  const parts = tex(h).split(/(?<=,)/);
  return parts.length === 1 ? parts[0] : `\\begin{tabular}[b]{@{}c@{}}${parts.join('\\\\')}\\end{tabular}`;
};

const cellTex = (c: Cell) =>
  typeof c === 'string' ? tex(c) : c.half !== undefined ? `$${c.mean.toFixed(c.digits)} \\pm ${c.half.toFixed(c.digits)}$` : `\\num{${c.mean.toFixed(c.digits)}}`;

/**
 * The printed width of a table set in \\small, estimated from its longest cell per column (about
 * 4.6 pt per character of Computer Modern at 9 pt, 8 pt between columns): enough to choose a
 * column (about 240 pt wide in a two-column paper) or the page's width.
 */
export function estimatedWidthPt(t: PaperTable): number {
  const len = (c: Cell) => (typeof c === 'string' ? c.length : plain(c).length);
  return t.header.reduce((a, h, i) => a + 8 + 4.6 * Math.max(...h.split(/(?<=,)/).map((x) => x.length), ...t.rows.map((r) => len(r[i]))), 0);
}

/** Narrower than this, a table goes in one column of a two-column paper; wider, across both (table*). */
export const COLUMN_WIDTH_PT = 235;

export function latex(t: PaperTable): string {
  if (t.long) return longLatex(t);
  const env = estimatedWidthPt(t) <= COLUMN_WIDTH_PT ? 'table' : 'table*';
  return [
    '% needs \\usepackage{booktabs} and \\usepackage{siunitx}' + (env === 'table*' ? '; spans both columns of a two-column paper' : '; fits one column of a two-column paper'),
    `\\begin{${env}}[t]`,
    '  \\centering',
    '  \\small',
    '  \\setlength{\\tabcolsep}{4pt}',
    `  \\caption{${tex(t.caption)}}`,
    `  \\label{${t.label}}`,
    `  \\begin{tabular}{${t.header.map((_, i) => (numeric(t, i) ? 'r' : 'l')).join('')}}`,
    '    \\toprule',
    `    ${t.header.map(headerCell).join(' & ')} \\\\`,
    '    \\midrule',
    ...t.rows.map((r) => `    ${r.map(cellTex).join(' & ')} \\\\`),
    '    \\bottomrule',
    '  \\end{tabular}',
    `\\end{${env}}`,
  ].join('\n');
}

/** A long table with wrapped text columns, breaking across pages (longtable: a one-column page). */
function longLatex(t: PaperTable): string {
  const widths = t.long as number[];
  const spec = t.header.map((_, i) => (widths[i] > 0 ? `>{\\raggedright\\arraybackslash}p{${widths[i]}\\textwidth}` : numeric(t, i) ? 'r' : 'l')).join('');
  const head = `    ${t.header.map(headerCell).join(' & ')} \\\\`;
  return [
    '% needs \\usepackage{booktabs}, \\usepackage{siunitx}, \\usepackage{longtable} and \\usepackage{array};',
    '% a long table breaks across pages on a one-column page (in a two-column paper: an appendix after \\onecolumn)',
    '\\begin{footnotesize}',
    '\\setlength{\\tabcolsep}{3pt}',
    `\\begin{longtable}{${spec}}`,
    `  \\caption{${tex(t.caption)}}\\label{${t.label}} \\\\`,
    '    \\toprule',
    head,
    '    \\midrule',
    '  \\endfirsthead',
    '    \\toprule',
    head,
    '    \\midrule',
    '  \\endhead',
    '    \\bottomrule',
    '  \\endlastfoot',
    // Wrapped text may break after a slash or an underscore (paths, file and MSR names).
    ...t.rows.map((r) => `    ${r.map((c, i) => (widths[i] > 0 && typeof c === 'string' ? cellTex(c).replace(/\//g, '/\\allowbreak{}').replace(/\\_/g, '\\_\\allowbreak{}') : cellTex(c))).join(' & ')} \\\\`),
    '\\end{longtable}',
    '\\end{footnotesize}',
  ].join('\n');
}

const params = (row: Record<string, string>) => Object.keys(row).filter((k) => k.startsWith('param_'));
const pointLabel = (row: Record<string, string>) => params(row).map((k) => row[k]).join(', ') || 'all';

/** The tables of a result folder: efficiency per point and feature set, then the exit mix. */
export function resultTables(dir: string): PaperTable[] {
  const set = ResultSet.open(dir);
  const runs = set.csv('runs.csv', { columns: ['run_id', 'scenario', 'features', 'efficiency'], numbers: ['efficiency'], optional: ['efficiency'] });
  const exits = set.csv('exits.csv', { columns: ['run_id', 'exit_reason', 'rate_per_s'], numbers: ['rate_per_s'] });
  // A study's folder has its summary (the manifest lists it); a run's has none.
  const summary = set.has('summary.csv') ? set.csv('summary.csv', { columns: ['point', 'features', 'replications', 'efficiency_mean', 'efficiency_ci95_halfwidth'], numbers: ['replications', 'efficiency_mean', 'efficiency_ci95_halfwidth'], optional: ['efficiency_mean', 'efficiency_ci95_halfwidth'] }) : undefined;
  let features = [...new Set(runs.map((r) => r.features))];
  const points = [...new Set(runs.map((r) => r.point ?? '0'))];
  const labelOf = new Map(runs.map((r) => [r.point ?? '0', pointLabel(r)]));
  // The parameters as the study named them (study.json keeps the paths), else the column names.
  let paramNames = runs.length > 0 ? params(runs[0]).map((k) => k.slice('param_'.length)) : [];
  const state = path.join(dir, 'study.json');
  if (fs.existsSync(state)) {
    const st = readStateJson<{ points?: Array<Record<string, unknown>>; parameters?: unknown; feature_sets?: unknown }>(state, 'a study state', ['points']);
    const points = st.points;
    const named = Array.isArray(st.parameters) && st.parameters.length === paramNames.length && st.parameters.every((x) => typeof x === 'string') ? (st.parameters as string[]) : Array.isArray(points) && points.length > 0 && points[0] !== null && typeof points[0] === 'object' && Object.keys(points[0]).length === paramNames.length ? Object.keys(points[0]) : undefined;
    if (named) paramNames = named.map((k) => (k === 'vms[0].workload' ? 'workload' : k));
    // The study's labels, one per feature set: a run's own label is in its CPU's words (an AMD run's
    // "modern,-msrpm" is the study's "modern,-msr-bitmap"), so runs are matched to the study's sets
    // by their order within each job (point and replication), as the study wrote them.
    const sets = st.feature_sets;
    if (Array.isArray(sets) && sets.length > 0 && sets.every((x) => typeof x === 'string')) {
      const jobs = new Map<string, typeof runs>();
      for (const r of runs) jobs.set(`${r.point ?? '0'}/${r.replication ?? '0'}`, [...(jobs.get(`${r.point ?? '0'}/${r.replication ?? '0'}`) ?? []), r]);
      if ([...jobs.values()].every((j) => j.length === sets.length)) {
        for (const j of jobs.values()) j.forEach((r, i) => (r.features = sets[i] as string));
        features = sets as string[];
      }
    }
  }
  const n = summary ? Number(summary[0]?.replications ?? 1) : 1;
  const out: PaperTable[] = [];
  // Efficiency: mean ± 95% CI half-width over replications, in percent.
  const eff = (point: string, f: string): Cell => {
    const s = summary?.find((x) => x.point === point && x.features === f);
    if (s) return { mean: Number(s.efficiency_mean) * 100, half: n > 1 && s.efficiency_ci95_halfwidth !== '' ? Number(s.efficiency_ci95_halfwidth) * 100 : undefined, digits: 2 };
    const r = runs.filter((x) => (x.point ?? '0') === point && x.features === f);
    return r.length === 0 ? '–' : { mean: (r.reduce((a, x) => a + Number(x.efficiency), 0) / r.length) * 100, digits: 2 };
  };
  out.push({
    caption: `Efficiency (% of bare metal${n > 1 ? `; mean ± 95% CI half-width over ${n} replications` : ''}) by feature set.`,
    label: 'tab:efficiency',
    header: [paramNames.length > 0 ? paramNames.join(', ') : 'scenario', ...features.map((f) => `${f} (%)`)],
    rows: points.map((p) => [paramNames.length > 0 ? labelOf.get(p)! : runs[0].scenario, ...features.map((f) => eff(p, f))]),
  });
  // Exit mix: per point, the reasons by rate (exits per simulated second, mean over replications).
  for (const p of points) {
    const mine = new Set(runs.filter((r) => (r.point ?? '0') === p).map((r) => r.run_id));
    const featureOf = new Map(runs.map((r) => [r.run_id, r.features]));
    const rows = exits.filter((e) => mine.has(e.run_id));
    const rate = (reason: string, f: string) => {
      const xs = rows.filter((e) => e.exit_reason === reason && featureOf.get(e.run_id) === f).map((e) => Number(e.rate_per_s));
      return xs.length === 0 ? 0 : xs.reduce((a, x) => a + x, 0) / xs.length;
    };
    const reasons = [...new Set(rows.map((e) => e.exit_reason))]
      .map((r) => [r, Math.max(...features.map((f) => rate(r, f)))] as const)
      .filter(([, x]) => x > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([r]) => r);
    out.push({
      caption: `Exit mix${points.length > 1 ? ` at ${labelOf.get(p)}` : ''}: exits per simulated second by reason (the ten most frequent${n > 1 ? `; mean over ${n} replications` : ''}).`,
      label: `tab:exits${points.length > 1 ? `-${p}` : ''}`,
      header: ['exit reason', ...features.map((f) => `${f} (1/s)`)],
      rows: reasons.map((r) => [r, ...features.map((f) => ({ mean: rate(r, f), digits: 0 }))]),
    });
  }
  return out;
}

/** The validation table: every published figure against exitsim's, calibrated-to or predicted. */
export function validationTable(rows: Array<{ figure: string; published: number; simulated: number; error: number; kind: string; source: string }>): PaperTable {
  return {
    caption: 'Published figures against exitsim. Calibrated figures (cal.) were used to set a constant and prove nothing; predicted figures (pred.) are the test.',
    label: 'tab:validation',
    header: ['figure', 'published', 'exitsim', 'error (%)', 'role', 'source'],
    // Wrapped text for the figure and its source (docs/validation.md has the full notes).
    long: [0.3, 0, 0, 0, 0, 0.22],
    rows: rows.map((r) => [r.figure, { mean: r.published, digits: r.published >= 100 ? 0 : 2 }, { mean: r.simulated, digits: r.simulated >= 100 ? 0 : 2 }, { mean: r.error * 100, digits: 1 }, r.kind === 'independent' ? 'pred.' : 'cal.', r.source.length > 120 ? `${r.source.slice(0, 117).trimEnd()}…` : r.source]),
  };
}

export const tablesMarkdown = (ts: PaperTable[]) => ts.map(markdown).join('\n\n') + '\n';
export const tablesLatex = (ts: PaperTable[]) => ts.map(latex).join('\n\n') + '\n';
