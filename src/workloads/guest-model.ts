// The guest model (issue 30): a workload's activity — what the guest OS and its programs do,
// measured natively — expanded under a guest OS profile into the instructions it costs. A context
// switch writes FS_BASE on a kernel without FSGSBASE and CR3 when it changes address space; every
// kernel entry writes CR3 twice under page-table isolation and SPEC_CTRL twice under legacy IBRS;
// each page fault is a guest #PF; each process an exec's new address space and its page tables.
// The expansion does not depend on the feature set: the exit engine decides afterwards which of
// these instructions exit, and bare metal runs the same ones natively.
import type { GuestActivity, GuestOs, GuestSettings, SpectreV2Mode, ActivityRate } from '../config/guest-os.js';
import type { InstructionEvent, Profile } from '../config/schema.js';

/** The guest's settings for one run, resolved against the CPU (profile) it runs on. */
export interface ResolvedGuest {
  os: GuestOs;
  kpti: boolean;
  spectreV2: SpectreV2Mode;
  /** The CPU lets the kernel switch FS/GS bases without WRMSR. */
  fsgsbase: boolean;
}

/** An instruction the guest runs in every interrupt it handles (beyond the handler and its EOI). */
export interface InterruptInstruction {
  kind: 'cr3-write' | 'msr-write' | 'tpr-write';
  msr?: string;
  /** Whole instructions per interrupt. */
  count: number;
}

export interface GuestExpansion {
  /** Instruction events at activity rates (merged by kind, MSR and rate basis). */
  events: InstructionEvent[];
  perInterrupt: InterruptInstruction[];
}

export function resolveGuest(os: GuestOs, settings: GuestSettings | undefined, profile: Profile): ResolvedGuest {
  const kpti = settings?.kpti ?? (os.defaults.kpti === 'auto' ? profile.capabilities.meltdown : os.defaults.kpti);
  const auto = (): SpectreV2Mode => (profile.capabilities.eibrs ? 'eibrs' : os.defaults.retbleedIbrs && profile.capabilities.retbleedIbrs ? 'ibrs' : 'retpoline');
  const spectreV2 = settings?.spectreV2 ?? (os.defaults.spectreV2 === 'auto' ? auto() : os.defaults.spectreV2);
  return { os, kpti, spectreV2, fsgsbase: profile.capabilities.fsgsbase };
}

const SPEC_CTRL = 'IA32_SPEC_CTRL';

type Basis = 'perUnit' | 'perGuestSec';

class EventSum {
  private readonly rows = new Map<string, { event: InstructionEvent; basis: Basis; sources: string[] }>();

  add(kind: InstructionEvent['kind'], rate: ActivityRate, times: number, source: string, extra: Partial<InstructionEvent> = {}): void {
    if (!(times > 0)) return;
    const basis: Basis = rate.perUnit !== undefined ? 'perUnit' : 'perGuestSec';
    const value = (rate.perUnit ?? rate.perGuestSec ?? 0) * times;
    const key = `${kind}|${extra.msr ?? ''}|${extra.addressSpaceChange ?? ''}|${basis}`;
    const row = this.rows.get(key);
    if (row) {
      row.event[basis] = (row.event[basis] ?? 0) + value;
      if (!row.sources.includes(source)) row.sources.push(source);
      return;
    }
    this.rows.set(key, { event: { kind, [basis]: value, ...extra, source: '' } as InstructionEvent, basis, sources: [source] });
  }

  list(): InstructionEvent[] {
    return [...this.rows.values()].map((r) => ({ ...r.event, source: `guest model: ${r.sources.join('; ')}` }));
  }
}

/** The instructions of `activity` under `guest` (events at activity rates, and those of each interrupt). */
export function expandGuest(activity: GuestActivity, guest: ResolvedGuest): GuestExpansion {
  const { os } = guest;
  const sum = new EventSum();
  const entry = os.kernelEntry;
  const kernelEntry = (rate: ActivityRate | undefined, what: string): void => {
    if (!rate) return;
    if (guest.kpti) sum.add('cr3-write', rate, entry.kptiCr3Writes.count, `${what}: page-table isolation switches CR3 at entry and exit (${entry.kptiCr3Writes.source})`, { addressSpaceChange: false });
    if (guest.spectreV2 === 'ibrs') sum.add('msr-write', rate, entry.ibrsSpecCtrlWrites.count, `${what}: legacy IBRS writes SPEC_CTRL at entry and exit (${entry.ibrsSpecCtrlWrites.source})`, { msr: SPEC_CTRL });
  };
  const perEvent = (rate: ActivityRate, spec: GuestOs['contextSwitch'], what: string): void => {
    for (const w of spec.msrWrites) {
      if (w.cpuLacks === 'fsgsbase' && guest.fsgsbase) continue;
      sum.add('msr-write', rate, w.count, `${what}: ${w.source}`, { msr: w.msr });
    }
    if (spec.tprWrites) sum.add('tpr-write', rate, spec.tprWrites.count, `${what}: ${spec.tprWrites.source}`);
  };

  if (activity.contextSwitches) {
    const cs = activity.contextSwitches;
    perEvent(cs, os.contextSwitch, `context switches (${cs.source})`);
    const fraction = activity.addressSpaceSwitchFraction?.value ?? 1;
    const why = `context switches that change address space (${cs.source}; ${activity.addressSpaceSwitchFraction?.source ?? 'every switch'})`;
    sum.add('cr3-write', cs, fraction, why);
    for (const w of os.addressSpaceSwitch.msrWrites) {
      if (w.cpuLacks === 'fsgsbase' && guest.fsgsbase) continue;
      sum.add('msr-write', cs, w.count * fraction, `${why}: ${w.source}`, { msr: w.msr });
    }
  }
  if (activity.syscalls) kernelEntry(activity.syscalls, `syscalls (${activity.syscalls.source})`);
  if (activity.pageFaults) {
    sum.add('page-fault', activity.pageFaults, 1, `page faults (${activity.pageFaults.source})`);
    kernelEntry(activity.pageFaults, `page faults (${activity.pageFaults.source})`);
  }
  if (activity.processes) {
    // fork + exec + exit: the exec's new address space is one CR3 write; the page tables the
    // process builds and tears down are the process-lifecycle event's (shadow-mmu.ts).
    sum.add('process-lifecycle', activity.processes, 1, `processes (${activity.processes.source})`);
    sum.add('cr3-write', activity.processes, 1, `exec switches to the new address space (${activity.processes.source})`);
  }

  const perInterrupt: InterruptInstruction[] = [];
  if (guest.kpti && entry.kptiCr3Writes.count > 0) perInterrupt.push({ kind: 'cr3-write', count: Math.round(entry.kptiCr3Writes.count) });
  if (guest.spectreV2 === 'ibrs' && entry.ibrsSpecCtrlWrites.count > 0) perInterrupt.push({ kind: 'msr-write', msr: SPEC_CTRL, count: Math.round(entry.ibrsSpecCtrlWrites.count) });
  for (const w of os.interrupt.msrWrites) {
    if (w.cpuLacks === 'fsgsbase' && guest.fsgsbase) continue;
    if (w.count > 0) perInterrupt.push({ kind: 'msr-write', msr: w.msr, count: Math.round(w.count) });
  }
  if (os.interrupt.tprWrites && os.interrupt.tprWrites.count > 0) perInterrupt.push({ kind: 'tpr-write', count: Math.round(os.interrupt.tprWrites.count) });
  return { events: sum.list(), perInterrupt };
}

/** A one-line account of a resolved guest (for explain and run headers). */
export function describeGuest(guest: ResolvedGuest): string {
  return `${guest.os.name} (KPTI ${guest.kpti ? 'on' : 'off'}, Spectre v2 ${guest.spectreV2}${guest.fsgsbase ? ', FSGSBASE' : ''})`;
}
