// Dirty-page tracking as KVM does it: the exits each mode makes the guest take in a round, from what the
// guest did in it (pages dirtied for the first time since the last bitmap sync, pages touched for the
// first time since lazy splitting unmapped their huge page, huge pages split), under one of KVM's MMUs
// (src/migration/mmu.ts). Each cost is the profile's, a per-operation figure, or an estimate that says so.
import { InputError } from '../config/errors.js';
import { DEFAULT_MSR_LISTS, type Profile } from '../config/schema.js';
import { ARCHITECTURES, archOf } from '../exits/arch/index.js';
import { hardwareRoundTripCycles } from '../exits/cost.js';
import { FEATURE_BIT } from '../exits/features.js';
import { MMU_FIGURES, lockResponseSec, lockServiceSec, writeProtectTakesLock, type MmuKind } from './mmu.js';

export const TRACKING_MODES = ['bitmap', 'bitmap-manual', 'pml', 'ring'] as const;
export type TrackingMode = (typeof TRACKING_MODES)[number];

/** One kind of exit the tracking makes the guest take, as the output describes it. */
export interface TrackingExit {
  /** Which of the tracking's costs: per page it logs, per lazily split page first touched, per huge page zapped, per full buffer or ring. */
  kind: 'write-protect' | 'first-touch' | 'zap-kick' | 'pml-full' | 'ring-full';
  reason: string;
  what: string;
  handlerCycles: number;
  source: string;
}

/** PML's buffer: 512 GPAs, then a PML_FULL exit (Intel SDM §29.3.6; KVM's PML_ENTITY_NUM). */
export const PML_ENTRIES = 512;
/** QEMU's dirty-ring-size is the user's choice; 4096 entries per vCPU is the size KVM's selftests and most guides use (assumed). */
export const DIRTY_RING_ENTRIES = 4096;
/** Reaping one ring entry in the VMM (collect the GFN, reset it): an estimate. */
const REAP_CYCLES_PER_ENTRY = 50;
/** Flushing one PML entry into the dirty bitmap (a memslot lookup and a bit set): an estimate. */
const PML_FLUSH_CYCLES_PER_ENTRY = 20;

/** What the guest did in one round, in 4 KiB pages. */
export interface RoundActivity {
  durationSec: number;
  /** Distinct pages dirtied in the round (each re-protected, or its dirty bit cleared, at the last sync). */
  pagesDirtied: number;
  /** Of those, pages whose huge page lazy splitting had unmapped: each is a full fault that maps it. */
  firstTouches: number;
  /** Huge pages the guest wrote for the first time: each is zapped (lazy splitting) with a remote TLB flush. */
  hugeZaps: number;
  /**
   * The first touches come back to back (a working set the guest keeps touching: each vCPU faults again
   * as soon as it is back), not spread over the round at the write rate.
   */
  burst: boolean;
}

/** An exit stream to add to the guest's run: a rate per second of a running vCPU and its handler. */
export interface ExitStream {
  reason: string;
  perGuestSec: number;
  handlerCycles: number;
}

export interface Tracking {
  mode: TrackingMode;
  mmu: MmuKind;
  exits: TrackingExit[];
  /** The exit streams of a round, for `busyVcpus` running vCPUs at `speed` (1 − throttle). */
  roundExits(a: RoundActivity, busyVcpus: number, speed: number): ExitStream[];
  /** The mean wait on the MMU lock of the round's slow faults, in cycles (for the output). */
  lockWaitCycles(a: RoundActivity, busyVcpus: number, speed: number): number;
  /** Seconds a busy vCPU spends in the round's first-touch faults, waits included. */
  firstTouchStallSec(a: RoundActivity, busyVcpus: number, speed: number): number;
  /**
   * Post-copy on the destination: `faults` touches of pages not there yet over `durationSec`, each a
   * fault handed to the VMM by userfaultfd, the vCPU blocked until the page arrives (`waitSec`).
   */
  remoteFaults(faults: number, durationSec: number, busyVcpus: number, waitSec: number): ExitStream[];
}

/** The tracking `mode` costs on `profile` under `features` and `mmu`; refused where the CPU or the paging mode lacks it. */
export function tracking(mode: TrackingMode, profile: Profile, features: number, mmuGiven: 'tdp' | 'legacy', flag = '--dirty-tracking'): Tracking {
  const arch = ARCHITECTURES[archOf(profile).id];
  const nestedPaging = (features & FEATURE_BIT.ept) !== 0;
  const mmu: MmuKind = nestedPaging ? mmuGiven : 'shadow';
  const hz = profile.frequencyGHz.value * 1e9;
  // Without nested paging the shadow MMU write-protects the guest's pages in its shadow tables: a guest #PF exit.
  const faultReason = nestedPaging ? arch.exits['nested-page-fault'] : arch.exits['guest-page-fault'];
  const slowName = nestedPaging ? 'ept-violation' : 'shadow-page-fault';
  const slowHandler = profile.handlerCycles[slowName].value;
  // The fast path's handler: the published time of a whole fast write-protect fault, less this profile's exit and entry.
  const roundTrip = hardwareRoundTripCycles(profile, DEFAULT_MSR_LISTS, features);
  const fastHandler = Math.max(0, Math.round(MMU_FIGURES.writeProtectFaultNs.value * 1e-9 * hz - roundTrip));
  const wpTakesLock = writeProtectTakesLock(mmu);
  const wpHandler = wpTakesLock ? slowHandler : fastHandler;
  const kickReason = arch.exits['external-interrupt'];
  const kickHandler = profile.handlerCycles['external-interrupt'].value;
  const slowFaultSec = (slowHandler + roundTrip) / hz;
  const serviceSec = lockServiceSec(mmu, slowFaultSec);
  const usesWriteProtect = mode !== 'pml';
  /**
   * Exits counted over `vcpuSec` seconds of the busy vCPUs, as rates per second of guest execution (the
   * engine's unit): the guest runs for what its exits leave of that time, so a round whose exits take
   * most of it leaves the guest little — at least a thousandth, where the guest barely moves.
   */
  const perGuestSecond = (counts: Array<{ reason: string; count: number; handlerCycles: number }>, vcpuSec: number): ExitStream[] => {
    const exitSec = counts.reduce((a, x) => a + (x.count * (x.handlerCycles + roundTrip)) / hz, 0);
    const guestSec = Math.max(vcpuSec - exitSec, vcpuSec * 1e-3);
    return counts.filter((x) => x.count > 0).map((x) => ({ reason: x.reason, perGuestSec: x.count / guestSec, handlerCycles: x.handlerCycles }));
  };
  if (mode === 'pml') {
    if (!profile.capabilities.pml) throw new InputError('command line', flag, `a tracking mode ${profile.name}'s CPU has (bitmap, bitmap-manual, ring; ${arch.dirtyLogHardware})`, "'pml'");
    if (!nestedPaging) throw new InputError('command line', flag, 'pml with nested paging (EPT): PML logs guest-physical writes in the EPT', "'pml' under shadow paging", ' — add ept to --features, or use bitmap');
  }
  const lockWaitCycles = (a: RoundActivity, busyVcpus: number, speed: number): number => {
    // Faults that take the MMU lock: the lazily split pages' first touches, and under shadow paging every write-protect fault.
    const locked = a.firstTouches + a.hugeZaps + (wpTakesLock && usesWriteProtect ? Math.max(0, a.pagesDirtied - a.firstTouches) : 0);
    if (locked <= 0 || a.durationSec <= 0) return 0;
    const n = Math.max(1, Math.round(busyVcpus));
    // Each vCPU's time between two of them: back to back in a burst (the fault's own exit and handler),
    // else the demanded rate's interval, shared by the busy vCPUs.
    const intervalSec = a.burst ? slowFaultSec : (busyVcpus * a.durationSec * speed) / locked;
    const responseSec = lockResponseSec(n, Math.max(0, intervalSec - serviceSec), serviceSec);
    return (responseSec - serviceSec) * hz;
  };
  const exits: TrackingExit[] = [];
  const lockNote = mmu === 'tdp' ? 'mmu_lock for read: its cache line, twice per fault, shared by the busy vCPUs' : 'mmu_lock for write: the whole fault, one vCPU at a time';
  if (usesWriteProtect) exits.push({ kind: 'write-protect', reason: faultReason, what: 'write-protect fault on the first write to a page after the round re-protected it', handlerCycles: wpHandler, source: wpTakesLock ? `the profile's ${slowName} handler, under ${lockNote}` : `fast_page_fault, no lock: ${MMU_FIGURES.writeProtectFaultNs.value.toFixed(0)} ns a fault in all (Matlack, Linux commit a3fe5dbd, dirty_log_perf_test), less this profile's exit and entry` });
  exits.push({ kind: 'first-touch', reason: faultReason, what: 'lazy splitting: the first touch of each 4 KiB page of a zapped huge page is a full fault that maps it', handlerCycles: slowHandler, source: `the profile's ${slowName} handler, plus the wait on ${lockNote}` });
  exits.push({ kind: 'zap-kick', reason: kickReason, what: 'lazy splitting: zapping a huge page flushes every vCPU\'s TLB (a kick, an exit on each other running vCPU)', handlerCycles: kickHandler, source: "the profile's external-interrupt handler" });
  if (mode === 'pml') exits.push({ kind: 'pml-full', reason: 'PML_FULL', what: `PML buffer full (${PML_ENTRIES} logged pages): KVM flushes it into the dirty bitmap`, handlerCycles: PML_ENTRIES * PML_FLUSH_CYCLES_PER_ENTRY, source: `estimate: ${PML_ENTRIES} entries × ${PML_FLUSH_CYCLES_PER_ENTRY} cycles each (vmx_flush_pml_buffer; no figure found)` });
  const ringHandler = profile.kernelUserRoundTripCycles.value + DIRTY_RING_ENTRIES * REAP_CYCLES_PER_ENTRY;
  if (mode === 'ring') exits.push({ kind: 'ring-full', reason: faultReason, what: `dirty ring full (${DIRTY_RING_ENTRIES} entries): KVM_EXIT_DIRTY_RING_FULL to the VMM, which reaps the ring before the vCPU runs again`, handlerCycles: ringHandler, source: `the profile's kernel↔user round trip + ${DIRTY_RING_ENTRIES} entries × ${REAP_CYCLES_PER_ENTRY} cycles of reaping (estimate)` });
  return {
    remoteFaults: (faults, durationSec, busyVcpus, waitSec) =>
      durationSec > 0 ? perGuestSecond([{ reason: faultReason, count: faults, handlerCycles: Math.round(slowHandler + profile.kernelUserRoundTripCycles.value + waitSec * hz) }], durationSec * busyVcpus) : [],
    mode, mmu, exits, lockWaitCycles,
    firstTouchStallSec: (a, busyVcpus, speed) => (a.firstTouches / Math.max(1, busyVcpus)) * (slowFaultSec + lockWaitCycles(a, busyVcpus, speed) / hz),
    roundExits(a, busyVcpus, speed) {
      if (a.durationSec <= 0) return [];
      const wait = lockWaitCycles(a, busyVcpus, speed);
      const logged = Math.max(0, a.pagesDirtied - a.firstTouches);
      const counts: Array<{ reason: string; count: number; handlerCycles: number }> = [];
      if (usesWriteProtect) counts.push({ reason: faultReason, count: logged, handlerCycles: wpHandler + (wpTakesLock ? wait : 0) });
      counts.push({ reason: faultReason, count: a.firstTouches + a.hugeZaps, handlerCycles: slowHandler + wait });
      counts.push({ reason: kickReason, count: a.hugeZaps * Math.max(0, busyVcpus - 1), handlerCycles: kickHandler });
      if (mode === 'pml') counts.push({ reason: 'PML_FULL', count: logged / PML_ENTRIES, handlerCycles: PML_ENTRIES * PML_FLUSH_CYCLES_PER_ENTRY });
      if (mode === 'ring') counts.push({ reason: faultReason, count: a.pagesDirtied / DIRTY_RING_ENTRIES, handlerCycles: ringHandler });
      return perGuestSecond(counts, a.durationSec * busyVcpus * speed);
    },
  };
}

/**
 * Host work of one bitmap sync after a round (the migration thread, between rounds): scanning the bitmap
 * and re-protecting the pages the round dirtied. The ring has no bitmap: its reaping is in its exits.
 */
export function syncSec(mode: TrackingMode, pages: number, pagesDirtied: number): number {
  if (mode === 'ring') return 0;
  return (Math.ceil(pages / 64) * MMU_FIGURES.bitmapScanNsPerWord.value + pagesDirtied * MMU_FIGURES.reprotectNsPerPage.value) * 1e-9;
}

/** Host work before the first page is sent: write-protecting all of memory (not with bitmap-manual's initially-all-set), and eager splitting. */
export function setupSec(mode: TrackingMode, leafEntries: number, eagerSpltes: number): number {
  const protect = mode === 'bitmap' || mode === 'pml' ? leafEntries * MMU_FIGURES.reprotectNsPerPage.value : 0;
  return (protect + eagerSpltes * MMU_FIGURES.eagerSplitNsPerSpte.value) * 1e-9;
}
