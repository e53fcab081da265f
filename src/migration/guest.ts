// The migrating guest's memory and writes: what the user gives on the command line, else what its
// workload states (`memory`, each figure with its source), else what follows from its page faults
// (each maps a page that is written at once: a lower bound on the pages it dirties).
import { InputError } from '../config/errors.js';
import type { Profile, Workload } from '../config/schema.js';
import { parseBytes, parseDirtyRate } from './units.js';

const CLI = 'command line';
const GiB = 2 ** 30;

/** What the user gave, as typed. */
export interface GuestMemoryFlags {
  guestMemory?: string;
  dirtyRate?: string;
  hotSet?: string;
  workingSet?: string;
  pageSize?: string;
}

export interface GuestMemory {
  memoryBytes: number;
  backingPageBytes: number;
  workingSetBytes: number;
  hotBytes: number;
  hotShare: number;
  dirtyRate: { pagesPerSec: number } | { pagesPerBusyVcpuSec: number };
  /** Where each figure came from, for the output. */
  sources: Record<'memory' | 'dirty_rate' | 'working_set' | 'page_size', string>;
}

export function guestMemory(w: Workload, profile: Profile, f: GuestMemoryFlags, pageBytes: number): GuestMemory {
  const m = w.memory;
  if (f.guestMemory === undefined && m === undefined) throw new InputError(CLI, '--guest-memory', `the migrating guest's memory (e.g. --guest-memory 24GiB; workload ${w.name} states none in its memory section)`, 'nothing');
  const memoryBytes = f.guestMemory !== undefined ? parseBytes('--guest-memory', f.guestMemory) : m!.sizeGiB.value * GiB;
  const pageSize = f.pageSize ?? m?.backingPageSize ?? '4K';
  const backingPageBytes = parseBytes('--page-size', pageSize);
  // The workload's working set, in a guest the user made smaller, is at most all of it.
  const workingSetBytes = f.workingSet !== undefined ? parseBytes('--working-set', f.workingSet) : Math.min(memoryBytes, (m?.workingSetGiB?.value ?? 0) * GiB);
  if (workingSetBytes > memoryBytes) throw new InputError(CLI, '--working-set', `a working set no larger than the guest's memory (${memoryBytes / GiB} GiB)`, `${workingSetBytes / GiB} GiB`);
  let hotBytes = 0;
  let hotShare = 0;
  if (f.hotSet !== undefined) {
    const hm = /^(.+):([0-9.]+)%$/.exec(f.hotSet);
    if (!hm || !(Number(hm[2]) > 0 && Number(hm[2]) <= 100)) throw new InputError(CLI, '--hot-set', 'SIZE:SHARE%, the hot set and the share of writes landing on it (e.g. 1GiB:90%)', `'${f.hotSet}'`);
    hotBytes = parseBytes('--hot-set', hm[1]);
    hotShare = Number(hm[2]) / 100;
    if (hotBytes >= memoryBytes) throw new InputError(CLI, '--hot-set', `a hot set smaller than the guest's memory (${memoryBytes / GiB} GiB)`, `'${hm[1]}'`);
  } else if (m?.hotSet !== undefined) {
    hotBytes = Math.min(m.hotSet.sizeGiB * GiB, memoryBytes / 2);
    hotShare = m.hotSet.writeShare;
  }
  let dirtyRate: GuestMemory['dirtyRate'];
  let dirtySource: string;
  if (f.dirtyRate !== undefined) {
    dirtyRate = { pagesPerSec: parseDirtyRate('--dirty-rate', f.dirtyRate, pageBytes) };
    dirtySource = '--dirty-rate';
  } else if (m?.dirtyPagesPerGuestSec !== undefined) {
    dirtyRate = { pagesPerBusyVcpuSec: m.dirtyPagesPerGuestSec.value };
    dirtySource = `workload ${w.name}: ${m.dirtyPagesPerGuestSec.source}`;
  } else if (w.guest?.pageFaults !== undefined) {
    const pf = w.guest.pageFaults;
    const perSec = pf.perGuestSec ?? (pf.perUnit ?? 0) * ((profile.frequencyGHz.value * 1e9) / w.cyclesPerUnit);
    dirtyRate = { pagesPerBusyVcpuSec: perSec };
    dirtySource = `workload ${w.name}'s page faults (${pf.source}): one page written per fault, a lower bound`;
  } else {
    throw new InputError(CLI, '--dirty-rate', `the guest's dirty rate, as QEMU's calc-dirty-rate measures it (e.g. --dirty-rate 800MB/s; workload ${w.name} states none)`, 'nothing');
  }
  return {
    memoryBytes, backingPageBytes, workingSetBytes, hotBytes, hotShare, dirtyRate,
    sources: {
      memory: f.guestMemory !== undefined ? '--guest-memory' : `workload ${w.name}: ${m!.sizeGiB.source}`,
      dirty_rate: dirtySource,
      working_set: f.workingSet !== undefined ? '--working-set' : m?.workingSetGiB !== undefined ? `workload ${w.name}: ${m.workingSetGiB.source}` : 'none: only the pages it writes',
      page_size: f.pageSize !== undefined ? '--page-size' : m !== undefined ? `workload ${w.name}` : 'default 4K',
    },
  };
}
