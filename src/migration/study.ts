// A migration study (workloads/studies/migration.yaml): one guest, migrated at every combination of
// tracking mode, dirty rate and bandwidth. `exitsim migrate FILE` runs it; `validate` checks it.
import { z } from 'zod';
import { readDataFile, validate } from '../config/load.js';
import { TRACKING_MODES, type TrackingMode } from './tracking.js';

const Text = z.string().min(1).max(200);

export const MigrationStudy = z
  .object({
    $schema: z.string().optional(),
    name: Text,
    description: z.string().min(1),
    /** The guest and the migration's fixed settings, as `exitsim migrate`'s flags name them. */
    migration: z
      .object({
        workload: Text,
        vcpus: z.number().int().min(1).max(4096).optional(),
        pcpus: z.number().int().min(1).max(4096).optional(),
        profile: Text.optional(),
        features: Text.optional(),
        guestMemory: Text.optional(),
        workingSet: Text.optional(),
        pageSize: z.enum(['4K', '2M', '1G']).optional(),
        eagerSplit: z.enum(['on', 'off']).optional(),
        mmu: z.enum(['tdp', 'legacy']).optional(),
        downtimeLimit: Text.optional(),
        autoConverge: z.boolean().optional(),
        hostKernel: Text.optional(),
      })
      .strict(),
    /** The grid: every combination runs. */
    parameters: z
      .object({
        dirtyTracking: z.array(z.enum(TRACKING_MODES)).min(1).max(4),
        dirtyRate: z.array(Text).min(1).max(20),
        bandwidth: z.array(Text).min(1).max(20),
      })
      .strict(),
  })
  .strict();
export type MigrationStudy = z.infer<typeof MigrationStudy>;

export interface MigrationStudyPoint {
  dirtyTracking: TrackingMode;
  dirtyRate: string;
  bandwidth: string;
}

/** A data file is a migration study when it has a `migration` section (a sweep has `base` and `featureSets`). */
export function looksLikeMigrationStudy(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'migration' in data && 'parameters' in data;
}

export function loadMigrationStudy(file: string): { study: MigrationStudy; points: MigrationStudyPoint[] } {
  const study = validate(MigrationStudy, readDataFile(file), file);
  const points: MigrationStudyPoint[] = [];
  for (const bandwidth of study.parameters.bandwidth)
    for (const dirtyRate of study.parameters.dirtyRate)
      for (const dirtyTracking of study.parameters.dirtyTracking) points.push({ dirtyTracking, dirtyRate, bandwidth });
  return { study, points };
}
