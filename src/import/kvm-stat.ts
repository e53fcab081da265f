// kvm_stat: tracepoint mode (`Event Total %Total CurAvg/s`, rows such as
// kvm_exit(HLT), a Total footer), debugfs mode counters (exits, halt_exits,
// io_exits, …) and the 2012 tool's headerless `kvm statistics` listing.
import { parseExitReason } from '../exits/reasons.js';
import { emptyMeasurement, lineError, type Measurement, type MeasuredExit } from './measurement.js';

const TP_HEADER = /^\s*Event\s+Total\s+%Total\s+CurAvg\/s\s*$/;
const TP_ROW = /^\s*(\S+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s*$/;
const DEBUGFS_ROW = /^\s*([a-z_]+)\s+(\d+)\s+(\d+)\s*$/;

/** debugfs counters and the exit reason each one counts. */
const DEBUGFS_REASONS: Record<string, string> = {
  halt_exits: 'HLT',
  io_exits: 'IO_INSTRUCTION',
  mmio_exits: 'EPT_MISCONFIG',
  irq_exits: 'EXTERNAL_INTERRUPT',
  irq_window_exits: 'INTERRUPT_WINDOW',
  nmi_window_exits: 'NMI_WINDOW',
};

/**
 * Tracepoints of kvm_stat's default view that fire once per exit of one reason (Linux
 * arch/x86/kvm/trace.h): an MSR access KVM handles, a port or MMIO access it emulates, a
 * hypercall, a CPUID. (kvm_msr counts reads and writes alike: taken as writes, the common case.)
 */
const DEFAULT_VIEW: ReadonlyArray<readonly [string, string]> = [
  ['kvm_msr', 'MSR_WRITE'],
  ['kvm_pio', 'IO_INSTRUCTION'],
  ['kvm_hypercall', 'VMCALL'],
  ['kvm_cpuid', 'CPUID'],
];

/** `kvm_stat -1` (once): `name total delta`, one tracepoint per line, no header. */
const ONCE_ROW = /^\s*(kvm_[a-z_]+(?:\([A-Za-z0-9_ -]+\))?)\s+(\d+)\s+(\d+)\s*$/;
/** `kvm_stat -l` (log): a header of tracepoint names, then a row of counts per interval. */
const LOG_HEADER = /^\s*(kvm_[a-z_]+(?:\([A-Za-z0-9_ -]+\))?\s+)+kvm_[a-z_]+(?:\([A-Za-z0-9_ -]+\))?\s*$/;

export function looksLikeKvmStat(text: string): boolean {
  const lines = text.split('\n');
  return (
    lines.some((l) => TP_HEADER.test(l) || LOG_HEADER.test(l)) ||
    lines.filter((l) => ONCE_ROW.test(l)).length >= 2 ||
    /^\s*kvm statistics\s*$/m.test(text) ||
    /^\s*(exits|halt_exits)\s+\d+\s+\d+\s*$/m.test(text)
  );
}

export function parseKvmStat(text: string, file: string): Measurement {
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => TP_HEADER.test(l))) return tracepoint(lines, file);
  if (lines.some((l) => LOG_HEADER.test(l))) return logMode(lines, file);
  if (lines.filter((l) => ONCE_ROW.test(l)).length >= 2) return once(lines, file);
  return debugfs(lines, file);
}

/**
 * Exits from tracepoint counts: kvm_exit(REASON) children when present; else the tracepoints
 * that name one reason (DEFAULT_VIEW), the rest of kvm_exit UNLISTED.
 */
function fromEvents(m: Measurement, file: string, counts: Map<string, number>, lineOf: (event: string) => number): void {
  for (const [event, count] of counts) {
    const child = /^kvm_exit\((.+)\)$/.exec(event);
    if (!child) continue;
    const reason = parseExitReason(child[1]);
    if (reason === undefined) throw lineError(file, lineOf(event), 'kvm_exit(REASON) with an exit reason name, alias or number', event);
    m.exits.push({ reason, name: child[1], count });
  }
  if (m.exits.length > 0) return;
  const total = counts.get('kvm_exit');
  if (total === undefined) throw lineError(file, 1, 'kvm_exit(REASON) rows, or at least a kvm_exit row to take the exit count from', '');
  let named = 0;
  for (const [event, reasonName] of DEFAULT_VIEW) {
    const c = counts.get(event);
    if (!c) continue;
    m.exits.push({ reason: parseExitReason(reasonName) as number, name: reasonName, count: c });
    named += c;
  }
  const left = Math.max(0, total - named);
  if (left > 0) m.unlisted = { count: left };
  m.notes.push(`kvm_stat without kvm_exit's children has no exit reasons: ${m.exits.map((e) => e.name).join(', ') || 'none'} from the tracepoints that name one; the other ${left} of kvm_exit are UNLISTED (show kvm_exit's children for every reason)`);
}

function once(lines: string[], file: string): Measurement {
  const m = emptyMeasurement('kvm_stat', file);
  const counts = new Map<string, number>();
  const at = new Map<string, number>();
  lines.forEach((l, i) => {
    const row = ONCE_ROW.exec(l);
    if (!row) return;
    counts.set(row[1], Number(row[2]));
    at.set(row[1], i + 1);
  });
  fromEvents(m, file, counts, (e) => at.get(e) ?? 1);
  m.notes.push('kvm_stat -1: totals since the tracepoints were enabled (the window is not in the output)');
  return m;
}

function logMode(lines: string[], file: string): Measurement {
  const m = emptyMeasurement('kvm_stat', file);
  const h = lines.findIndex((l) => LOG_HEADER.test(l));
  const names = lines[h].trim().split(/\s+/);
  const counts = new Map<string, number>(names.map((n) => [n, 0]));
  let rows = 0;
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || LOG_HEADER.test(line)) continue; // kvm_stat repeats the header now and then
    const cells = line.split(/\s+/);
    if (!cells.every((c) => /^\d+$/.test(c))) continue;
    if (cells.length !== names.length) throw lineError(file, i + 1, `a row of ${names.length} counts under the header (line ${h + 1})`, line);
    cells.forEach((c, k) => counts.set(names[k], (counts.get(names[k]) ?? 0) + Number(c)));
    rows++;
  }
  if (rows === 0) throw lineError(file, h + 1, 'rows of counts under the kvm_stat -l header', lines[h].trim());
  fromEvents(m, file, counts, () => h + 1);
  m.windowSec = rows;
  m.notes.push(`kvm_stat -l: ${rows} interval(s) summed; each taken as kvm_stat's default 1 s`);
  return m;
}

function tracepoint(lines: string[], file: string): Measurement {
  const m = emptyMeasurement('kvm_stat', file);
  m.perSecond = true;
  m.windowSec = 1;
  // CurAvg/s is the current per-second rate; a 0 rate with a total shows an exit seen before the sample window.
  const rates = new Map<string, number>();
  const at = new Map<string, number>();
  let started = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (TP_HEADER.test(line)) {
      started = true;
      continue;
    }
    if (!started || line.trim() === '' || /^\s*#/.test(line)) continue;
    if (/^\s*Total\s+(\d+)\s+(\d+)\s*$/.test(line)) break;
    const row = TP_ROW.exec(line);
    if (!row) throw lineError(file, i + 1, 'a kvm_stat row: Event Total %Total CurAvg/s', line.trim());
    rates.set(row[1], Number(row[4]));
    at.set(row[1], i + 1);
  }
  fromEvents(m, file, rates, (e) => at.get(e) ?? 1);
  const total = rates.get('kvm_exit');
  if (total !== undefined && !m.unlisted) {
    const sum = m.exits.reduce((a, e) => a + e.count, 0);
    if (Math.abs(sum - total) > Math.max(2, total * 0.02)) {
      const line = at.get('kvm_exit') as number;
      throw lineError(file, line, `a kvm_exit rate equal to the sum of its children (${sum}/s)`, lines[line - 1].trim());
    }
  }
  m.notes.push("rates are kvm_stat's CurAvg/s (per second, all vCPUs of the traced VMs)");
  return m;
}

function debugfs(lines: string[], file: string): Measurement {
  const m = emptyMeasurement('kvm_stat-debugfs', file);
  m.perSecond = true;
  m.windowSec = 1;
  let exitsLine: { line: number; rate: number } | undefined;
  const exits: MeasuredExit[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || /^\s*kvm statistics\s*$/.test(line) || /^\s*#/.test(line)) continue;
    const row = DEBUGFS_ROW.exec(line);
    if (!row) throw lineError(file, i + 1, 'a debugfs counter row: name total per-second', line.trim());
    const [, name, , perSec] = row;
    if (name === 'exits') exitsLine = { line: i + 1, rate: Number(perSec) };
    const reasonName = DEBUGFS_REASONS[name];
    if (reasonName) exits.push({ reason: parseExitReason(reasonName) as number, name, count: Number(perSec) });
  }
  if (exits.length === 0) throw lineError(file, 1, 'debugfs exit counters (halt_exits, io_exits, mmio_exits, irq_exits, …)', lines[0] ?? '');
  const known = exits.reduce((a, e) => a + e.count, 0);
  if (exitsLine) {
    if (known > exitsLine.rate) throw lineError(file, exitsLine.line, `an exits rate at least the sum of the per-kind counters (${known}/s)`, lines[exitsLine.line - 1].trim());
    const other = exitsLine.rate - known;
    if (other > 0) m.notes.push(`${other}/s exits of kinds debugfs does not name (exits − the named counters) are not imported: kvm_stat's tracepoint mode names them`);
  }
  m.exits = exits;
  m.notes.push('debugfs counters group exits by kind, not by exit reason: halt_exits → HLT, io_exits → IO_INSTRUCTION, mmio_exits → EPT_MISCONFIG, irq_exits → EXTERNAL_INTERRUPT');
  return m;
}
