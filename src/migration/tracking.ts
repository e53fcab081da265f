// Dirty-page tracking as KVM does it, as the exits it makes the guest take per page it dirties for the
// first time in a round (KVM re-protects every page, or clears its dirty bit, at each bitmap sync).
// Each cost is the profile's where one exists, else an estimate that says so: no per-operation figure
// of a write-protect fault, a PML flush or a ring reap was found.
import { InputError } from '../config/errors.js';
import type { Profile } from '../config/schema.js';
import { ARCHITECTURES, archOf } from '../exits/arch/index.js';
import { FEATURE_BIT } from '../exits/features.js';

export const TRACKING_MODES = ['bitmap', 'bitmap-manual', 'pml', 'ring'] as const;
export type TrackingMode = (typeof TRACKING_MODES)[number];

/** One kind of exit the tracking makes the guest take: its reason, how many per newly dirtied page, its handler cycles. */
export interface TrackingExit {
  reason: string;
  perDirtiedPage: number;
  handlerCycles: number;
  what: string;
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

/** The exits `mode` costs the guest on `profile` under `features`; refused where the CPU or the paging mode lacks it. */
export function trackingExits(mode: TrackingMode, profile: Profile, features: number, flag = '--dirty-tracking'): TrackingExit[] {
  const arch = ARCHITECTURES[archOf(profile).id];
  const nestedPaging = (features & FEATURE_BIT.ept) !== 0;
  // Without nested paging the shadow MMU write-protects the guest's own page tables' targets: a guest #PF exit.
  const faultReason = nestedPaging ? arch.exits['nested-page-fault'] : arch.exits['guest-page-fault'];
  const faultHandler = nestedPaging ? profile.handlerCycles['ept-violation'] : profile.handlerCycles['shadow-page-fault'];
  const writeProtect: TrackingExit = {
    reason: faultReason,
    perDirtiedPage: 1,
    handlerCycles: faultHandler.value,
    what: 'write-protect fault on the first write to a page after the round re-protected it',
    source: `the profile's ${nestedPaging ? 'ept-violation' : 'shadow-page-fault'} handler (estimate: KVM's lockless fast path for a write-protect fault is cheaper; no per-fault figure found)`,
  };
  switch (mode) {
    case 'bitmap':
    case 'bitmap-manual':
      return [writeProtect];
    case 'pml':
      if (!profile.capabilities.pml) throw new InputError('command line', flag, `a tracking mode ${profile.name}'s CPU has (bitmap, bitmap-manual, ring; pml needs Intel Broadwell or later)`, "'pml'");
      if (!nestedPaging) throw new InputError('command line', flag, 'pml with nested paging (EPT): PML logs guest-physical writes in the EPT', "'pml' under shadow paging", ' — add ept to --features, or use bitmap');
      return [{
        reason: 'PML_FULL',
        perDirtiedPage: 1 / PML_ENTRIES,
        handlerCycles: PML_ENTRIES * PML_FLUSH_CYCLES_PER_ENTRY,
        what: `PML buffer full (${PML_ENTRIES} logged pages): KVM flushes it into the dirty bitmap`,
        source: `estimate: ${PML_ENTRIES} entries × ${PML_FLUSH_CYCLES_PER_ENTRY} cycles each (vmx_flush_pml_buffer; no figure found)`,
      }];
    case 'ring':
      return [
        writeProtect,
        {
          reason: faultReason,
          perDirtiedPage: 1 / DIRTY_RING_ENTRIES,
          handlerCycles: profile.kernelUserRoundTripCycles.value + DIRTY_RING_ENTRIES * REAP_CYCLES_PER_ENTRY,
          what: `dirty ring full (${DIRTY_RING_ENTRIES} entries): KVM_EXIT_DIRTY_RING_FULL to the VMM, which reaps the ring before the vCPU runs again`,
          source: `the profile's kernel↔user round trip + ${DIRTY_RING_ENTRIES} entries × ${REAP_CYCLES_PER_ENTRY} cycles of reaping (estimate)`,
        },
      ];
  }
}
