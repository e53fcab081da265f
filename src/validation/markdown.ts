// docs/validation.md's markdown: its tables (the text tables of output/ are for terminals), and a check
// row's verdict as it prints it.
import type { CheckRow } from './report.js';
export function md(header: string[], rows: Array<Array<string | number>>): string {
  const esc = (x: string | number) => String(x).replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** A check is within its tolerance (or, for a direction-only figure, of the same sign). */
export const within = (r: CheckRow): boolean =>
  r.directionOnly ? Math.sign(r.simulated) === Math.sign(r.published) : Math.abs(r.error) <= r.tolerance;

function verdict(r: CheckRow): string {
  if (r.directionOnly) return within(r) ? 'same direction' : '**opposite direction**';
  if (!within(r)) return '**outside**';
  return r.note.includes('DEPARTS') ? 'within (departs)' : 'within';
}

function fmtErr(r: CheckRow): string {
  return `${r.error >= 0 ? '+' : ''}${(r.error * 100).toFixed(1)}%`;
}

export function mdEffects(rows: CheckRow[]): string {
  return md(
    ['feature', 'effect', 'published', 'simulated', 'error', 'tolerance', 'verdict', 'calibrated or predicted', 'source', 'setting and notes'],
    rows.map((r) => [
      r.effect ?? '', r.figure, r.published, r.simulated, fmtErr(r), r.directionOnly ? 'sign' : `±${(r.tolerance * 100).toFixed(0)}%`, verdict(r),
      r.kind === 'independent' ? 'predicted' : 'calibrated (proves nothing)', r.source, r.note,
    ]),
  );
}

export function mdChecks(rows: CheckRow[]): string {
  return md(
    ['figure', 'published', 'simulated', 'error', 'tolerance', 'verdict', 'kind', 'source', 'setting and notes'],
    rows.map((r) => [r.figure, r.published, r.simulated, fmtErr(r), r.directionOnly ? 'sign' : `±${(r.tolerance * 100).toFixed(0)}%`, verdict(r), r.kind, r.source, r.note]),
  );
}

