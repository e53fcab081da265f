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

export function looksLikeKvmStat(text: string): boolean {
  return text.split('\n').some((l) => TP_HEADER.test(l)) || /^\s*kvm statistics\s*$/m.test(text) || /^\s*(exits|halt_exits)\s+\d+\s+\d+\s*$/m.test(text);
}

export function parseKvmStat(text: string, file: string): Measurement {
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => TP_HEADER.test(l))) return tracepoint(lines, file);
  return debugfs(lines, file);
}

function tracepoint(lines: string[], file: string): Measurement {
  const m = emptyMeasurement('kvm_stat', file);
  m.perSecond = true;
  m.windowSec = 1;
  const exits: MeasuredExit[] = [];
  let exitTotal: { line: number; total: number; rate: number } | undefined;
  let started = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const n = i + 1;
    if (TP_HEADER.test(line)) {
      started = true;
      continue;
    }
    if (!started || line.trim() === '' || /^\s*#/.test(line)) continue;
    const row = TP_ROW.exec(line);
    const totalRow = /^\s*Total\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (totalRow) break;
    if (!row) throw lineError(file, n, 'a kvm_stat row: Event Total %Total CurAvg/s', line.trim());
    const [, event, total, , cur] = row;
    const child = /^kvm_exit\((.+)\)$/.exec(event);
    if (child) {
      const reason = parseExitReason(child[1]);
      if (reason === undefined) throw lineError(file, n, 'kvm_exit(REASON) with an exit reason name, alias or number', event);
      // CurAvg/s is the current per-second rate; a 0 rate with a total shows an exit seen before the sample window.
      exits.push({ reason, name: child[1], count: Number(cur) });
    } else if (event === 'kvm_exit') exitTotal = { line: n, total: Number(total), rate: Number(cur) };
  }
  if (exits.length === 0) {
    // kvm_stat's default view: no per-reason rows, only tracepoints. Those that fire once per exit
    // of one reason name it; the rest of kvm_exit is UNLISTED.
    if (!exitTotal) throw lineError(file, 1, 'kvm_exit(REASON) rows, or at least a kvm_exit row to take the exit rate from', lines.find((l) => TP_ROW.test(l))?.trim() ?? '');
    let named = 0;
    const rates = new Map<string, number>();
    for (const line of lines) {
      const row = TP_ROW.exec(line);
      if (row) rates.set(row[1], Number(row[4]));
    }
    for (const [event, reasonName] of DEFAULT_VIEW) {
      const rate = rates.get(event);
      if (!rate) continue;
      exits.push({ reason: parseExitReason(reasonName) as number, name: reasonName, count: rate });
      named += rate;
    }
    const left = Math.max(0, exitTotal.rate - named);
    if (left > 0) m.unlisted = { count: left };
    m.notes.push(
      `kvm_stat's default view has no exit reasons: ${[...DEFAULT_VIEW].filter(([e]) => rates.get(e)).map(([e, r]) => `${e} → ${r}`).join(', ') || 'no tracepoint names one'}; ` +
        `the other ${left}/s of kvm_exit are UNLISTED (run kvm_stat with kvm_exit's children, e.g. -f 'kvm_exit(*)', for every reason)`,
    );
    m.exits = exits;
    m.notes.push("rates are kvm_stat's CurAvg/s (per second, all vCPUs of the traced VMs)");
    return m;
  }
  if (exitTotal) {
    const sum = exits.reduce((a, e) => a + e.count, 0);
    if (Math.abs(sum - exitTotal.rate) > Math.max(2, exitTotal.rate * 0.02)) {
      throw lineError(file, exitTotal.line, `a kvm_exit rate equal to the sum of its children (${sum}/s)`, lines[exitTotal.line - 1].trim());
    }
  }
  m.exits = exits;
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
