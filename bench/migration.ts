// exitsim migrate, timed as a user runs it (a fresh process per case: bench/run.ts's inChild): the
// issue's case, an 8-vCPU, 24 GiB oltp-database guest dirtying 800 MB/s over 10 GbE, per tracking mode.
import { resolveScenario } from '../src/request/scenario.js';
import { parseFeatureSet } from '../src/exits/features.js';
import { migrate } from '../src/migration/run.js';
import { QEMU_DEFAULTS, deviceStateBytes } from '../src/migration/precopy.js';
import type { TrackingMode } from '../src/migration/tracking.js';

export const MIGRATION_MODES: TrackingMode[] = ['bitmap', 'ring', 'pml'];

export interface MigrationBench { mode: string; wall_s: number; total_time_s: number; downtime_ms: number; rounds: number; guest_efficiency_before: number | null; guest_efficiency_during: number | null }

export function migrationRun(mode: TrackingMode): MigrationBench {
  const t0 = process.hrtime.bigint();
  // As `exitsim migrate oltp-database --vcpus 8` builds it: the scenario's first VM, alone, on its host.
  const r = resolveScenario('oltp-database', { vcpus: 8 });
  const spec = { ...r, scenario: { ...r.scenario, vms: [{ ...r.scenario.vms[0], count: 1 }] } };
  const res = migrate(spec, parseFeatureSet('modern'), {
    memoryBytes: 24 * 2 ** 30, pageBytes: 4096, dirtyRate: { pagesPerSec: 800e6 / 4096 }, hotBytes: 0, hotShare: 0, bandwidthBytesPerSec: 10e9 / 8,
    downtimeLimitSec: QEMU_DEFAULTS.downtimeLimitSec, autoConverge: false, maxRounds: 30, timeoutSec: 3600, setupSec: 0, mode, mmu: 'tdp', deviceStateBytes: deviceStateBytes(8), workingSetBytes: 0, windowSec: 0.3, backingPageBytes: 4096, eagerSplit: true,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { mode, wall_s: wall, total_time_s: res.total_time_s, downtime_ms: res.downtime_ms, rounds: res.rounds, guest_efficiency_before: res.guest_efficiency_before, guest_efficiency_during: res.guest_efficiency_during };
}
