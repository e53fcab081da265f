// What every importer produces: exit counts (and times where the tool gives
// them) per exit reason over a window, plus what the file says about MSRs,
// ports and MMIO addresses. Parsers only read; derive.ts turns this into a
// workload.
import { InputError } from '../config/errors.js';

export interface MeasuredExit {
  /** Basic exit reason number; null for a reason exitsim does not know. */
  reason: number | null;
  /** The name as the tool printed it. */
  name: string;
  count: number;
  /** Total handling time in µs (for HLT: blocked time), when the tool gives it. */
  totalUs?: number;
  avgUs?: number;
  minUs?: number;
  maxUs?: number;
}

export interface AccessCount {
  key: string;
  count: number;
  avgUs?: number;
}

export interface Measurement {
  format: 'perf-kvm-stat' | 'kvm_stat' | 'kvm_stat-debugfs' | 'bcc-kvmexit' | 'systemtap' | 'ftrace';
  file: string;
  /** Which table of the file (1-based) and how many it has. */
  table: number;
  tables: number;
  /** Seconds the counts cover, when the file says; else --duration. */
  windowSec?: number;
  /** vCPUs the counts cover, when the file says (distinct threads); else --vcpus. */
  vcpus?: number;
  /** Counts are already per second (kvm_stat's CurAvg/s). */
  perSecond?: boolean;
  exits: MeasuredExit[];
  /** Exits of rows the file does not show (a table cut to its top rows): their count, and time if known. */
  unlisted?: { count: number; totalUs?: number };
  msrAccess: AccessCount[];
  ioPortAccess: AccessCount[];
  mmioAccess: AccessCount[];
  notes: string[];
}

export function emptyMeasurement(format: Measurement['format'], file: string): Measurement {
  return { format, file, table: 1, tables: 1, exits: [], msrAccess: [], ioPortAccess: [], mmioAccess: [], notes: [] };
}

/** An InputError that names the line (1-based). */
export function lineError(file: string, line: number, expected: string, found: string): InputError {
  return new InputError(file, `line ${line}`, expected, JSON.stringify(found.length > 90 ? `${found.slice(0, 87)}...` : found));
}

/** Adds counts of the same reason together (bcc per-thread rows, several VMs). */
export function mergeExits(exits: MeasuredExit[]): MeasuredExit[] {
  const by = new Map<string, MeasuredExit>();
  for (const e of exits) {
    const key = e.reason === null ? `?${e.name}` : String(e.reason);
    const prev = by.get(key);
    if (!prev) by.set(key, { ...e });
    else {
      prev.count += e.count;
      if (e.totalUs !== undefined || prev.totalUs !== undefined) prev.totalUs = (prev.totalUs ?? 0) + (e.totalUs ?? 0);
      if (prev.totalUs !== undefined) prev.avgUs = prev.totalUs / prev.count;
      if (e.minUs !== undefined) prev.minUs = Math.min(prev.minUs ?? Infinity, e.minUs);
      if (e.maxUs !== undefined) prev.maxUs = Math.max(prev.maxUs ?? 0, e.maxUs);
    }
  }
  return [...by.values()];
}
