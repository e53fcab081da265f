// ftrace / trace-cmd: `kvm_exit: reason X rip … info …` and `kvm_entry: vcpu N`
// lines; the service time of an exit is the next kvm_entry on the same thread
// minus the kvm_exit. Older kernels print the reason as a number.
import { parseExitReason } from '../exits/reasons.js';
import { emptyMeasurement, lineError, mergeExits, type Measurement, type MeasuredExit } from './measurement.js';

const EVENT = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(?:\S+\s+)?([\d.]+):\s+(kvm_exit|kvm_entry):\s*(.*)$/;

export function looksLikeFtrace(text: string): boolean {
  return /:\s+kvm_exit:\s+reason\s/.test(text);
}

export function parseFtrace(text: string, file: string): Measurement {
  const lines = text.split(/\r?\n/);
  const open = new Map<string, { reason: number; name: string; t: number }>();
  const exits: MeasuredExit[] = [];
  let first = Infinity;
  let last = -Infinity;
  const threads = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || /^\s*#/.test(line) || /^\s*(cpus=|CPU \d+ is empty)/.test(line)) continue;
    const ev = EVENT.exec(line);
    if (!ev) {
      if (/kvm_(exit|entry)/.test(line)) throw lineError(file, i + 1, 'a trace line: comm-tid [cpu] timestamp: kvm_exit: reason NAME …', line.trim());
      continue;
    }
    const [, , tid, , ts, kind, rest] = ev;
    const t = Number(ts);
    first = Math.min(first, t);
    last = Math.max(last, t);
    threads.add(tid);
    if (kind === 'kvm_exit') {
      const m = /reason\s+(\S+)/.exec(rest);
      const reason = m ? parseExitReason(m[1]) : undefined;
      if (reason === undefined) throw lineError(file, i + 1, 'kvm_exit: reason NAME or NUMBER', line.trim());
      open.set(tid, { reason, name: m![1], t });
    } else {
      const o = open.get(tid);
      if (o) {
        const us = (t - o.t) * 1e6;
        if (us < 0) throw lineError(file, i + 1, 'timestamps that do not go backwards on a thread', line.trim());
        exits.push({ reason: o.reason, name: o.name, count: 1, totalUs: us, minUs: us, maxUs: us, avgUs: us });
        open.delete(tid);
      }
    }
  }
  // An exit without its entry (the trace ended) still counts, without a time.
  for (const o of open.values()) exits.push({ reason: o.reason, name: o.name, count: 1 });
  if (exits.length === 0) throw lineError(file, 1, 'kvm_exit trace lines', lines[0] ?? '');
  const m = emptyMeasurement('ftrace', file);
  m.exits = mergeExits(exits);
  if (last > first) m.windowSec = last - first;
  m.vcpus = threads.size;
  m.notes.push(`trace of ${threads.size} vCPU thread(s) over ${(last - first).toFixed(6)} s; service time = next kvm_entry − kvm_exit on the thread`);
  return m;
}
