// SystemTap kvm_service_time: `reason: count sum(us) min(us) avg(us) max(us)`
// with basic exit reasons as numbers or names (commas between the numbers are accepted).
import { parseExitReason } from '../exits/reasons.js';
import { emptyMeasurement, lineError, type Measurement } from './measurement.js';

const ROW = /^\s*(\d+|[A-Za-z_]+)\s*:\s*(\d+)\s*,?\s*(\d+)\s*,?\s*(\d+)\s*,?\s*(\d+)\s*,?\s*(\d+)\s*$/;
const SHORT_ROW = /^\s*(\d+|[A-Za-z_]+)\s*:\s*(\d+)\s*,?\s*(\d+)\s*,?\s*(\d+)\s*$/;

export function looksLikeSystemtap(text: string): boolean {
  const rows = text.split('\n').filter((l) => ROW.test(l) || SHORT_ROW.test(l));
  return rows.length > 0 && rows.length >= text.split('\n').filter((l) => l.trim() !== '' && !/^\s*#/.test(l) && !/reason/i.test(l)).length * 0.8;
}

export function parseSystemtap(text: string, file: string): Measurement {
  const m = emptyMeasurement('systemtap', file);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || /^\s*#/.test(line) || /^\s*reason\b/i.test(line)) continue;
    const full = ROW.exec(line);
    const short = full ? null : SHORT_ROW.exec(line);
    if (!full && !short) throw lineError(file, i + 1, 'a kvm_service_time row: reason: count sum(us) min(us) avg(us) max(us)', line.trim());
    const r = (full ?? short) as RegExpExecArray;
    const reason = parseExitReason(r[1]);
    if (reason === undefined) throw lineError(file, i + 1, 'a known basic exit reason, by number or name', r[1]);
    const count = Number(r[2]);
    const sum = Number(r[3]);
    if (full) {
      const [min, avg, max] = [Number(r[4]), Number(r[5]), Number(r[6])];
      if (count > 0 && (min > max || Math.abs(sum / count - avg) > Math.max(1, avg * 0.05) + 1)) {
        throw lineError(file, i + 1, `avg ≈ sum/count (${(sum / count).toFixed(1)}) and min ≤ max`, line.trim());
      }
      m.exits.push({ reason, name: r[1], count, totalUs: sum, minUs: min, avgUs: avg, maxUs: max });
    } else {
      m.exits.push({ reason, name: r[1], count, totalUs: sum, avgUs: count > 0 ? sum / count : 0 });
    }
  }
  if (m.exits.length === 0) throw lineError(file, 1, 'kvm_service_time rows', lines[0] ?? '');
  m.notes.push('SystemTap kvm_service_time: times are whole microseconds; the window is the -T interval (--duration)');
  return m;
}
