// Every tunable of the experiment layer and the command line, with its unit
// and reason (the engine's are in src/engine/settings.ts).

export { DEFAULT_HOST } from '../request/defaults.js';

/** Presets of the default study (`npm start`), baseline first. */
export const STUDY_PRESETS = ['none', 'nehalem', 'modern'];

/** The default study's AMD host beside the default (Intel) one: a current EPYC with x2AVIC. */
export const VENDOR_PROFILE = 'genoa';

/** The default study's arm64 host beside them: a current Neoverse part with VHE and GICv4.1 (every cost an estimate). */
export const ARM_PROFILE = 'graviton3';

/** `--quick`: simulated seconds of a short smoke-test run, and its warm-up. */
export const QUICK_DURATION_SEC = 0.1;
export const QUICK_WARMUP_SEC = 0.01;

/** Live runs advance in slices of this much simulated time (seconds): fine enough to pace, coarse enough to cost nothing. */
export const LIVE_SLICE_SEC = 0.001;

/** The TUI's default pace: a run takes about this many wall seconds, slow enough to watch. */
export const TUI_DEFAULT_WALL_SEC = 20;

/** Cost estimate before a run: guest events per wall second assumed (a conservative figure from npm run bench). */
export const ASSUMED_EVENTS_PER_SECOND = 1.5e6;
/** A run estimated above this many guest events gets a warning… */
export const WARN_EVENTS = 3e8;
/** …and above this many it is refused unless --allow-long. */
export const REFUSE_EVENTS = 2e10;

/** `capacity`: replications per evaluated count (default of --replications). */
export const CAPACITY_REPLICATIONS = 3;
/** `capacity`: the boundary found is re-checked with this many times the replications, so noise does not set it. */
export const CAPACITY_BOUNDARY_REPLICATION_FACTOR = 2;

/** The live view publishes a frame every this many wall milliseconds (10 frames/s: smooth, and cheap against the run). */
export const LIVE_FRAME_MS = 100;
/** Plain progress (no terminal, CI): frames every 200 ms, a line at most every second. */
export const PLAIN_FRAME_MS = 200;
export const PLAIN_LINE_INTERVAL_MS = 1000;

/** `--ci-target`: the first round's replications, and the most a sequential run adds up to. */
export const SEQUENTIAL_FIRST_REPLICATIONS = 5;
export const SEQUENTIAL_MAX_REPLICATIONS = 200;

/**
 * A run in which a VM finishes fewer units than this in the window gets a note: its efficiency
 * moves by points from seed to seed (idle-guest, ~25 units per VM a run: s.d. 2.5 pp over 600
 * seeds), so one run says little without replications. kernel-build (~190 units per VM a run:
 * s.d. 0.27 pp over 20 seeds) stays above it. Measured 2026-12-02 on the shipped workloads.
 */
export const FEW_UNITS_WARNING = 100;
