// exitsim migrate, timed as a user runs it (a fresh process per case: bench/run.ts's inChild): the
// issue's case, an 8-vCPU, 24 GiB oltp-database guest dirtying 800 MB/s over 10 GbE, per tracking mode,
// with where its time goes; and the first round on 1 GiB pages split eagerly or lazily, by vCPU count.
import { resolveScenario } from '../src/request/scenario.js';
import { parseFeatureSet } from '../src/exits/features.js';
import { migrate, type MigrationOptions } from '../src/migration/run.js';
import { QEMU_DEFAULTS, deviceStateBytes } from '../src/migration/precopy.js';
import type { TrackingMode } from '../src/migration/tracking.js';

export const MIGRATION_MODES: TrackingMode[] = ['bitmap', 'ring', 'pml'];

export interface MigrationBench {
  mode: string; wall_s: number; total_time_s: number; downtime_ms: number; rounds: number; guest_efficiency_before: number | null; guest_efficiency_during: number | null;
  time_s: { setup: number; bulk_round: number; later_rounds: number; syncs: number; downtime: number };
}

function options(vcpus: number, over: Partial<MigrationOptions>): MigrationOptions {
  return {
    memoryBytes: 24 * 2 ** 30, pageBytes: 4096, dirtyRate: { pagesPerSec: 800e6 / 4096 }, hotBytes: 0, hotShare: 0, bandwidthBytesPerSec: 10e9 / 8,
    downtimeLimitSec: QEMU_DEFAULTS.downtimeLimitSec, autoConverge: false, maxRounds: 30, timeoutSec: 3600, setupSec: 0, mode: 'bitmap', mmu: 'tdp',
    deviceStateBytes: deviceStateBytes(vcpus), workingSetBytes: 0, windowSec: 0.3, backingPageBytes: 4096, eagerSplit: true, ...over,
  };
}

export function migrationRun(mode: TrackingMode): MigrationBench {
  const t0 = process.hrtime.bigint();
  // As `exitsim migrate oltp-database --vcpus 8 --guest-memory 24GiB --page-size 4K` builds it: the scenario's first VM, alone, on its host.
  const r = resolveScenario('oltp-database', { vcpus: 8 });
  const spec = { ...r, scenario: { ...r.scenario, vms: [{ ...r.scenario.vms[0], count: 1 }] } };
  const res = migrate(spec, parseFeatureSet('modern'), options(8, { mode }));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { mode, wall_s: wall, total_time_s: res.total_time_s, downtime_ms: res.downtime_ms, rounds: res.rounds, guest_efficiency_before: res.guest_efficiency_before, guest_efficiency_during: res.guest_efficiency_during, time_s: res.time_s };
}

export interface SplitBench { vcpus: number; mmu: string; eager: boolean; wall_s: number; setup_s: number; first_round_efficiency: number | null; efficiency_before: number | null; stall_s: number; lock_wait_cycles: number }

/** The first round on 1 GiB pages, the guest (cpu-bound, its whole memory its working set) on as many pCPUs as vCPUs. */
export function splitRun(vcpus: number, mmu: 'tdp' | 'legacy', eager: boolean): SplitBench {
  const t0 = process.hrtime.bigint();
  const r = resolveScenario('cpu-bound', { vcpus, pcpus: vcpus });
  const spec = { ...r, scenario: { ...r.scenario, vms: [{ ...r.scenario.vms[0], count: 1 }] } };
  const memory = vcpus * 2 ** 30;
  const res = migrate(spec, parseFeatureSet('modern'), options(vcpus, { memoryBytes: memory, workingSetBytes: memory, backingPageBytes: 2 ** 30, eagerSplit: eager, mmu, maxRounds: 1 }));
  const t = res.timeline[0];
  return { vcpus, mmu, eager, wall_s: Number(process.hrtime.bigint() - t0) / 1e9, setup_s: res.setup_s, first_round_efficiency: t.guest_efficiency, efficiency_before: res.guest_efficiency_before, stall_s: t.first_touch_stall_s, lock_wait_cycles: t.lock_wait_cycles };
}

export const SPLIT_CASES: Array<[number, 'tdp' | 'legacy', boolean]> = [8, 32, 96].flatMap((v) => [[v, 'tdp', true], [v, 'tdp', false], [v, 'legacy', false]] as Array<[number, 'tdp' | 'legacy', boolean]>);
