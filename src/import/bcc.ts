// bcc `kvmexit`: `PID TID KVM_EXIT_REASON COUNT` (or without PID/TID, or
// TGID PID … STAT); names carry an EXIT_REASON_ prefix. Counts only.
import { parseExitReason } from '../exits/reasons.js';
import { emptyMeasurement, lineError, mergeExits, type Measurement, type MeasuredExit } from './measurement.js';

const HEADER = /^\s*(?:(?:PID|TGID)\s+(?:TID|PID)\s+)?KVM_EXIT_REASON\s+(?:COUNT|STAT)\s*$/;
const ROW = /^\s*(?:(\d+)\s+(\d+)\s+)?([A-Z_0-9]+)\s+(\d+)\s*$/;

export function looksLikeBcc(text: string): boolean {
  return text.split('\n').some((l) => HEADER.test(l));
}

export function parseBcc(text: string, file: string, tableChoice?: number): Measurement {
  const lines = text.split(/\r?\n/);
  const tables: Array<{ header: number; rows: Array<{ line: number; tid?: string; name: string; count: number }> }> = [];
  let current: (typeof tables)[number] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (HEADER.test(line)) {
      current = { header: i + 1, rows: [] };
      tables.push(current);
      continue;
    }
    if (!current) continue;
    if (line.trim() === '' || /^\s*#/.test(line)) {
      if (current.rows.length > 0) current = undefined;
      continue;
    }
    const row = ROW.exec(line);
    if (!row) throw lineError(file, i + 1, 'a kvmexit row: [PID TID] KVM_EXIT_REASON COUNT', line.trim());
    current.rows.push({ line: i + 1, tid: row[2], name: row[3], count: Number(row[4]) });
  }
  if (tables.length === 0) throw lineError(file, 1, 'a kvmexit header (PID TID KVM_EXIT_REASON COUNT)', lines[0] ?? '');
  const choice = tableChoice ?? 1;
  if (choice < 1 || choice > tables.length) throw lineError(file, tables[0].header, `--table between 1 and ${tables.length}`, String(tableChoice));
  const t = tables[choice - 1];
  if (t.rows.length === 0) throw lineError(file, t.header, 'rows under the kvmexit header (empty or truncated)', lines[t.header - 1]);
  const exits: MeasuredExit[] = t.rows.map((r) => {
    const reason = parseExitReason(r.name);
    if (reason === undefined) throw lineError(file, r.line, 'an exit reason (EXIT_REASON_NAME, a name or a number)', r.name);
    return { reason, name: r.name, count: r.count };
  });
  const m = emptyMeasurement('bcc-kvmexit', file);
  m.tables = tables.length;
  m.table = choice;
  if (tables.length > 1) m.notes.push(`the file has ${tables.length} kvmexit tables; imported table ${choice} (line ${t.header}); --table N picks another`);
  const tids = new Set(t.rows.map((r) => r.tid).filter((x) => x !== undefined));
  if (tids.size > 0) m.vcpus = tids.size;
  m.exits = mergeExits(exits);
  m.notes.push('bcc kvmexit gives counts only: no handler times, no window (--duration is the interval the tool ran)');
  return m;
}
