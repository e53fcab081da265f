// Import inverts the guest model (issue 30 item 4): from the exits a host measured under feature set
// F and the guest OS profile of the guest, solve for the activity the exits reveal (page faults,
// context switches, kernel entries), then add the instructions that activity costs but F hid — an
// MSR write the bitmap passed through, a CR3 write under EPT — at the guest OS profile's count per
// activity. The measured events stay as they are (with their measured handler times), so a replay
// under F reproduces the measurement; the added ones exit only under a feature set that traps them.
import type { InstructionEvent } from '../config/schema.js';
import type { GuestActivity } from '../config/guest-os.js';
import { decide, type DecisionContext } from '../exits/resolve.js';
import { expandGuest, describeGuest, type ResolvedGuest } from '../workloads/guest-model.js';

/** Architectural MSR addresses (Intel SDM vol. 4, table 2-2) of the MSRs a guest OS profile names. */
export const MSR_NAME_BY_ADDRESS: Readonly<Record<string, string>> = {
  '0xc0000100': 'IA32_FS_BASE',
  '0xc0000101': 'IA32_GS_BASE',
  '0xc0000102': 'IA32_KERNEL_GS_BASE',
  '0x48': 'IA32_SPEC_CTRL',
  '0x49': 'IA32_PRED_CMD',
  '0x174': 'IA32_SYSENTER_CS',
  '0x175': 'IA32_SYSENTER_ESP',
  '0x176': 'IA32_SYSENTER_EIP',
};

type Ev = InstructionEvent & { perUnit: number };

export interface InversionInputs {
  /** The instruction events derived from the measured exits so far (rates per unit). */
  events: Ev[];
  guest: ResolvedGuest;
  /** The decision context of the measurement (its features, APIC mode, exits per shadow fault). */
  measuredUnder: DecisionContext;
  /** Whether an MSR's writes were passed through (not intercepted) under the measurement's features. */
  passedThrough: (msr: string) => boolean;
  /** The measurement's feature set, as a label (for the notes). */
  featureLabel: string;
}

export interface Inversion {
  /** The activity the exits reveal, per unit (only what they pin down). */
  activity: GuestActivity;
  /** Instructions of that activity that did not exit under the measurement's features: to add. */
  hidden: InstructionEvent[];
  notes: string[];
}

const sum = (events: Ev[], pick: (e: Ev) => boolean) => events.filter(pick).reduce((a, e) => a + e.perUnit, 0);
const fmt = (x: number) => Number(x.toPrecision(4)).toString();

export function invertGuestModel(inputs: InversionInputs): Inversion {
  const { events, guest, measuredUnder, passedThrough, featureLabel } = inputs;
  const os = guest.os;
  const exitsUnderF = (kind: InstructionEvent['kind'], msr?: string) =>
    decide(kind, msr === undefined ? measuredUnder : { ...measuredUnder, msrIntercepted: !passedThrough(msr) }).exits.length > 0;
  const notes: string[] = [];
  const activity: GuestActivity = {} as GuestActivity;
  const source = (what: string) => `inverted from the measured exits under ${featureLabel} and guest OS ${describeGuest(guest)}: ${what}`;

  // Page faults: each a guest #PF, which exits only under shadow paging.
  const faults = exitsUnderF('page-fault') ? sum(events, (e) => e.kind === 'page-fault') : 0;
  if (faults > 0) activity.pageFaults = { perUnit: faults, source: source('the shadow #PF exits ÷ the exits per fault') };

  // Context switches: the FS_BASE write a kernel without FSGSBASE makes at each switch, where it exited.
  const perSwitch = os.contextSwitch.msrWrites.filter((w) => !(w.cpuLacks === 'fsgsbase' && guest.fsgsbase));
  let switches: number | undefined;
  for (const w of perSwitch) {
    if (w.count > 0 && exitsUnderF('msr-write', w.msr)) {
      const writes = sum(events, (e) => e.kind === 'msr-write' && e.msr === w.msr);
      if (writes > 0) {
        switches = writes / w.count;
        notes.push(`context switches: ${fmt(switches)} per unit, from the ${w.msr} writes (${w.count} per switch: ${w.source})`);
        break;
      }
    }
  }
  // Kernel entries: legacy IBRS's SPEC_CTRL writes (two per entry), where they exited.
  let entries: number | undefined;
  const ibrs = os.kernelEntry.ibrsSpecCtrlWrites.count;
  if (guest.spectreV2 === 'ibrs' && ibrs > 0 && exitsUnderF('msr-write', 'IA32_SPEC_CTRL')) {
    const writes = sum(events, (e) => e.kind === 'msr-write' && e.msr === 'IA32_SPEC_CTRL');
    if (writes > 0) entries = writes / ibrs;
  }
  // CR3 writes under shadow paging: address-space switches, plus KPTI's writes at each kernel entry.
  if (exitsUnderF('cr3-write')) {
    const cr3 = sum(events, (e) => e.kind === 'cr3-write');
    const kpti = guest.kpti ? os.kernelEntry.kptiCr3Writes.count : 0;
    const residual = Math.max(0, cr3 - kpti * faults);
    if (cr3 > 0 && kpti === 0 && switches === undefined) {
      switches = residual;
      notes.push(`context switches: ${fmt(switches)} per unit, the CR3 writes (no KPTI: one per address-space switch; threads of one process switching among themselves are not seen)`);
    } else if (cr3 > 0 && kpti > 0 && entries === undefined) {
      if (switches !== undefined) entries = Math.max(0, (residual - switches) / kpti) + faults;
      else notes.push(`the CR3 writes (${fmt(cr3)} per unit) mix context switches and KPTI's ${kpti} writes per kernel entry: not split (--guest-stat gives the context switches)`);
    }
  }
  if (switches !== undefined && switches > 0) activity.contextSwitches = { perUnit: switches, source: source('the context switches') };
  if (entries !== undefined) {
    const syscalls = Math.max(0, entries - faults);
    if (syscalls > 0) activity.syscalls = { perUnit: syscalls, source: source('kernel entries less page faults, taken as syscalls') };
    notes.push(`syscalls: ${fmt(syscalls)} per unit (kernel entries ${fmt(entries)} less the page faults)`);
  }
  if (faults > 0) notes.push(`page faults: ${fmt(faults)} per unit`);

  // What that activity costs on this guest, less what exited under F (it is measured already).
  const hidden = expandGuest(activity, guest).events.filter((e) => !exitsUnderF(e.kind, e.msr));
  for (const e of hidden) notes.push(`added, hidden under ${featureLabel}: ${e.kind}${e.msr ? ` ${e.msr}` : ''} ${fmt(e.perUnit ?? 0)} per unit (${e.source})`);
  if (Object.keys(activity).length === 0) notes.push(`no guest activity is revealed by these exits under ${featureLabel}: nothing added (--guest-stat gives it)`);
  return { activity, hidden: hidden.map((e) => ({ ...e, source: `inferred (${e.source})` })), notes };
}
