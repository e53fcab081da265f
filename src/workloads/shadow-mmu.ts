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
