// Which tool wrote a measurement file, then its parser.
import { MAX_MEASUREMENT_FILE_BYTES, readInputText } from '../config/read-input.js';
import { InputError } from '../config/errors.js';
import type { Measurement } from './measurement.js';
import { looksLikePerf, parsePerfKvm } from './perf-kvm.js';
import { looksLikeKvmStat, parseKvmStat } from './kvm-stat.js';
import { looksLikeBcc, parseBcc } from './bcc.js';
import { looksLikeSystemtap, parseSystemtap } from './systemtap.js';
import { looksLikeFtrace, parseFtrace } from './ftrace.js';

export function parseMeasurement(raw: string, file: string, table?: number): Measurement {
  if (raw.includes('\u0000')) throw new InputError(file, '', 'a text file: perf kvm stat, kvm_stat, bcc kvmexit, SystemTap or trace-cmd output', 'binary data');
  // Pastes come with CRLF or CR line ends.
  const text = raw.replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw new InputError(file, '', 'a perf kvm stat, kvm_stat, bcc kvmexit, SystemTap or trace-cmd output', 'an empty file');
  if (looksLikePerf(text)) return parsePerfKvm(text, file, table);
  if (looksLikeBcc(text)) return parseBcc(text, file, table);
  if (looksLikeFtrace(text)) return parseFtrace(text, file);
  if (looksLikeKvmStat(text)) return parseKvmStat(text, file);
  if (looksLikeSystemtap(text)) return parseSystemtap(text, file);
  throw new InputError(file, 'line 1', 'a perf kvm stat, kvm_stat, bcc kvmexit, SystemTap kvm_service_time or trace-cmd kvm_exit output', JSON.stringify(text.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 80) ?? ''));
}

export function readMeasurement(file: string, table?: number): Measurement {
  const text = readInputText(file, MAX_MEASUREMENT_FILE_BYTES, 'measurement file');
  return parseMeasurement(text, file, table);
}
