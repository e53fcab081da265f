// Measurement → workload whose simulated exit mix matches it under the
// features it was measured with (issue 6). Rates per reason come from the
// counts; handler time from the tool's times where it gives them; HLT is the
// unit structure (a wake-up, some work, halt again) and its time is idle, not
// handler cost. What the measurement cannot say is assumed, each assumption
// stated once (in the notes and the workload's sources) with the flag that
// overrides it: the window (1 s; absolute rates scale with it, the mix does
// not), the vCPU count (the fewest its HLT time fits in), and guest events that
// did not exit under those features (none, unless --base gives them).
import path from 'node:path';
import { expandGuest, resolveGuest } from '../workloads/guest-model.js';
import { guestOsDir, loadGuestOs } from '../config/load.js';
import type { GuestStat } from './guest-stat.js';
import { InputError } from '../config/errors.js';
import { ARCHITECTURES, archOf, type Arch } from '../exits/arch/index.js';
import { isArm64ExitName } from '../exits/arm64-codes.js';
import { Workload, type Profile, type WorkloadInput } from '../config/schema.js';
import { decide, type DecisionContext } from '../exits/resolve.js';
import type { EventKind } from '../exits/decision-table.js';
import { FEATURE_BIT, featureSetLabel } from '../exits/features.js';
import { R, exitReasonName, parseExitReason } from '../exits/reasons.js';
import { hardwareRoundTripCycles } from '../exits/cost.js';
import { DEFAULT_MSR_LISTS, DEFAULT_MSR_PASS_THROUGH } from '../config/schema.js';
import { MSR_NAME_BY_ADDRESS, invertGuestModel } from './invert.js';
import type { Measurement, MeasuredExit } from './measurement.js';

export interface DeriveOptions {
  name: string;
  features: number;
  profile: Profile;
  durationSec?: number;
  vcpus?: number;
  base?: Workload;
  unobserved?: 'zero';
  /** Share of time the guest runs, when the measurement has no HLT time. */
  busyFraction?: number;
  apicMode?: 'xapic' | 'x2apic';
  /** Host tick of the host the measurement came from (its exits are subtracted). */
  hostTickHz?: number;
  /** The measured guest's OS (a shipped guest OS profile or a file; default linux-6.x): how CR_ACCESS splits under shadow paging. */
  guestOs?: string;
  /** A perf stat of the guest over the same window: its activity, which the exits may not show. */
  guestStat?: GuestStat;
}

export interface Derived {
  workload: Workload;
  notes: string[];
  /** What the file does not say and was assumed, each with the flag that overrides it. */
  assumptions: string[];
  unobservable: string[];
  /** The window and vCPU count the rates were read with (stated or assumed). */
  windowSec: number;
  vcpus: number;
  /** The host tick the workload leaves to the simulated host (stated, or what the measurement holds). */
  hostTickHz: number;
}

/** The unit of an imported guest that halts: what its efficiency is the CPU cost of (cli/commands/run.ts says so). */
export const IMPORTED_WAKE_UP_UNIT = 'wake-up (work between two halts)';

/** Guest event kinds whose rate an exit count can reveal, and which features hide them. */
const OBSERVABLE_KINDS: EventKind[] = ['page-fault', 'first-touch', 'cr3-write', 'invlpg', 'rdtsc', 'tpr-write', 'ipi-send', 'dr-access'];

/** Exit reasons that exactly one guest event kind causes, whatever the features. */
const ONE_TO_ONE: Record<number, string> = {
  [R.CPUID]: 'cpuid',
  [R.VMCALL]: 'vmcall',
  [R.RDTSC]: 'rdtsc',
  [R.EPT_VIOLATION]: 'first-touch',
  [R.INVLPG]: 'invlpg',
  [R.DR_ACCESS]: 'dr-access',
};

type Ev = WorkloadInput['events'] extends Array<infer T> | undefined ? T : never;

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

/** Erlang C: the probability that an arrival waits, c servers at offered load a (< c). */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}

/** perf kvm stat on an AMD host prints lower-case SVM names (npf, msr, io, vintr, "PF excp"); on Intel, VT-x names in capitals. */
export function isAmdMeasurement(m: Measurement): boolean {
  return !isArm64Measurement(m) && m.exits.some((e) => /^[a-z][a-z0-9_-]*$|^[A-Z]{2} excp$/.test(e.name));
}

/** An arm64 host's table: its exits are exception classes (DABT_LOW, HVC64, WFx, SYS64) and IRQ. */
export function isArm64Measurement(m: Measurement): boolean {
  return m.exits.some((e) => isArm64ExitName(e.name) && !/^(UNKNOWN|UNLISTED)$/i.test(e.name) && parseExitReason(e.name) === undefined);
}

/** The architecture whose exit names the measurement uses. */
export function measuredArch(m: Measurement): Arch {
  return isArm64Measurement(m) ? 'arm64' : isAmdMeasurement(m) ? 'svm' : 'vmx';
}

export function deriveWorkload(m: Measurement, o: DeriveOptions): Derived {
  const notes = [...m.notes];
  if (isArm64Measurement(m)) {
    notes.push(
      `arm64 exit classes: the guest events are derived through the VT-x reasons of the same guest operation (HVC64 → VMCALL, DABT_LOW → EPT_VIOLATION, WFx → HLT, IRQ → EXTERNAL_INTERRUPT; SYS64 and the others stay raw exits at their measured rates); on ${o.profile.name} (${archOf(o.profile).displayName}) the model's exits are ${archOf(o.profile).displayName} exits`,
    );
  } else if (isAmdMeasurement(m)) {
    notes.push(
      `AMD SVM exit names: the guest events are derived through their VT-x counterparts (npf → EPT_VIOLATION, msr → MSR_WRITE, interrupt → EXTERNAL_INTERRUPT, vintr → INTERRUPT_WINDOW, hypercall → VMCALL, "PF excp" → EXCEPTION_NMI, …); on ${o.profile.name} (${archOf(o.profile).displayName}) the model's exits are ${archOf(o.profile).displayName} exits`,
    );
  }
  const assumptions: string[] = [];
  const window = m.windowSec ?? o.durationSec ?? 1;
  if (m.windowSec === undefined && o.durationSec === undefined) {
    assumptions.push('the window is not stated: 1 s assumed (--duration overrides) — absolute rates scale with it, the exit mix does not');
  }
  const hltSec = (m.exits.find((e) => e.reason === R.HLT)?.totalUs ?? 0) / 1e6;
  // The fewest vCPUs the HLT time fits in (5% slack for the tool's clock), at least one.
  const fewest = Math.max(1, Math.ceil(hltSec / window / 1.05));
  const vcpus = o.vcpus ?? m.vcpus ?? fewest;
  if (o.vcpus === undefined && m.vcpus === undefined) {
    assumptions.push(
      fewest > 1
        ? `the vCPU count is not stated: ${fewest} assumed, the fewest whose ${round(window * fewest, 4)} vCPU-seconds hold the ${round(hltSec, 4)} s of HLT time (--vcpus overrides)`
        : 'the vCPU count is not stated: 1 assumed (--vcpus overrides) — per-vCPU rates scale with it, the exit mix does not',
    );
  }
  if (m.windowSec && o.durationSec && Math.abs(m.windowSec - o.durationSec) > 1e-9) notes.push(`--duration ${o.durationSec} overrides nothing: the file covers ${m.windowSec} s`);
  const f = o.profile.frequencyGHz.value * 1e9;
  const hw = hardwareRoundTripCycles(o.profile, DEFAULT_MSR_LISTS);
  const userTrip = o.profile.kernelUserRoundTripCycles.value;
  const features = o.features;
  const on = (name: keyof typeof FEATURE_BIT) => (features & FEATURE_BIT[name]) !== 0;
  const apicMode = o.apicMode ?? 'x2apic';
  const perSec = (e: MeasuredExit) => e.count / (window * vcpus);

  const byReason = new Map<number, MeasuredExit>();
  for (const e of m.exits) if (e.reason !== null) byReason.set(e.reason, e);
  const hlt = byReason.get(R.HLT);
  const hltRate = hlt ? perSec(hlt) : 0;
  const open = hltRate > 0;
  let busy = 1;
  if (open) {
    if (hlt?.totalUs !== undefined) {
      // A vCPU cannot halt longer than the window: more halted time means the counts cover more
      // vCPUs (or a longer window) than given. 5% slack for the tool's own clock skew.
      const vcpuSeconds = window * vcpus;
      if (hlt.totalUs / 1e6 > vcpuSeconds * 1.05) {
        throw new InputError(
          m.file,
          o.vcpus !== undefined ? '--vcpus' : '--duration',
          `HLT time within the window's vCPU-seconds (${round(window, 4)} s × ${vcpus} vCPU${vcpus === 1 ? '' : 's'} = ${round(vcpuSeconds, 4)} s): at least --vcpus ${Math.ceil(hlt.totalUs / 1e6 / window / 1.05)}, or a longer --duration`,
          `${round(hlt.totalUs / 1e6, 4)} s of HLT time`,
        );
      }
      busy = Math.min(0.99, Math.max(0.001, 1 - hlt.totalUs / (window * vcpus * 1e6)));
      notes.push(`HLT time ${round(hlt.totalUs / 1e6, 4)} s of ${round(window * vcpus, 4)} vCPU-seconds is idle: the guest runs ${round(busy * 100, 3)}% of the time`);
    } else {
      busy = o.busyFraction ?? 0.05;
      (o.busyFraction === undefined ? assumptions : notes).push(`the measurement has no HLT time: the guest is taken to run ${busy * 100}% of the time (--busy-fraction${o.busyFraction === undefined ? ' overrides' : ''})`);
    }
  }
  // A unit is one wake-up (open) or 1 ms of guest work (closed).
  // Wake-ups that find the vCPU busy queue behind the running one and need no halt of their own:
  // a halt ends each busy period, so arrivals = halts ÷ the idle share (M/G/1 busy periods).
  // With c vCPUs sharing the work (M/G/c), an arrival queues only when all are busy (Erlang C).
  const queued = open ? erlangC(vcpus, vcpus * busy) : 0;
  const arrivalRate = open ? hltRate / Math.max(0.05, 1 - queued) : 0;
  if (open && queued > 0.01) notes.push(`a halt ends each busy period: wake-ups arrive at ${round(arrivalRate, 4)}/s per vCPU, the ${round(hltRate, 4)}/s of HLT ÷ the ${round(1 - queued, 3)} share of arrivals that find a vCPU idle`);
  const cyclesPerUnit = Math.max(1000, Math.round(open ? (busy / arrivalRate) * f : 1e-3 * f));
  // A busy guest (no HLT) computes only between its exits: events per guest second are the measured
  // rates over the share of time left to the guest (each exit at its measured time, else a default).
  let guestShare = 1;
  if (!open) {
    const exitCycles = (e: { count: number; avgUs?: number }) => (e.count / (window * vcpus)) * (e.avgUs !== undefined ? e.avgUs * 1e-6 * f : hw + (o.profile.handlerCycles['raw-exit']?.value ?? 0));
    const u = m.unlisted;
    const busyInExits = (m.exits.reduce((a, e) => a + exitCycles(e), 0) + (u ? exitCycles({ count: u.count, avgUs: u.totalUs !== undefined ? u.totalUs / u.count : undefined }) : 0)) / f;
    guestShare = Math.max(0.05, 1 - busyInExits);
    if (guestShare < 0.99) notes.push(`the guest never halts and its exits take ${round((1 - guestShare) * 100, 3)}% of the time: events per guest second are the measured rates ÷ ${round(guestShare, 4)}`);
  }
  const perUnitOf = (ratePerSec: number) => (open ? ratePerSec / arrivalRate : (ratePerSec * cyclesPerUnit) / (f * guestShare));

  const events: Ev[] = [];
  const devices: NonNullable<WorkloadInput['devices']> = [];
  const guestOs = loadGuestOs(o.guestOs ?? 'linux-6.x');
  const src = (e: MeasuredExit, extra = '') => `measured: ${e.count} ${exitReasonName(e.reason as number)} exits in ${window} s on ${vcpus} vCPU(s) (${m.format}, ${m.file})${extra}`;
  /** Handler cycles that make the simulated mean exit time equal the measured one. */
  const handler = (e: MeasuredExit, user = false): number | undefined =>
    e.avgUs === undefined ? undefined : Math.max(0, Math.round(e.avgUs * 1e-6 * f - hw - (user ? userTrip : 0)));
  const addEvent = (ev: Ev, e: MeasuredExit, rate: number) => {
    if (rate <= 0) return;
    events.push({ ...ev, perUnit: round(perUnitOf(rate)), distribution: 'exponential', source: (ev as { source?: string }).source ?? src(e) } as Ev);
  };
  // An AMD table's raw exits keep their SVM names (read as VT-x on a VT-x profile, as themselves on SVM).
  const ownNames = ARCHITECTURES[measuredArch(m)].importedTable !== undefined;
  const raw = (e: MeasuredExit, rate: number, why: string) =>
    addEvent({ kind: 'raw-exit', reason: ownNames ? e.name : exitReasonName(e.reason as number), handlerCycles: handler(e) ?? o.profile.handlerCycles['raw-exit']?.value, nativeCycles: 0, source: `${src(e)}; ${why}` } as Ev, e, rate);

  // An MSR that exited under an MSR bitmap was intercepted on that host: it keeps its address as its
  // name, so no replay passes it through. Without a bitmap every MSR exits: an architectural one gets
  // its name, so that a what-if with the bitmap passes it through as KVM would.
  const msrName = (addr: string) => (!on('msr-bitmap') && MSR_NAME_BY_ADDRESS[addr]) || `MSR_${addr}`;

  // Exits the engine itself makes, to subtract from the measured counts. A host tick the measured
  // EXTERNAL_INTERRUPT rate cannot hold is lowered to what it holds (a tickless host, or a window
  // shorter than assumed).
  let hostTickHz = o.hostTickHz ?? 250;
  const ext = byReason.get(R.EXTERNAL_INTERRUPT);
  if (o.hostTickHz === undefined) {
    const extRate = ext ? perSec(ext) : 0;
    const complete = !m.unlisted;
    if ((ext || complete) && extRate < hostTickHz * busy) {
      hostTickHz = round(extRate / busy, 4);
      assumptions.push(`the host tick is not stated and the measured EXTERNAL_INTERRUPT rate (${round(extRate, 4)}/s) cannot hold a 250 Hz one: ${hostTickHz} Hz assumed (--host-tick overrides)`);
    }
  }
  const tick = hostTickHz * busy;
  const wakeEois = open && !on('apicv') ? hltRate : 0;

  for (const e of m.exits) {
    const reason = e.reason as number;
    let rate = perSec(e);
    switch (reason) {
      case R.HLT:
        continue; // the unit structure
      case R.CPUID:
      case R.VMCALL:
      case R.RDTSC:
      case R.EPT_VIOLATION:
      case R.INVLPG:
      case R.DR_ACCESS:
        addEvent({ kind: ONE_TO_ONE[reason], handlerCycles: handler(e) } as Ev, e, rate);
        continue;
      case R.EPT_MISCONFIG: {
        const user = !on('ioeventfd');
        if (!devices.some((d) => d.name === 'imported-mmio')) devices.push({ name: 'imported-mmio', kind: 'virtio', bus: 'mmio', completionLatencyUs: 0, source: `${src(e)}: MMIO notifies (virtio-mmio)` });
        addEvent({ kind: 'io', device: 'imported-mmio', handlerCycles: handler(e, user) } as Ev, e, rate);
        continue;
      }
      case R.IO_INSTRUCTION: {
        const ports = m.ioPortAccess.slice(0, 3).map((p) => p.key).join(', ');
        if (!devices.some((d) => d.name === 'imported-pio')) devices.push({ name: 'imported-pio', kind: 'emulated', bus: 'pio', exitsPerOp: 1, completionLatencyUs: 0, source: `${src(e)}: port I/O emulated in the user-space VMM${ports ? ` (ports ${ports})` : ''}` });
        addEvent({ kind: 'io', device: 'imported-pio', handlerCycles: handler(e, true) } as Ev, e, rate);
        continue;
      }
      case R.EXCEPTION_NMI:
        if (!on('ept')) addEvent({ kind: 'page-fault', handlerCycles: handler(e) } as Ev, e, rate / Math.max(1, o.profile.shadowPageFaultExits.value));
        else raw(e, rate, 'exceptions with EPT on are not page faults');
        continue;
      case R.CR_ACCESS: {
        if (on('ept')) {
          if (!on('tpr-shadow')) addEvent({ kind: 'tpr-write', nativeCycles: 17, handlerCycles: handler(e) } as Ev, e, rate);
          else raw(e, rate, 'CR accesses other than CR3/CR8');
          continue;
        }
        // Under shadow paging CR_ACCESS holds the CR3 writes (which EPT removes) and CR0/CR4 writes
        // (which stay): the guest OS profile says how they split.
        const share = guestOs.guestOs.shadowCrAccessCr3Share;
        addEvent({ kind: 'cr3-write', handlerCycles: handler(e), source: `${src(e)}; the CR3 writes: ${share.value * 100}% of CR_ACCESS under shadow paging (guest OS ${guestOs.guestOs.name}: ${share.source})` } as Ev, e, rate * share.value);
        notes.push(`CR_ACCESS under shadow paging split by guest OS ${guestOs.guestOs.name} (--guest-os): ${round(share.value * 100, 3)}% CR3 writes (gone under EPT), the rest CR0/CR4 writes (kept)`);
        if (share.value < 1) {
          if (!on('tpr-shadow')) addEvent({ kind: 'tpr-write', nativeCycles: 17, handlerCycles: handler(e), source: `${src(e)}; the rest of CR_ACCESS, taken as CR8 (TPR) writes without TPR shadow` } as Ev, e, rate * (1 - share.value));
          else raw(e, rate * (1 - share.value), 'CR0/CR4 writes (CR_ACCESS beyond the CR3 writes)');
        }
        continue;
      }
      case R.TPR_BELOW_THRESHOLD:
        raw(e, rate, 'TPR below threshold');
        continue;
      case R.MSR_READ: {
        // The MSR Access table splits the reads per MSR, as it does the writes.
        const reads = m.msrAccess.filter((a) => /:R$/i.test(a.key));
        const total = reads.reduce((a, x) => a + x.count, 0);
        if (total > 0) {
          for (const a of reads) {
            const addr = a.key.split(':')[0].toLowerCase();
            addEvent({ kind: 'msr-read', msr: msrName(addr), handlerCycles: handler(e), source: `${src(e)}; MSR ${addr} share from the MSR Access table` } as Ev, e, (a.count / total) * rate);
          }
        } else addEvent({ kind: 'msr-read', msr: 'IMPORTED_INTERCEPTED_MSR', handlerCycles: handler(e) } as Ev, e, rate);
        continue;
      }
      case R.MSR_WRITE: {
        rate -= apicMode === 'x2apic' ? wakeEois : 0;
        if (wakeEois > 0 && apicMode === 'x2apic') notes.push(`without APICv each wake-up's EOI is an MSR_WRITE the engine makes: ${round(wakeEois, 4)}/s of the measured MSR_WRITE are left to it`);
        const msr = m.msrAccess.filter((a) => /:W$/i.test(a.key));
        const total = msr.reduce((a, x) => a + x.count, 0);
        if (total > 0) {
          // The MSR Access table splits the writes: TSC deadline → timer programming, ICR → IPIs.
          for (const a of msr) {
            const share = (a.count / total) * rate;
            const addr = a.key.split(':')[0].toLowerCase();
            const ev: Ev =
              addr === '0x6e0'
                ? ({ kind: 'timer-program', handlerCycles: handler(e), source: `${src(e)}; MSR 0x6e0 (TSC deadline) share from the MSR Access table` } as Ev)
                : addr === '0x830' && apicMode === 'x2apic'
                  ? ({ kind: 'ipi-send', handlerCycles: handler(e), source: `${src(e)}; MSR 0x830 (x2APIC ICR) share` } as Ev)
                  : ({ kind: 'msr-write', msr: msrName(addr), handlerCycles: handler(e), source: `${src(e)}; MSR ${addr} share` } as Ev);
            addEvent(ev, e, share);
          }
        } else {
          notes.push('MSR_WRITE without an MSR Access table: taken as TSC-deadline writes (timer programming), the main MSR exit in clouds (Wanpeng Li 2019); give perf\'s MSR Access table to split out IPIs');
          addEvent({ kind: 'timer-program', handlerCycles: handler(e) } as Ev, e, rate);
        }
        continue;
      }
      case R.EXTERNAL_INTERRUPT: {
        const left = rate - tick;
        notes.push(`EXTERNAL_INTERRUPT includes the host tick: ${round(tick, 4)}/s (${hostTickHz} Hz × ${round(busy, 3)} busy) is left to the simulated host`);
        raw(e, left, 'host and device interrupts beyond the host tick');
        continue;
      }
      default:
        raw(e, rate, reason === R.PAUSE_INSTRUCTION ? 'PLE exits: spin-lock behaviour cannot be inferred from counts, kept as raw exits' : 'no decision-table rule reproduces it from a guest event here');
    }
  }

  // Rows the file did not show: one UNLISTED bucket, at their measured count (and time, if the footer gives it).
  if (m.unlisted && m.unlisted.count > 0) {
    const u = m.unlisted;
    const avg = u.totalUs !== undefined ? Math.max(0, Math.round((u.totalUs / u.count) * 1e-6 * f - hw)) : o.profile.handlerCycles['raw-exit']?.value;
    events.push({
      kind: 'raw-exit', reason: 'UNLISTED', handlerCycles: avg, nativeCycles: 0, perUnit: round(perUnitOf(u.count / (window * vcpus))), distribution: 'exponential',
      source: `measured: ${u.count} exits of reasons the file does not list (${m.format}, ${m.file})${u.totalUs !== undefined ? '; their time from the footer' : '; their time unknown: the raw-exit default'}`,
    } as Ev);
  }

  // What the measurement cannot show.
  const ctx: DecisionContext = {
    arch: o.profile.arch, features, apicMode, usesDebugRegisters: byReason.has(R.DR_ACCESS), preemptionTimer: o.profile.capabilities.preemptionTimer,
    shadowPageFaultExits: o.profile.shadowPageFaultExits.value, deviceExitsPerOp: 1, lifecycleWriteTraps: 0, interruptWindowProbability: 0, levelTriggeredFraction: 0, tprBelowThresholdProbability: 0,
  };
  // A guest OS given on purpose (--guest-os) without a perf stat of the guest: the exits are inverted
  // through its profile into the activity they reveal, and what that activity costs but these
  // features hid is added (import/invert.ts).
  const inverting = o.guestOs !== undefined && !o.guestStat && !o.base;
  if (inverting) {
    const inversion = invertGuestModel({
      events: events.filter((e): e is Ev & { perUnit: number } => 'perUnit' in e && typeof e.perUnit === 'number') as never,
      guest: resolveGuest(guestOs.guestOs, undefined, o.profile),
      measuredUnder: ctx,
      passedThrough: (msr) => on('msr-bitmap') && DEFAULT_MSR_PASS_THROUGH.includes(msr.toUpperCase()),
      featureLabel: featureSetLabel(features, o.profile.arch),
    });
    for (const e of inversion.hidden) events.push({ ...e, perUnit: round(e.perUnit ?? 0), distribution: 'exponential' } as Ev);
    notes.push(...inversion.notes.map((n) => `guest model inverted: ${n}`));
  }
  const unobservable = OBSERVABLE_KINDS.filter((k) => decide(k, ctx).exits.length === 0);
  if (on('msr-bitmap')) unobservable.push('msr-read/msr-write of pass-through MSRs' as EventKind);
  let tlb: WorkloadInput['tlb'];
  if (unobservable.length > 0) {
    if (o.base) {
      const b = o.base;
      // A base that describes its guest's activity gives the instructions it expands to on this CPU.
      const expanded = b.guest ? expandGuest(b.guest, resolveGuest(loadGuestOs(b.guest.os).guestOs, undefined, o.profile)).events : [];
      for (const ev of [...b.events, ...expanded]) {
        const hidden = unobservable.includes(ev.kind as EventKind) || ((ev.kind === 'msr-read' || ev.kind === 'msr-write') && on('msr-bitmap'));
        if (!hidden || !('perUnit' in ev || 'perGuestSec' in ev)) continue;
        const perGuestSec = 'perUnit' in ev && ev.perUnit !== undefined ? (ev.perUnit * f) / b.cyclesPerUnit : (ev as { perGuestSec: number }).perGuestSec;
        const { perUnit: _u, perGuestSec: _g, ...rest } = ev as Record<string, unknown>;
        events.push({ ...rest, perUnit: round((perGuestSec * cyclesPerUnit) / f), source: `from base workload ${b.name}: ${(ev as { source: string }).source}` } as Ev);
      }
      tlb = b.tlb;
      notes.push(`unobservable under ${featureSetLabel(features, o.profile.arch)} (${unobservable.join(', ')}): taken from base workload ${b.name}`);
    } else if (o.guestStat) {
      notes.push(`unobservable under ${featureSetLabel(features, o.profile.arch)} (${unobservable.join(', ')}): what the guest's activity expands to comes from the perf stat of the guest (--guest-stat); the rest is assumed absent`);
    } else if (o.unobserved === 'zero') {
      notes.push(`unobservable under ${featureSetLabel(features, o.profile.arch)} (${unobservable.join(', ')}): assumed zero (--unobserved zero)`);
    } else {
      assumptions.push(`guest events that do not exit under ${featureSetLabel(features, o.profile.arch)} (${unobservable.join(', ')}) are not in the measurement: ${inverting ? 'beyond what the inverted guest model adds (notes), ' : ''}none assumed (--base WORKLOAD or --guest-stat FILE gives them)`);
    }
  }

  // A perf stat of the guest gives its activity directly: the workload gets a guest section, and the
  // guest model — not the measured exits — supplies the instructions it expands to (page faults,
  // CR3 writes, pass-through MSR writes), under every feature set alike.
  let guest: WorkloadInput['guest'];
  if (o.guestStat) {
    const g = o.guestStat;
    const seconds = g.elapsedSec ?? window;
    if (g.elapsedSec === undefined) assumptions.push(`the perf stat of the guest does not print its window: the measurement's ${window} s assumed`);
    // Rates per second of guest CPU time, as a workload's guest section holds them.
    const guestSeconds = seconds * vcpus * (open ? busy : guestShare);
    const rate = (count: number | undefined, what: string) =>
      count === undefined || count <= 0 ? undefined : { perGuestSec: round(count / guestSeconds), source: `perf stat of the guest (${g.file}): ${count} ${what} in ${seconds} s on ${vcpus} vCPU(s) running ${round((open ? busy : guestShare) * 100, 3)}% of the time` };
    guest = {
      // (A guest OS given as a file is named by its absolute path: the workload is written elsewhere.)
      os: guestOs.file.startsWith(guestOsDir()) ? guestOs.guestOs.name : path.resolve(guestOs.file),
      ...(rate(g.contextSwitches, 'context switches') ? { contextSwitches: rate(g.contextSwitches, 'context switches') } : {}),
      ...(rate(g.syscalls, 'syscalls') ? { syscalls: rate(g.syscalls, 'syscalls') } : {}),
      ...(rate(g.pageFaults, 'page faults') ? { pageFaults: rate(g.pageFaults, 'page faults') } : {}),
    };
    if (g.contextSwitches !== undefined) assumptions.push('every context switch of the perf stat changes address space (a CR3 write): give the workload an addressSpaceSwitchFraction where threads switch among themselves');
    // What the measured exits said of the same activity is replaced, and compared.
    const supplied = new Set<string>([...(guest.pageFaults ? ['page-fault'] : []), ...(guest.contextSwitches || guest.syscalls ? ['cr3-write'] : [])]);
    const measuredPerSec = (kind: string) => events.filter((e) => e.kind === kind).reduce((a, e) => a + ((e as { perUnit: number }).perUnit * (open ? arrivalRate : (f * guestShare) / cyclesPerUnit)), 0);
    const expansion = expandGuest(Workload.shape.guest.unwrap().parse(guest), resolveGuest(guestOs.guestOs, undefined, o.profile)).events;
    const expandedPerSec = (kind: string) =>
      expansion.filter((e) => e.kind === kind).reduce((a, e) => a + (e.perGuestSec ?? 0), 0) * (guestSeconds / (seconds * vcpus));
    for (const kind of supplied) {
      const before = measuredPerSec(kind);
      if (before > 0) notes.push(`${kind}: the measured exits gave ${round(before, 4)}/s per vCPU; the perf stat of the guest, expanded under ${guestOs.guestOs.name}, gives ${round(expandedPerSec(kind), 4)}/s — the guest section is used`);
    }
    for (let i = events.length - 1; i >= 0; i--) if (supplied.has(events[i].kind)) events.splice(i, 1);
    notes.push(`guest activity from ${g.file}: ${Object.keys(guest).filter((k) => k !== 'os').join(', ') || 'none'} (the guest section; the guest model expands it under ${guestOs.guestOs.name})`);
  }

  const workload = Workload.parse({
    name: o.name,
    description: `Imported from ${m.file} (${m.format}${m.tables > 1 ? `, table ${m.table} of ${m.tables}` : ''}): ${m.exits.reduce((a, e) => a + e.count, 0)} exits in ${window} s on ${vcpus} vCPU(s), measured with features ${featureSetLabel(features, o.profile.arch)}.`,
    sources: [`exitsim import of ${m.file} (${m.format}) on profile ${o.profile.name}, features ${featureSetLabel(features, o.profile.arch)}`, ...assumptions.map((a) => `assumed: ${a}`), ...notes],
    kind: open ? 'open' : 'closed',
    unitName: open ? IMPORTED_WAKE_UP_UNIT : '1 ms of guest work',
    cyclesPerUnit,
    ...(open ? { arrivalsPerSec: round(arrivalRate * vcpus) } : {}),
    apicMode,
    usesDebugRegisters: byReason.has(R.DR_ACCESS),
    interruptWindowProbability: 0,
    levelTriggeredFraction: 0,
    tprBelowThresholdProbability: 0,
    interruptHandlerCycles: 0,
    timerProgramsPerIdleEntry: 0,
    ...(tlb ? { tlb } : {}),
    devices,
    ...(guest ? { guest } : {}),
    events,
  });
  return { workload, notes, assumptions, unobservable, windowSec: window, vcpus, hostTickHz };
}
