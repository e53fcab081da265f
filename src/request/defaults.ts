// The default host a bare workload runs on (SPEC §8): part of resolving a run request.

/** The default host of the default study and of a bare workload (SPEC §8). */
export const DEFAULT_HOST = { pcpus: 4, profile: 'sapphire-rapids', scheduler: 'pinned' as const, vms: 2, vcpus: 2, durationSec: 1, warmupSec: 0.1 };
