// `perf kvm stat report` / `report --stdio` / `live` tables (formats.md):
// VM-EXIT, MMIO Access, IO Port Access and MSR Access tables; 20- or
// 40-character name columns; with or without Min/Max; live-mode timestamps;
// `unknown kvm exit code` lines; the Total footer; rows wrapped before Max Time.
import { didYouMean } from '../config/suggest.js';
import { allExitReasonNames, parseExitReason } from '../exits/reasons.js';
import { ARM64_READ_AS_VMX, isArm64ExitName } from '../exits/arm64-codes.js';
import { emptyMeasurement, lineError, type AccessCount, type Measurement, type MeasuredExit } from './measurement.js';

const HEADER = /^\s*(VM-EXIT|TRAP-EVENT|MMIO Access|IO Port Access|MSR Access)\s+Samples\s+Samples%\s+Time%\s+(Min Time\s+Max Time\s+)?Avg time\s*$/;
// A name is one word, or an AMD exception ("PF excp").
const ROW = /^\s*([A-Z]{2} excp|\S+)\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%(.*)$/;
const TIMES = /([\d.]+)us/g;
const CONTINUATION = /^\s*([\d.]+us\s*)+(\(\s*\+-\s*[\d.]+%\s*\)?)?\s*$/;
const FOOTER = /^\s*Total Samples:\s*(\d+),\s*Total events handled time:\s*([\d.]+)us\.?\s*$/;
const UNKNOWN_CODE = /unknown kvm exit code:\s*(\d+)/;

interface Table {
  kind: 'VM-EXIT' | 'MMIO Access' | 'IO Port Access' | 'MSR Access';
  headerLine: number;
  hasMinMax: boolean;
  rows: Array<{ line: number; name: string; samples: number; samplesPct: number; timePct: number; times: number[] }>;
  totalSamples?: number;
  totalUs?: number;
  footerLine?: number;
  vcpuScoped: boolean;
  unknownCodes: number[];
}

export function looksLikePerf(text: string): boolean {
  return text.split('\n').some((l) => HEADER.test(l));
}

export function parsePerfKvm(text: string, file: string, tableChoice?: number): Measurement {
  const lines = text.split(/\r?\n/);
  const tables: Table[] = [];
  let current: Table | undefined;
  let vcpuScoped = false;
  let pendingUnknown: number[] = [];
  let live = false;
  let trapTable = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const n = i + 1;
    if (/^\s*\[?\d\d:\d\d:\d\d\.\d+\]?\s*$/.test(line)) {
      live = true;
      current = undefined;
      continue;
    }
    const analyze = /Analyze events for .*?(VCPU \d+)?:\s*$/.exec(line);
    if (analyze) {
      vcpuScoped = Boolean(analyze[1]);
      current = undefined;
      continue;
    }
    const unknown = UNKNOWN_CODE.exec(line);
    if (unknown) {
      pendingUnknown.push(Number(unknown[1]));
      continue;
    }
    const header = HEADER.exec(line);
    if (header) {
      // arm64's `report --event=trap` table (exception classes) is its exit table.
      if (header[1] === 'TRAP-EVENT') trapTable = true;
      current = { kind: (header[1] === 'TRAP-EVENT' ? 'VM-EXIT' : header[1]) as Table['kind'], headerLine: n, hasMinMax: Boolean(header[2]), rows: [], vcpuScoped, unknownCodes: pendingUnknown };
      pendingUnknown = [];
      tables.push(current);
      continue;
    }
    const footer = FOOTER.exec(line);
    if (footer) {
      if (!current) throw lineError(file, n, 'a Total line after a table', line);
      current.totalSamples = Number(footer[1]);
      current.totalUs = Number(footer[2]);
      current.footerLine = n;
      current = undefined;
      continue;
    }
    if (!current || line.trim() === '' || /^\s*\[?Lost events/.test(line) || /^\s*#/.test(line)) continue;
    const row = ROW.exec(line);
    if (!row) {
      // A line that starts like a row (name, count) but stops short: the copy was cut.
      if (/^\s*\S+\s+\d+(\s+[\d.]+%)?\s*$/.test(line)) {
        throw lineError(file, n, `a complete ${current.kind} row (Samples, Samples%, Time%, times); the table looks truncated`, line.trim());
      }
      if (current.rows.length > 0 && !CONTINUATION.test(line)) current = undefined; // the table ended
      continue;
    }
    let rest = row[5];
    const expected = current.hasMinMax ? 3 : 1;
    let times = [...rest.matchAll(TIMES)].map((m) => Number(m[1]));
    // Copies in mails wrap a row before Max Time: join the continuation line.
    if (times.length < expected && i + 1 < lines.length && CONTINUATION.test(lines[i + 1])) {
      rest += ` ${lines[i + 1]}`;
      i++;
      times = [...rest.matchAll(TIMES)].map((m) => Number(m[1]));
    }
    if (times.length !== expected) {
      throw lineError(file, n, `a ${current.kind} row with ${current.hasMinMax ? 'Min, Max and Avg times' : 'an Avg time'} (the table looks truncated)`, line.trim());
    }
    current.rows.push({ line: n, name: row[1], samples: Number(row[2]), samplesPct: Number(row[3]), timePct: Number(row[4]), times });
  }
  const exitTables = tables.filter((t) => t.kind === 'VM-EXIT');
  const m = emptyMeasurement('perf-kvm-stat', file);
  if (tables.length === 0) throw lineError(file, 1, 'a perf kvm stat table header (VM-EXIT Samples Samples% Time% … Avg time)', lines[0] ?? '');
  for (const t of tables) if (t.rows.length === 0) throw lineError(file, t.headerLine, 'rows under the table header (the table is empty or truncated)', lines[t.headerLine - 1]);
  m.tables = exitTables.length;
  const choice = tableChoice ?? 1;
  if (exitTables.length > 0 && (choice < 1 || choice > exitTables.length)) {
    throw lineError(file, exitTables[0].headerLine, `--table between 1 and ${exitTables.length}`, String(tableChoice));
  }
  m.table = choice;
  if (exitTables.length > 1) m.notes.push(`the file has ${exitTables.length} VM-EXIT tables; imported table ${choice} (line ${exitTables[choice - 1].headerLine}); --table N picks another`);
  if (live) m.notes.push('perf kvm stat live output: one refresh interval; --duration is that interval');
  if (trapTable) m.notes.push('an arm64 trap table (perf kvm stat report --event=trap): it counts trapped exception classes only — IRQ exits (the virtual timer, kicks, device interrupts) are not in it, so the model\'s IRQ exits are not checked against the measurement');
  for (const t of tables) {
    const cut = check(t, file, lines);
    if (!cut || (t.kind === 'VM-EXIT' && t !== exitTables[choice - 1])) continue;
    m.notes.push(cut.note);
    if (t.kind === 'VM-EXIT') {
      // The footer's handled time covers the rows not shown too.
      const shownUs = t.rows.reduce((a, r) => a + r.samples * r.times[r.times.length - 1], 0);
      const leftUs = t.totalUs !== undefined ? t.totalUs - shownUs : undefined;
      m.unlisted = { count: cut.left, ...(leftUs !== undefined && leftUs > 0 ? { totalUs: leftUs } : {}) };
    }
  }
  const chosen = exitTables[choice - 1];
  if (chosen) {
    if (chosen.vcpuScoped) m.vcpus = 1;
    m.exits = chosen.rows.map((r) => toExit(r, chosen, file));
  }
  const access = (kind: Table['kind']): AccessCount[] =>
    tables.filter((t) => t.kind === kind).slice(0, 1).flatMap((t) => t.rows.map((r) => ({ key: r.name, count: r.samples, avgUs: r.times[r.times.length - 1] })));
  m.msrAccess = access('MSR Access');
  m.ioPortAccess = access('IO Port Access');
  m.mmioAccess = access('MMIO Access');
  if (!chosen && m.msrAccess.length > 0) {
    // `perf kvm stat report --event=msr` alone: each row is an exit (MSR_READ for :R, MSR_WRITE for
    // :W), so the table is the MSR exits of the window — read as such, per MSR, not as nothing.
    for (const [suffix, name] of [['R', 'MSR_READ'], ['W', 'MSR_WRITE']] as const) {
      const rows = m.msrAccess.filter((a) => a.key.toUpperCase().endsWith(`:${suffix}`));
      const count = rows.reduce((a, r) => a + r.count, 0);
      if (count === 0) continue;
      const timed = rows.every((r) => r.avgUs !== undefined);
      const totalUs = timed ? rows.reduce((a, r) => a + r.count * (r.avgUs as number), 0) : undefined;
      m.exits.push({ reason: parseExitReason(name) as number, name, count, ...(totalUs !== undefined ? { totalUs, avgUs: totalUs / count } : {}) });
    }
    m.notes.push(`an MSR Access table only (perf kvm stat report --event=msr): its rows read as ${m.exits.map((e) => `${e.count} ${e.name}`).join(' and ')} exits, split per MSR; the window's other exits are not in the file`);
  }
  return m;
}

function toExit(r: Table['rows'][number], t: Table, file: string): MeasuredExit {
  let reason = parseExitReason(r.name);
  if (r.name === 'UNKNOWN') {
    const code = t.unknownCodes.length === 1 ? t.unknownCodes[0] : undefined;
    reason = code === undefined ? undefined : parseExitReason(String(code));
    if (reason === undefined) {
      throw lineError(file, r.line, `an UNKNOWN row explained by one 'unknown kvm exit code:N' line with a known basic exit reason`, `codes ${t.unknownCodes.join(', ') || 'none'}`);
    }
  }
  if (reason === undefined && r.name.toUpperCase() === 'TRAP') {
    throw lineError(file, r.line, 'exception classes (an arm64 host\'s VM-EXIT table lumps every trap in one TRAP row: report with perf kvm stat report --event=trap for DABT_LOW, HVC64, WFx, SYS64, …)', r.name);
  }
  // An arm64 exit (DABT_LOW, HVC64, WFx, IRQ): read as the VT-x reason of the same guest operation; it keeps its name.
  if (reason === undefined && isArm64ExitName(r.name)) reason = parseExitReason(ARM64_READ_AS_VMX[r.name.toUpperCase()] ?? 'UNLISTED');
  if (reason === undefined) {
    throw lineError(file, r.line, `an exit reason name, alias or number (exitsim list exit-reasons)${didYouMean(r.name.toUpperCase(), allExitReasonNames())}`, r.name);
  }
  const avg = r.times[r.times.length - 1];
  return {
    reason,
    name: r.name,
    count: r.samples,
    avgUs: avg,
    totalUs: avg * r.samples,
    minUs: t.hasMinMax ? r.times[0] : undefined,
    maxUs: t.hasMinMax ? r.times[1] : undefined,
  };
}

/**
 * Numbers that contradict each other are refused, with the line. A table whose poster kept only
 * its top rows (Total Samples above the rows' sum, or Samples% adding up to less than 100 with no
 * footer) is not a contradiction: its shown rows are checked against the whole, and the returned
 * note says how many samples were left out.
 */
function check(t: Table, file: string, lines: string[]): { note: string; left: number } | undefined {
  const shown = t.rows.reduce((a, r) => a + r.samples, 0);
  const shownPct = t.rows.reduce((a, r) => a + r.samplesPct, 0);
  let total = shown;
  let implied = false;
  if (t.totalSamples !== undefined) {
    if (t.totalSamples < shown) {
      throw lineError(file, t.footerLine as number, `Total Samples at least the sum of the rows (${shown})`, lines[(t.footerLine as number) - 1].trim());
    }
    total = t.totalSamples;
  } else if (shownPct > 0 && shownPct < 99.5) {
    // No footer and the percentages stop short of 100: the whole they are shares of.
    total = Math.round((shown * 100) / shownPct);
    implied = true;
  }
  for (const r of t.rows) {
    const pct = (r.samples / total) * 100;
    // An implied whole carries the rounding of the printed percentages.
    const slack = implied ? 0.01 * pct + 0.05 : 0;
    if (Math.abs(pct - r.samplesPct) > 0.02 + 0.005 * r.samplesPct + slack) {
      throw lineError(file, r.line, `Samples% consistent with the counts (${pct.toFixed(2)}% for ${r.samples} of ${total}${t.totalSamples !== undefined ? ', the Total Samples' : ''})`, lines[r.line - 1].trim());
    }
    if (t.hasMinMax) {
      const [min, max, avg] = r.times;
      if (min > max + 0.01 || avg < min - 0.01 || avg > max + 0.01) {
        throw lineError(file, r.line, 'Min ≤ Avg ≤ Max', lines[r.line - 1].trim());
      }
    }
  }
  if (total <= shown) return undefined;
  const left = total - shown;
  const note =
    `the ${t.kind} table (line ${t.headerLine}) shows ${shown} of ${total} samples${implied ? ' (the whole implied by Samples%, which add up to ' + shownPct.toFixed(2) + '%)' : ' (Total Samples)'}: ` +
    `the copy kept only its top rows; the ${left} samples (${((left / total) * 100).toFixed(1)}%) of reasons not shown ` +
    (t.kind === 'VM-EXIT' ? 'become UNLISTED exits in the workload' : 'are not split by key');
  return { note, left };
}
