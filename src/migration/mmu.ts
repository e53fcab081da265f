// KVM's MMU under dirty logging: what a fault costs the vCPU that takes it, and what the vCPUs cost each
// other on the MMU lock. Three MMUs: the TDP MMU (Linux ≥ 5.10, the default on x86 with EPT/NPT since
// 5.15), whose faults take `mmu_lock` for read; the legacy MMU (tdp_mmu=N), whose slow faults take it for
// write; shadow paging (no EPT), whose faults all take it for write. A write-protect fault on a page that
// is mapped at 4 KiB goes through `fast_page_fault` without the lock, under either TDP mode.

/** A per-operation figure with its source, in the units of its name. */
export interface MmuFigure {
  value: number;
  source: string;
  /** calibrated: taken from a published per-operation figure; estimate: no figure found. */
  basis: 'calibrated' | 'estimate';
}

export const MMU_KINDS = ['tdp', 'legacy'] as const;
export type MmuKind = (typeof MMU_KINDS)[number] | 'shadow';

const MATLACK = 'D. Matlack, "KVM: x86/mmu: Split huge pages mapped by the TDP MMU when dirty logging is enabled", Linux commit a3fe5dbd (5.19): dirty_log_perf_test, 96 vCPUs × 1 GiB of 1 GiB HugeTLB pages';

export const MMU_FIGURES = {
  /**
   * One write-protect fault through the fast path, exit and entry included: 0.14 s for each vCPU to
   * write its 262,144 pages once after eager splitting, all of it faults.
   */
  writeProtectFaultNs: { value: (0.14 / 262_144) * 1e9, source: `${MATLACK}: vCPUs write all their memory in 0.14 s after eager splitting (0.14 s / 262,144 write-protect faults)`, basis: 'calibrated' } satisfies MmuFigure,
  /** Eager splitting, per 4 KiB-level entry it fills: 96 GiB of 1 GiB pages (96 + 96×512 tables of 512 entries) split in 1.55 s. */
  eagerSplitNsPerSpte: { value: (1.55 / ((96 + 96 * 512) * 512)) * 1e9, source: `${MATLACK}: enabling dirty logging on 96 GiB took 1.55 s with eager splitting (0.001 s without)`, basis: 'calibrated' } satisfies MmuFigure,
  /**
   * Moving the lock's cache line to the next core: a read_lock and a read_unlock are an atomic each on
   * the rwlock word (qrwlock), so a fault under the read lock holds the line twice.
   */
  cacheLineTransferNs: { value: 42, source: 'J. McCalpin (Intel forums, "Core-to-Core Communication Latency in Skylake/Kaby Lake", 2016): Intel MLC L2→L2 modified intervention 40.3–42.3 ns on a Xeon E5-2660 v4, same socket; a line crossing sockets costs more (not modelled)', basis: 'calibrated' } satisfies MmuFigure,
  /** Write-protecting one 4 KiB entry when a round's dirty log is collected or cleared (clear the writable or dirty bit in a walk). */
  reprotectNsPerPage: { value: 10, source: 'estimate: an atomic bit clear in a sequential walk of the leaf tables; no per-entry figure found', basis: 'estimate' } satisfies MmuFigure,
  /**
   * The migration thread's CPU per byte it sends (find the dirty pages, copy them into the socket, TCP):
   * one thread, so at most one core — on a fast link it, not the link, sets the bandwidth (why QEMU
   * has multifd).
   */
  migrationThreadCyclesPerByte: { value: 1, source: 'estimate: a copy and a TCP send of each byte, about a cycle per byte; no per-byte figure of QEMU\'s migration thread was found', basis: 'estimate' } satisfies MmuFigure,
  /** Post-copy: a remote page request's round trip (userfaultfd wakes the VMM, it asks the source over the network, the page comes back and is placed), the page's time on the wire aside. */
  remoteFaultRoundTripUs: { value: 50, source: 'estimate: a TCP round trip inside a data centre and two user-space wake-ups; QEMU reports these latencies (postcopy blocktime) but no published figure was found', basis: 'estimate' } satisfies MmuFigure,
  /** Scanning the dirty bitmap per 64 pages (one word) when it is collected. */
  bitmapScanNsPerWord: { value: 1, source: 'estimate: one word of the bitmap read, tested and copied to user space', basis: 'estimate' } satisfies MmuFigure,
} as const;

/**
 * The mean time a request spends at a lock held `serviceSec` each time, by `n` vCPUs that each come back
 * `thinkSec` after they leave it: exact mean-value analysis of a closed network of one queue and a delay
 * (Reiser & Lavenberg 1980). Under saturation the answer tends to n × service − think: the vCPUs take
 * turns.
 */
export function lockResponseSec(n: number, thinkSec: number, serviceSec: number): number {
  let queue = 0;
  let response = serviceSec;
  for (let k = 1; k <= n; k++) {
    response = serviceSec * (1 + queue);
    queue = (k * response) / (response + thinkSec);
  }
  return response;
}

/** How long one slow fault holds the MMU lock's attention: the line twice under the read lock, the whole handler under the write lock. */
export function lockServiceSec(mmu: MmuKind, slowHandlerSec: number): number {
  return mmu === 'tdp' ? 2 * MMU_FIGURES.cacheLineTransferNs.value * 1e-9 : slowHandlerSec;
}

/** Whether a write-protect fault on a 4 KiB page takes the lock (shadow paging) or goes through the lockless fast path. */
export function writeProtectTakesLock(mmu: MmuKind): boolean {
  return mmu === 'shadow';
}
