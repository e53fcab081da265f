// A `perf stat` of the guest (run inside it): the activity a measurement of exits cannot show under
// features that hide it — context switches, page faults, syscalls, migrations — as perf prints them:
//
//      1,234,567      context-switches          #    1.234 K/sec
//        345,678      page-faults               #  345.678 /sec
//      5,678,901      raw_syscalls:sys_enter
//   10.001234567 seconds time elapsed
//
// Counts may carry thousands separators; `<not counted>` / `<not supported>` rows are refused by
// name. syscalls:sys_enter_* rows add up when raw_syscalls:sys_enter is absent.
import { InputError } from '../config/errors.js';
import { readInputText } from '../config/read-input.js';

export interface GuestStat {
  file: string;
  /** Seconds the counts cover (perf's "seconds time elapsed"), if printed. */
  elapsedSec?: number;
  contextSwitches?: number;
  pageFaults?: number;
  syscalls?: number;
  cpuMigrations?: number;
}

/** A perf stat printout is a few kilobytes: a larger file is not one. */
const MAX_GUEST_STAT_BYTES = 1 << 20;

const COUNT_ROW = /^\s*([0-9][0-9,.']*|<not counted>|<not supported>)\s+([A-Za-z_][\w:.-]*)/;
const ELAPSED = /^\s*([0-9]+(?:\.[0-9]+)?)\s+seconds time elapsed/;

export function readGuestStat(file: string): GuestStat {
  const text = readInputText(file, MAX_GUEST_STAT_BYTES, 'perf stat output');
  const stat: GuestStat = { file };
  let sysEnterParts = 0;
  let sawRow = false;
  text.split(/\r?\n/).forEach((line, i) => {
    const elapsed = ELAPSED.exec(line);
    if (elapsed) {
      stat.elapsedSec = Number(elapsed[1]);
      return;
    }
    const row = COUNT_ROW.exec(line);
    if (!row) return;
    const [, raw, event] = row;
    const known = /^(context-switches|cs|page-faults|faults|cpu-migrations|migrations|raw_syscalls:sys_enter|syscalls:sys_enter_\w+)$/.test(event);
    if (!known) return;
    if (raw.startsWith('<')) throw new InputError(file, `line ${i + 1}`, `a count for ${event}`, raw);
    const count = Number(raw.replace(/[,']/g, ''));
    if (!Number.isFinite(count) || count < 0) throw new InputError(file, `line ${i + 1}`, `a count for ${event} (digits, with , or ' separators)`, JSON.stringify(raw));
    sawRow = true;
    if (event === 'context-switches' || event === 'cs') stat.contextSwitches = count;
    else if (event === 'page-faults' || event === 'faults') stat.pageFaults = count;
    else if (event === 'cpu-migrations' || event === 'migrations') stat.cpuMigrations = count;
    else if (event === 'raw_syscalls:sys_enter') stat.syscalls = count;
    else sysEnterParts += count;
  });
  if (stat.syscalls === undefined && sysEnterParts > 0) stat.syscalls = sysEnterParts;
  if (!sawRow) {
    throw new InputError(file, '(top level)', 'a perf stat of the guest with at least one of context-switches, page-faults, raw_syscalls:sys_enter, syscalls:sys_enter_*', 'none of them');
  }
  return stat;
}
