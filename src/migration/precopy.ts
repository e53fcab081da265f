// QEMU's pre-copy controller, round by round: the first round sends all of memory, each next one the
// pages dirtied while the last was sent, at the link's bandwidth; after each round (the dirty-bitmap
// sync) it stops the guest and sends the rest once that fits the downtime limit at the bandwidth
// (migration.c: pending ≤ threshold_size = bandwidth × downtime-limit). With auto-converge, a round
// that dirtied more than the trigger threshold of what it sent counts as "high"; the second high
// round throttles the guest (20%, then +10% each time, at most 99%; ram.c migration_trigger_throttle,
// mig_throttle_guest_down). It gives up at a round limit or a timeout and says so.
import { distinctPagesDirtied, type WriteModel } from './dirty.js';

/** QEMU's defaults (migration/options.c: DEFAULT_MIGRATE_SET_DOWNTIME, DEFAULT_MIGRATE_*THROTTLE*; MAX_THROTTLE is max-bandwidth's default). */
export const QEMU_DEFAULTS = {
  downtimeLimitSec: 0.3,
  maxBandwidthBytesPerSec: 128 * 2 ** 20,
  throttleInitialPct: 20,
  throttleIncrementPct: 10,
  throttleMaxPct: 99,
  throttleTriggerThresholdPct: 50,
  source: 'QEMU migration/options.c: DEFAULT_MIGRATE_SET_DOWNTIME 300 (ms), DEFAULT_MIGRATE_THROTTLE_TRIGGER_THRESHOLD 50, DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL 20, DEFAULT_MIGRATE_CPU_THROTTLE_INCREMENT 10, DEFAULT_MIGRATE_MAX_CPU_THROTTLE 99, MAX_THROTTLE (128 << 20)',
} as const;

/** CPU state per vCPU (registers, an XSAVE area of up to ~11 KiB with AVX-512, MSRs, the local APIC) and the devices' state, sent with the guest stopped: an estimate, no figure found. */
export function deviceStateBytes(vcpus: number): number {
  return vcpus * 16 * 2 ** 10 + 512 * 2 ** 10;
}

export interface PrecopyOptions {
  pageBytes: number;
  write: WriteModel;
  bandwidthBytesPerSec: number;
  downtimeLimitSec: number;
  autoConverge: boolean;
  /** Rounds after which it stops and says it does not converge. */
  maxRounds: number;
  /** Seconds after which it stops and says it does not converge. */
  timeoutSec: number;
  /** Seconds before the first page is sent (starting dirty logging, the first bitmap). */
  setupSec: number;
  /** Seconds of the bitmap sync after a round that dirtied `pagesDirtied` pages (host work between rounds); none when absent. */
  syncSec?: (pagesDirtied: number) => number;
  /** Device state sent with the guest stopped, after the last pages (CPU, devices). */
  deviceStateBytes?: number;
  /**
   * Switch to post-copy after this many pre-copy rounds if it has not converged by then (QEMU's
   * postcopy-ram capability and migrate-start-postcopy): the guest stops for the device state, resumes
   * on the destination, and the pages still dirty follow in the background or on its demand.
   */
  postcopyAfterRounds?: number;
}

export interface PrecopyRound {
  /** 1 is the bulk round (all of memory). */
  round: number;
  startSec: number;
  durationSec: number;
  pagesSent: number;
  /** Distinct pages the guest dirtied during the round: the next round's to send. */
  pagesDirtied: number;
  /** The guest's throttle during the round, %. */
  throttlePct: number;
  /** The bitmap sync after the round (host work before the next round starts). */
  syncSec: number;
}

export interface PrecopyResult {
  converged: boolean;
  /** Why it stopped: 'converged', 'post-copy' (switched, and so completes), 'round limit' or 'timeout'. */
  stop: 'converged' | 'post-copy' | 'round limit' | 'timeout';
  /** The post-copy phase, when it switched: the pages still dirty, sent after the guest resumed on the destination. */
  postcopy?: { startSec: number; durationSec: number; outstandingPages: number };
  rounds: PrecopyRound[];
  /** Stop-and-copy: the last pages sent with the guest paused (0 when it did not converge). */
  downtimeSec: number;
  /** Set-up, every round and the stop-and-copy (or the time until it gave up). */
  totalSec: number;
  transferredBytes: number;
  /** The throttle when it stopped, %. */
  finalThrottlePct: number;
}

export function simulatePrecopy(o: PrecopyOptions): PrecopyResult {
  const pageBytes = o.pageBytes;
  const rounds: PrecopyRound[] = [];
  let t = o.setupSec;
  let toSend = o.write.pages;
  let transferred = 0;
  let throttle = 0;
  let high = 0;
  for (let round = 1; round <= o.maxRounds; round++) {
    const durationSec = (toSend * pageBytes) / o.bandwidthBytesPerSec;
    const pagesDirtied = distinctPagesDirtied(o.write, durationSec, 1 - throttle / 100);
    const sync = o.syncSec?.(pagesDirtied) ?? 0;
    rounds.push({ round, startSec: t, durationSec, pagesSent: toSend, pagesDirtied, throttlePct: throttle, syncSec: sync });
    // The bitmap sync after the round (host work while the guest runs on): what is left to send, and
    // whether it fits the downtime limit. Stopped, the guest waits for the last sync, the last pages and
    // the device state.
    t += durationSec + sync;
    transferred += toSend * pageBytes;
    if (pagesDirtied * pageBytes <= o.bandwidthBytesPerSec * o.downtimeLimitSec) {
      const device = o.deviceStateBytes ?? 0;
      const downtimeSec = (o.syncSec?.(0) ?? 0) + (pagesDirtied * pageBytes + device) / o.bandwidthBytesPerSec;
      return { converged: true, stop: 'converged', rounds, downtimeSec, totalSec: t + downtimeSec, transferredBytes: transferred + pagesDirtied * pageBytes + device, finalThrottlePct: throttle };
    }
    if (o.postcopyAfterRounds !== undefined && round >= o.postcopyAfterRounds) {
      // Stopped only for the last sync and the device state; the dirty pages follow the guest.
      const device = o.deviceStateBytes ?? 0;
      const downtimeSec = (o.syncSec?.(0) ?? 0) + device / o.bandwidthBytesPerSec;
      const durationSec = (pagesDirtied * pageBytes) / o.bandwidthBytesPerSec;
      return { converged: true, stop: 'post-copy', rounds, downtimeSec, totalSec: t + downtimeSec + durationSec, transferredBytes: transferred + pagesDirtied * pageBytes + device, finalThrottlePct: throttle, postcopy: { startSec: t + downtimeSec, durationSec, outstandingPages: pagesDirtied } };
    }
    if (o.autoConverge && pagesDirtied * pageBytes > (toSend * pageBytes * QEMU_DEFAULTS.throttleTriggerThresholdPct) / 100 && ++high >= 2) {
      throttle = throttle === 0 ? QEMU_DEFAULTS.throttleInitialPct : Math.min(QEMU_DEFAULTS.throttleMaxPct, throttle + QEMU_DEFAULTS.throttleIncrementPct);
      high = 0;
    }
    toSend = pagesDirtied;
    if (t >= o.timeoutSec) return { converged: false, stop: 'timeout', rounds, downtimeSec: 0, totalSec: t, transferredBytes: transferred, finalThrottlePct: throttle };
  }
  return { converged: false, stop: 'round limit', rounds, downtimeSec: 0, totalSec: t, transferredBytes: transferred, finalThrottlePct: throttle };
}
