// ftrace / trace-cmd: `kvm_exit: reason X rip … info …` and `kvm_entry: vcpu N`
// lines; the service time of an exit is the next kvm_entry on the same thread
// minus the kvm_exit, less the time the thread was switched out (sched_switch
// lines, when the trace has them; else a long service time is capped and the
// note says so). Older kernels print the reason as a number.
import { parseExitReason } from '../exits/reasons.js';
import { emptyMeasurement, lineError, mergeExits, type Measurement, type MeasuredExit } from './measurement.js';

const EVENT = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(?:\S+\s+)?([\d.]+):\s+(kvm_exit|kvm_entry|sched_switch):\s*(.*)$/;

/** Without sched_switch, a non-HLT exit longer than this was most likely descheduled: capped. */
export const TRACE_SERVICE_CAP_US = 1000;
/** Fewer exits than this give rates too uncertain to use without a warning. */
export const TRACE_MIN_EXITS = 100;

export function looksLikeFtrace(text: string): boolean {
  return /:\s+kvm_exit:\s+reason\s/.test(text);
}

export function parseFtrace(text: string, file: string): Measurement {
  const lines = text.split(/\r?\n/);
  const open = new Map<string, { reason: number; name: string; t: number; offUs: number }>();
  const offSince = new Map<string, number>();
  let switches = 0;
  let capped = 0;
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
    if (kind === 'sched_switch') {
      // A vCPU thread switched out (prev_pid) or back in (next_pid): its off-CPU time is not service time.
      switches++;
      const prev = /prev_pid=(\d+)/.exec(rest)?.[1];
      const next = /next_pid=(\d+)/.exec(rest)?.[1];
      if (prev !== undefined && open.has(prev)) offSince.set(prev, t);
      if (next !== undefined && offSince.has(next)) {
        const o = open.get(next);
        if (o) o.offUs += (t - (offSince.get(next) as number)) * 1e6;
        offSince.delete(next);
      }
      continue;
    }
    first = Math.min(first, t);
    last = Math.max(last, t);
    threads.add(tid);
    if (kind === 'kvm_exit') {
      const m = /reason\s+(\S+)/.exec(rest);
      const reason = m ? parseExitReason(m[1]) : undefined;
      if (reason === undefined) throw lineError(file, i + 1, 'kvm_exit: reason NAME or NUMBER', line.trim());
      open.set(tid, { reason, name: m![1], t, offUs: 0 });
    } else {
      const o = open.get(tid);
      if (o) {
        let us = (t - o.t) * 1e6 - o.offUs;
        if (us < 0) throw lineError(file, i + 1, 'timestamps that do not go backwards on a thread', line.trim());
        // HLT's time is idle time, long by nature; another exit this long was switched out.
        if (switches === 0 && o.reason !== 12 && us > TRACE_SERVICE_CAP_US) {
          us = TRACE_SERVICE_CAP_US;
          capped++;
        }
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
  m.notes.push(
    `trace of ${threads.size} vCPU thread(s) over ${(last - first).toFixed(6)} s; service time = next kvm_entry − kvm_exit on the thread` +
      (switches > 0 ? `, less the time sched_switch shows it switched out (${switches} switches)` : ''),
  );
  if (capped > 0) {
    m.notes.push(`${capped} exit(s) other than HLT took longer than ${TRACE_SERVICE_CAP_US} µs between kvm_exit and kvm_entry — the thread was most likely switched out — and were capped at ${TRACE_SERVICE_CAP_US} µs; record sched_switch with the trace to measure them`);
  }
  const n = exits.length;
  if (n < TRACE_MIN_EXITS || last - first < 1) {
    const rel = n > 0 ? 1.96 / Math.sqrt(n) : Infinity;
    m.notes.push(
      `${n < TRACE_MIN_EXITS ? 'warning: only ' : ''}${n} exits over ${(last - first).toFixed(6)} s: each rate per second is extrapolated from them, ±${(rel * 100).toFixed(0)}% (Poisson, 95%) for the whole and more for each reason`,
    );
  }
  return m;
}
