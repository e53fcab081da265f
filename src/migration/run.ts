// A migration of one VM, round by round: QEMU's pre-copy controller decides how long each round lasts
// and how many pages the guest dirties in it; the engine then runs the guest with the exits its dirty
// tracking makes it take at that round's rate, so each round has the guest's efficiency and exits.
import { InputError } from '../config/errors.js';
import { Workload } from '../config/schema.js';
import { Simulation } from '../engine/simulation.js';
import { summarize } from '../metrics/summarize.js';
import { buildRunModel, runId, summaryContext, type RunSpec } from '../request/run-path.js';
import { distinctPagesDirtied, writesForMeasuredRate, type WriteModel } from './dirty.js';
import { simulatePrecopy, type PrecopyOptions, type PrecopyResult } from './precopy.js';
import { MMU_FIGURES } from './mmu.js';
import { setupSec, syncSec, tracking, type ExitStream, type TrackingExit, type TrackingMode } from './tracking.js';

/** The pre-copy controller's options (its write model is built here from the dirty rate), and the guest's. */
export interface MigrationOptions extends Omit<PrecopyOptions, 'write' | 'syncSec'> {
  memoryBytes: number;
  /**
   * The dirty rate: distinct pages dirtied per second as QEMU's calc-dirty-rate measures it (over 1 s),
   * for the whole guest, or per second of each busy vCPU (the workload's own figure, scaled by how many
   * of its vCPUs run).
   */
  dirtyRate: { pagesPerSec: number } | { pagesPerBusyVcpuSec: number };
  /** Hot set: bytes and the share of writes landing on it (0 bytes: writes uniform over memory). */
  hotBytes: number;
  hotShare: number;
  mode: TrackingMode;
  /** KVM's MMU under nested paging: the TDP MMU (faults under mmu_lock for read) or the legacy one (for write). Shadow paging without EPT. */
  mmu: 'tdp' | 'legacy';
  /** The guest memory's backing pages (4 KiB, 2 MiB, 1 GiB): huge ones are split to 4 KiB for dirty logging. */
  backingPageBytes: number;
  /** The guest's working set: after lazy splitting zaps a huge page, each of its 4 KiB pages the guest touches (reads too) faults once. 0: writes only. */
  workingSetBytes: number;
  /** Split every huge page when dirty logging starts (host work in the set-up), not on the guest's first write to it. */
  eagerSplit: boolean;
  /** Called after each round's run (a live view): the round, and how many rounds there are. */
  onRound?: (round: MigrationRound, rounds: number) => void;
  /** Switch to post-copy after this many pre-copy rounds (absent: pre-copy only). */
  postcopyAfterRounds?: number;
  /** Time and downtime only: no engine run per round (each round's guest figures are the guest's before). */
  precopyOnly?: boolean;
  /** Simulated seconds of the guest per round's run (each round's exits are at their rate, so a short window serves). */
  windowSec: number;
}

export interface MigrationRound {
  round: number;
  /** pre-copy (the guest on the source, its pages logged), or post-copy (on the destination, the rest following). */
  phase: 'pre-copy' | 'post-copy';
  /** Post-copy: touches of pages not on the destination yet, each a remote fault that blocks the vCPU. */
  remote_faults: number;
  start_s: number;
  duration_s: number;
  /** The bitmap sync after the round: host work before the next round starts. */
  sync_s: number;
  pages_sent: number;
  pages_dirtied: number;
  /** Pages of lazily split huge pages touched for the first time: a full fault each. */
  first_touch_faults: number;
  /** Huge pages zapped on the guest's first write to them (lazy splitting). */
  huge_pages_split: number;
  /** Mean wait of a slow fault on the MMU lock, cycles. */
  lock_wait_cycles: number;
  /** Cores the migration thread used in the round (sending and the sync). */
  migration_thread_cores: number;
  /** Share of the busy vCPUs' pCPU time the migration thread took, when the host had no spare pCPU for it, %. */
  steal_pct: number;
  /** Seconds each busy vCPU spends in the round's first-touch faults, waits included (lazy splitting's stall). */
  first_touch_stall_s: number;
  throttle_pct: number;
  guest_efficiency: number | null;
  exits_per_s: Record<string, number>;
  /** Exits the guest took in the round, by reason (its rates over the guest's running time in it). */
  exits_by_reason: Record<string, number>;
}

export interface MigrationResult {
  /** The bandwidth the migration ran at, bytes/s: the link's, or one migration thread's at most. */
  bandwidth_bytes_per_s: number;
  bandwidth_limited_by: 'link' | 'migration thread';
  /** The dirty rate the guest ran at: given, or the workload's per busy vCPU × its busy vCPUs. */
  dirty_pages_per_s: number;
  converged: boolean;
  stop: PrecopyResult['stop'];
  total_time_s: number;
  downtime_ms: number;
  /** Pre-copy rounds (the post-copy phase, when there is one, is the timeline's last entry). */
  rounds: number;
  transferred_gib: number;
  /** The guest's efficiency over the pre-copy rounds, weighted by their duration (throttling aside). */
  guest_efficiency_during: number | null;
  /** The guest's efficiency outside a migration (the same window, no tracking). */
  guest_efficiency_before: number | null;
  /** Where the time goes: set-up, the bulk round, the later rounds, the syncs between rounds, the downtime. */
  time_s: { setup: number; bulk_round: number; later_rounds: number; syncs: number; downtime: number; postcopy: number };
  /** Before the first page is sent: write-protecting memory, and with eager splitting the splitting of every huge page. */
  setup_s: number;
  final_throttle_pct: number;
  mmu: string;
  /** Exits the guest took during the pre-copy rounds, by reason. */
  exits_by_reason: Record<string, number>;
  tracking: TrackingExit[];
  write_model: WriteModel;
  timeline: MigrationRound[];
}

export function migrate(spec: RunSpec, features: number, o: MigrationOptions, file = 'command line'): MigrationResult {
  const pages = Math.floor(o.memoryBytes / o.pageBytes);
  const track = tracking(o.mode, spec.profile, features, o.mmu);
  const window = { ...spec, scenario: { ...spec.scenario, durationSec: o.windowSec, warmupSec: Math.min(spec.scenario.warmupSec, o.windowSec / 10) } };
  const native = new Simulation(buildRunModel(window, 0, { nativeMode: true })).run();
  const vcpus = spec.scenario.vms.reduce((a, v) => a + v.vcpus * v.count, 0);
  const run = (extra: ExitStream[]) => {
    const w = new Map(spec.workloads);
    const [key, entry] = [...w.entries()][0];
    w.set(key, { ...entry, workload: Workload.parse({ ...entry.workload, events: [...entry.workload.events, ...extra.map((x) => ({ kind: 'raw-exit', reason: x.reason, handlerCycles: x.handlerCycles, perGuestSec: x.perGuestSec, source: 'exitsim migrate: dirty tracking' }))] }) });
    const s = { ...window, workloads: w };
    const raw = new Simulation(buildRunModel(s, features)).run();
    return summarize(raw, native, summaryContext(s, features, runId('migrate', features)));
  };
  const before = run([]);
  // The guest's busy vCPUs: tracking exits come per page it writes, which it does only while it runs,
  // and the engine's rates are per guest-second of a running vCPU.
  const busyVcpus = Math.max(1e-9, vcpus * busyShare(before));
  const dirtyPagesPerSec = 'pagesPerSec' in o.dirtyRate ? o.dirtyRate.pagesPerSec : o.dirtyRate.pagesPerBusyVcpuSec * busyVcpus;
  if (dirtyPagesPerSec >= pages) throw new InputError(file, '--dirty-rate', `a dirty rate below the guest's memory per second (${pages.toLocaleString('en-US')} pages of ${o.pageBytes} bytes)`, `${Math.round(dirtyPagesPerSec).toLocaleString('en-US')} pages/s`);
  const hotPages = Math.min(pages, Math.floor(o.hotBytes / o.pageBytes));
  const writesPerSec = writesForMeasuredRate({ pages, hotPages, hotShare: o.hotShare }, dirtyPagesPerSec);
  if (!Number.isFinite(writesPerSec)) throw new InputError(file, '--dirty-rate', 'a dirty rate a hot set of that size can produce in a second', `${dirtyPagesPerSec} pages/s`);
  const write: WriteModel = { writesPerSec, pages, hotPages, hotShare: o.hotShare };
  // Huge pages: each is split into page tables of 4 KiB entries, level by level (a 1 GiB page into 2 MiB
  // ones, each of those into 4 KiB ones), either all at once when dirty logging starts (eager: host work
  // in the set-up) or lazily: the guest's first write to a huge page zaps it, and then every 4 KiB page
  // of it the guest touches is a full fault that maps it.
  const huge = o.backingPageBytes > o.pageBytes;
  const lazy = huge && !o.eagerSplit;
  const eagerSptes = huge && o.eagerSplit ? splitLevels(o.backingPageBytes, o.pageBytes).reduce((a, size) => a + Math.floor(o.memoryBytes / size) * SPTES_PER_TABLE, 0) : 0;
  const leafEntries = huge && !o.eagerSplit ? Math.floor(o.memoryBytes / o.backingPageBytes) : pages;
  // The migration thread: one core at most, so it caps the bandwidth on a fast link.
  const hz = spec.profile.frequencyGHz.value * 1e9;
  const cyclesPerByte = MMU_FIGURES.migrationThreadCyclesPerByte.value;
  const bandwidth = Math.min(o.bandwidthBytesPerSec, hz / cyclesPerByte);
  const pre = simulatePrecopy({
    pageBytes: o.pageBytes, write, bandwidthBytesPerSec: bandwidth, downtimeLimitSec: o.downtimeLimitSec, autoConverge: o.autoConverge, maxRounds: o.maxRounds, timeoutSec: o.timeoutSec,
    setupSec: o.setupSec + setupSec(o.mode, leafEntries, eagerSptes), syncSec: (dirtied) => syncSec(o.mode, pages, dirtied), deviceStateBytes: o.deviceStateBytes, postcopyAfterRounds: o.postcopyAfterRounds,
  });
  // Distinct 4 KiB pages, and distinct huge pages, the guest has written after g seconds of its own time since logging started.
  const hugeWrite: WriteModel = { ...write, pages: Math.max(1, Math.floor(o.memoryBytes / o.backingPageBytes)), hotPages: Math.floor(o.hotBytes / o.backingPageBytes) };
  const firstWritten = (g: number) => (lazy ? distinctPagesDirtied(write, g) : 0);
  const hugeWritten = (g: number) => (lazy ? distinctPagesDirtied(hugeWrite, g) : 0);
  // The working set's pages in the huge pages zapped so far (spread evenly over them): touched at once, each faults.
  const workingSetPages = Math.min(pages, Math.floor(o.workingSetBytes / o.pageBytes));
  const workingSetTouched = (g: number) => (workingSetPages * hugeWritten(g)) / hugeWrite.pages;
  const exitsTotal: Record<string, number> = {};
  let weighted = 0;
  let weight = 0;
  let guestSec = 0;
  /** A phase's run: its exit rates, its exits (over `guestSec` of the guest running), added to the totals; its efficiency weighted by `durationSec`. */
  const tally = (s: ReturnType<typeof summarize>, durationSec: number, guestSec: number) => {
    const exits: Record<string, number> = {};
    const inRound: Record<string, number> = {};
    for (const [reason, e] of Object.entries(s.total.exits)) {
      exits[reason] = e.rate_per_s;
      inRound[reason] = Math.round(e.rate_per_s * guestSec);
      exitsTotal[reason] = (exitsTotal[reason] ?? 0) + e.rate_per_s * guestSec;
    }
    if (s.total.efficiency !== null) {
      weighted += s.total.efficiency * durationSec;
      weight += durationSec;
    }
    return { exits, inRound };
  };
  const timeline: MigrationRound[] = pre.rounds.map((r) => {
    const speed = 1 - r.throttlePct / 100;
    const g0 = guestSec;
    guestSec += (r.durationSec + r.syncSec) * speed;
    const written = Math.min(r.pagesDirtied, firstWritten(guestSec) - firstWritten(g0));
    const touched = workingSetTouched(guestSec) - workingSetTouched(g0);
    const activity = { durationSec: r.durationSec, pagesDirtied: r.pagesDirtied, firstTouches: Math.max(written, touched), hugeZaps: hugeWritten(guestSec) - hugeWritten(g0), burst: touched > written };
    const extra = track.roundExits(activity, busyVcpus, speed);
    // The host's pCPUs beyond the guest's busy vCPUs take the thread; what they cannot, the vCPUs give up.
    const span = r.durationSec + r.syncSec;
    const threadCores = span > 0 ? (r.pagesSent * o.pageBytes * cyclesPerByte + r.syncSec * hz) / (span * hz) : 0;
    const spare = Math.max(0, spec.scenario.host.pcpus - busyVcpus);
    const stealPct = (100 * Math.min(busyVcpus, Math.max(0, threadCores - spare))) / busyVcpus;
    const s = extra.length > 0 && !o.precopyOnly ? run(extra) : before;
    const { exits, inRound } = tally(s, r.durationSec, r.durationSec * speed);
    const out: MigrationRound = {
      round: r.round, phase: 'pre-copy', remote_faults: 0, start_s: r.startSec, duration_s: r.durationSec, sync_s: r.syncSec, pages_sent: Math.round(r.pagesSent), pages_dirtied: Math.round(r.pagesDirtied),
      first_touch_faults: Math.round(activity.firstTouches), huge_pages_split: Math.round(activity.hugeZaps), lock_wait_cycles: Math.round(track.lockWaitCycles(activity, busyVcpus, speed)), first_touch_stall_s: track.firstTouchStallSec(activity, busyVcpus, speed), migration_thread_cores: threadCores, steal_pct: stealPct,
      throttle_pct: r.throttlePct, guest_efficiency: s.total.efficiency, exits_per_s: exits, exits_by_reason: inRound,
    };
    o.onRound?.(out, pre.rounds.length + (pre.postcopy ? 1 : 0));
    return out;
  });
  if (pre.postcopy) {
    // On the destination: the working set's missing pages are touched at once, the pages it writes as
    // they come; each is a remote fault while it is missing (half of them, on average, as the rest
    // arrives at the link's rate).
    const pc = pre.postcopy;
    const missing = pc.outstandingPages / pages;
    const waitSec = MMU_FIGURES.remoteFaultRoundTripUs.value * 1e-6 + o.pageBytes / bandwidth;
    // A blocked vCPU asks for one page at a time: the busy vCPUs cannot wait for more than the phase
    // holds; what they do not ask for arrives in the background.
    const faults = Math.min(pc.outstandingPages, (Math.ceil(busyVcpus) * pc.durationSec) / waitSec, workingSetPages * missing + distinctPagesDirtied(write, pc.durationSec) * missing * 0.5);
    const extra = track.remoteFaults(faults, pc.durationSec, busyVcpus, waitSec);
    const s = extra.length > 0 && !o.precopyOnly ? run(extra) : before;
    const { exits, inRound } = tally(s, pc.durationSec, pc.durationSec);
    const out: MigrationRound = {
      round: pre.rounds.length + 1, phase: 'post-copy', remote_faults: Math.round(faults), start_s: pc.startSec, duration_s: pc.durationSec, sync_s: 0, pages_sent: Math.round(pc.outstandingPages), pages_dirtied: 0,
      first_touch_faults: 0, huge_pages_split: 0, lock_wait_cycles: 0, first_touch_stall_s: (faults / Math.max(1, busyVcpus)) * waitSec, migration_thread_cores: cyclesPerByte * bandwidth / hz, steal_pct: 0,
      throttle_pct: 0, guest_efficiency: s.total.efficiency, exits_per_s: exits, exits_by_reason: inRound,
    };
    o.onRound?.(out, pre.rounds.length + 1);
    timeline.push(out);
  }
  const setup = pre.rounds[0].startSec;
  const sendTimes = pre.rounds.map((r) => r.durationSec);
  return {
    dirty_pages_per_s: dirtyPagesPerSec, bandwidth_bytes_per_s: bandwidth, bandwidth_limited_by: bandwidth < o.bandwidthBytesPerSec ? 'migration thread' : 'link',
    converged: pre.converged, stop: pre.stop, total_time_s: pre.totalSec, downtime_ms: pre.downtimeSec * 1000, rounds: pre.rounds.length,
    transferred_gib: pre.transferredBytes / 2 ** 30, guest_efficiency_during: weight > 0 ? weighted / weight : null, guest_efficiency_before: before.total.efficiency,
    time_s: { setup, bulk_round: sendTimes[0], later_rounds: sendTimes.slice(1).reduce((a, b) => a + b, 0), syncs: pre.rounds.reduce((a, r) => a + r.syncSec, 0), downtime: pre.downtimeSec, postcopy: pre.postcopy?.durationSec ?? 0 },
    setup_s: setup, final_throttle_pct: pre.finalThrottlePct, mmu: track.mmu, exits_by_reason: Object.fromEntries(Object.entries(exitsTotal).map(([k, v]) => [k, Math.round(v)])), tracking: track.exits.filter((x) => lazy || (x.kind !== 'first-touch' && x.kind !== 'zap-kick')), write_model: write, timeline,
  };
}

/** A page table holds 512 entries: splitting a huge page fills one. */
const SPTES_PER_TABLE = 512;

/** The huge-page sizes a backing page is split through down to `pageBytes`: 1 GiB → [1 GiB, 2 MiB], 2 MiB → [2 MiB]. */
function splitLevels(backing: number, pageBytes: number): number[] {
  const out: number[] = [];
  for (let size = backing; size > pageBytes; size /= SPTES_PER_TABLE) out.push(size);
  return out;
}

/** The share of the window the VM's vCPUs were busy (not idle), from its summary's cycles. */
function busyShare(s: ReturnType<typeof summarize>): number {
  const c = s.total.cycles_by_stage;
  const all = Object.values(c).reduce((a, b) => a + b, 0);
  return all > 0 ? 1 - (c.idle ?? 0) / all : 1;
}
