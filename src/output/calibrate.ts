// What `exitsim calibrate` prints: what it read, what it fitted, and how far to trust the profile
// (the tests it was fitted to, reproduced; the held-back ones, predicted; each fitted one, predicted
// without it).
import path from 'node:path';
import { shortId, type CalibrationFit, type TestCheck } from '../calibrate/fit.js';
import type { ParsedLog } from '../calibrate/log.js';
import { table, wrapWords } from './text.js';

export interface CalibrationReport {
  out: string;
  name: string;
  base: string;
  features: string;
  frequencyGHz: number;
  frequencyStated: boolean;
  log: ParsedLog;
  fit: CalibrationFit;
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}%`;
const worst = (rows: TestCheck[]) => (rows.length === 0 ? null : Math.max(...rows.map((r) => Math.abs(r.errorPct))));

export function calibrationText(r: CalibrationReport): string {
  const { fit, log } = r;
  const files = [...new Set(log.tests.flatMap((t) => t.files))].map((f) => path.basename(f));
  const out: string[] = [];
  out.push(`calibrated ${r.name} from ${files.join(', ')}: base ${r.base}, features ${r.features}, ${r.frequencyGHz} GHz TSC${r.frequencyStated ? '' : ` (${r.base}'s)`}`);
  out.push(`read ${log.tests.length} test(s): ${log.tests.map((t) => `${t.test} ${t.cycles}${t.figures.length > 1 ? ` (median of ${t.figures.length})` : ''}`).join(', ')}`);
  const ignored = [...fit.notUsed.map((n) => ({ test: n.test, why: n.why })), ...log.ignored];
  if (ignored.length > 0) out.push(`not used: ${ignored.map((x) => `${x.test} (${x.why})`).join('; ')}`);
  const skipped = log.harness.filter((h) => h.status === 'SKIP' || h.status === 'FAIL');
  if (skipped.length > 0) out.push(`the harness reported: ${skipped.map((h) => `${h.status} ${h.test}`).join(', ')}`);
  out.push('', `fitted (each to one test; every other number is ${r.base}'s):`);
  out.push(table(['cost', 'fitted to', 'measured', `${r.base}`, 'fitted'], fit.fitted.map((f) => [shortId(f.id), f.test, f.measured, Math.round(f.baseValue), f.value])));
  out.push('', 'reproduced (the tests it was fitted to; cycles per iteration):');
  out.push(table(['test', 'measured', 'fitted profile', 'error', `${r.base}`], fit.reproduced.map((c) => [c.test, c.measured, c.simulated, signed(c.errorPct), c.base])));
  if (fit.heldBack.length > 0) {
    out.push('', 'held back (not fitted to: predicted by the fitted profile):');
    out.push(table(['test', 'measured', 'predicted', 'error', `${r.base}`, 'its cost'], fit.heldBack.map((c) => [c.test, c.measured, c.simulated, signed(c.errorPct), c.base, c.note])));
  } else out.push('', 'held back: none (the log has no test beyond the ones fitted to: leave-one-out below is the only check)');
  out.push('', 'left out (each fitted test, predicted by a fit made without it):');
  out.push(table(['test', 'measured', 'predicted', 'error', 'its cost then'], fit.leaveOneOut.map((c) => [c.test, c.measured, c.simulated, signed(c.errorPct), c.fallback])));
  const w = [worst(fit.reproduced), worst(fit.heldBack), worst(fit.leaveOneOut)];
  out.push('', `worst error: ${w[0]?.toFixed(2)}% on the tests fitted to${w[1] !== null ? `, ${w[1].toFixed(2)}% held back` : ''}, ${w[2]?.toFixed(2)}% left out — trust a what-if on this profile as far as the held-back and left-out errors reach`);
  const rt = fit.fitted.find((f) => f.id.startsWith('stages'));
  if (rt && (rt.value < rt.baseValue / 2 || rt.value > rt.baseValue * 2)) {
    out.push(`note: the hardware round trip moved from ${Math.round(rt.baseValue)} to ${rt.value} cycles: ${r.base}'s ${rt.test} handler may not be this host's — a base of another generation (--base) may fit with fewer changes`);
  }
  out.push(`wrote ${r.out}: use it with --profile ${r.out} (run, compare, capacity, estimate, microbench, explain, tui)`);
  // Prose lines wrapped for a terminal; tables stay whole.
  return out.flatMap((l) => (l.includes('  ') || l.length <= 100 ? [l] : wrapWords(l, 100))).join('\n') + '\n';
}

export function calibrationJson(r: CalibrationReport): string {
  const { fit, log } = r;
  return JSON.stringify({
    wrote: r.out, profile: r.name, base: r.base, features: r.features, frequency_ghz: r.frequencyGHz, frequency_stated: r.frequencyStated,
    tests: log.tests.map((t) => ({ test: t.test, cycles: t.cycles, figures: t.figures, files: t.files, lines: t.lines })),
    not_used: [...fit.notUsed, ...log.ignored],
    fitted: fit.fitted, reproduced: fit.reproduced, held_back: fit.heldBack, leave_one_out: fit.leaveOneOut,
  }, null, 2) + '\n';
}
