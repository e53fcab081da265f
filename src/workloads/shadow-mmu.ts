// The shadow MMU's bookkeeping as closed forms of a workload's address spaces
// (issue 14): how often a guest CR3 switch finds its shadow root cached, and how
// many page-table writes trap when a short-lived process comes and goes. KVM's
// constants are cited from its sources; the model around them is stated here.

/**
 * Previous shadow roots KVM keeps per vCPU besides the current one, for a
 * CR3 switch without rebuilding (an LRU cache): KVM_MMU_NUM_PREV_ROOTS = 3,
 * arch/x86/include/asm/kvm_host.h (Junaid Shahid, "kvm: x86: Add multi-entry
 * LRU cache for previous CR3s", 2018).
 */
export const KVM_MMU_NUM_PREV_ROOTS = 3;

/**
 * Probability that a guest CR3 switch misses KVM's root cache, for a vCPU that
 * switches among `addressSpaces` address spaces, each switch to one of the
 * others at random (the independent-reference model): the LRU list holds the
 * 3 most recent of the A − 1 others, so a switch hits with probability
 * min(1, 3 / (A − 1)).
 */
export function rootMissProbability(addressSpaces: number): number {
  if (addressSpaces <= 1 + KVM_MMU_NUM_PREV_ROOTS) return 0;
  return 1 - KVM_MMU_NUM_PREV_ROOTS / (addressSpaces - 1);
}

/**
 * Trapped page-table writes per process lifecycle (fork + exec + exit): fork
 * write-protects the parent's private mappings (copy_page_range), a write to
 * each of its shadowed page-table pages; the exit of the new image clears
 * each of its page-table pages. Each shadowed page traps on its first write —
 * a leaf table then goes unsync (mmu_try_to_unsync_pages) and an upper level
 * is zapped after 3 (detect_write_flooding), both in arch/x86/kvm/mmu/mmu.c —
 * so about one trap per page-table page, twice. The copy that exec discards
 * has barely run and has few shadowed pages: not counted.
 */
export function lifecycleWriteTraps(pageTablePagesPerProcess: number): number {
  return 2 * pageTablePagesPerProcess;
}

/**
 * The share of each shadow-MMU handler spent holding the VM-wide `mmu_lock` for write. KVM's
 * shadow page fault walks the guest tables first and takes the lock only to install the shadow
 * entry (FNAME(page_fault), arch/x86/kvm/mmu/paging_tmpl.h: write_lock(&vcpu->kvm->mmu_lock)
 * after FNAME(walk_addr)); a trapped page-table write decodes and emulates the store before it
 * updates the shadows under the lock (kvm_mmu_track_write); a CR3 switch frees and allocates roots
 * and syncs unsync children under it (kvm_mmu_free_roots, mmu_alloc_shadow_roots,
 * kvm_mmu_sync_roots); INVLPG syncs the entry under it (FNAME(invlpg)). The TDP MMU's EPT/NPT
 * faults take it for read (direct_page_fault, since Linux 5.12) and do not serialize: absent here.
 * The shares themselves are estimates (no published per-phase figure): half of each handler.
 */
export const MMU_LOCK_HELD_SHARE: Readonly<Partial<Record<string, number>>> = {
  'shadow-page-fault': 0.5,
  'pt-write-emulate': 0.5,
  'cr3-write-shadow': 0.5,
  'invlpg-shadow': 0.5,
};

/** One vCPU's shadow-MMU work per cycle of guest computation, from its plans' means. */
export interface MmuLockLoad {
  /** Write acquisitions of `mmu_lock` per guest cycle. */
  acquisitionsPerGuestCycle: number;
  /** Cycles holding it per guest cycle. */
  holdCyclesPerGuestCycle: number;
  /** Host cycles (exits, handlers) per guest cycle, before any wait for the lock. */
  overheadCyclesPerGuestCycle: number;
}

/**
 * Mean cycles a vCPU spins for `mmu_lock` at each acquisition, when `concurrentVcpus` vCPUs of one VM
 * run at once, each with `load`; `busyShare` caps the share of a vCPU's wall time spent in guest
 * computation (1 for a closed workload, its native utilization for an open one).
 *
 * The closed form: the other vCPUs' acquisitions are a Poisson stream and the holds about constant,
 * so a vCPU waits as in an M/D/1 queue, W = ρh / (2(1 − ρ)), with h the mean hold and ρ the others'
 * utilization of the lock. Waiting slows every vCPU, which thins the stream: W is the fixed point
 * W = g(W), found by bisection (g falls as W grows, so there is exactly one). Deterministic, before
 * the run: the engine charges W as handler time on every step that takes the lock. It is an
 * approximation — no order, no burst of faults after a fork — and says nothing of read holds.
 */
export function mmuLockWaitCycles(load: MmuLockLoad, concurrentVcpus: number, busyShare = 1): number {
  const { acquisitionsPerGuestCycle: a, holdCyclesPerGuestCycle: hold, overheadCyclesPerGuestCycle: overhead } = load;
  if (concurrentVcpus < 2 || a <= 0 || hold <= 0) return 0;
  const meanHold = hold / a;
  const others = concurrentVcpus - 1;
  // The others' utilization of the lock when each acquisition also waits `w` cycles.
  const rho = (w: number) => others * hold * Math.min(busyShare, 1 / (1 + overhead + w * a));
  const excess = (w: number) => {
    const r = rho(w);
    return r >= 1 ? -Infinity : w - (r * meanHold) / (2 * (1 - r));
  };
  let lo = 0;
  let hi = meanHold;
  while (excess(hi) < 0) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-6 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
