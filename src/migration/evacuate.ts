// Evacuating a host: every VM on it migrates over one link, K at a time (K = 1: in sequence). The VMs
// go in waves of K; the link's bandwidth is shared evenly by a wave's migrations, and a wave ends when
// its slowest does. The answer an operator plans with: the total time and the worst downtime.
import type { MigrationResult } from './run.js';

export interface EvacuationVm {
  /** The VM's name in the scenario (its workload, and its index among the copies). */
  name: string;
  /** Its migration at a given bandwidth (bytes/s): time and downtime only. */
  migrate: (bandwidthBytesPerSec: number) => MigrationResult;
}

export interface EvacuationWave {
  wave: number;
  vms: string[];
  start_s: number;
  duration_s: number;
  bandwidth_each_bytes_per_s: number;
  worst_downtime_ms: number;
  not_converged: string[];
}

export interface Evacuation {
  concurrent: number;
  vms: number;
  total_time_s: number;
  worst_downtime_ms: number;
  /** VMs whose migration did not converge (their time is counted until they gave up). */
  not_converged: string[];
  waves: EvacuationWave[];
}

export function evacuate(vms: EvacuationVm[], linkBytesPerSec: number, concurrent: number): Evacuation {
  const waves: EvacuationWave[] = [];
  let t = 0;
  for (let i = 0; i < vms.length; i += concurrent) {
    const wave = vms.slice(i, i + concurrent);
    const each = linkBytesPerSec / wave.length;
    const results = wave.map((v) => v.migrate(each));
    const duration = Math.max(...results.map((r) => r.total_time_s));
    waves.push({
      wave: waves.length + 1, vms: wave.map((v) => v.name), start_s: t, duration_s: duration, bandwidth_each_bytes_per_s: each,
      worst_downtime_ms: Math.max(...results.map((r) => r.downtime_ms)), not_converged: wave.filter((_, k) => !results[k].converged).map((v) => v.name),
    });
    t += duration;
  }
  return {
    concurrent, vms: vms.length, total_time_s: t, worst_downtime_ms: Math.max(0, ...waves.map((w) => w.worst_downtime_ms)),
    not_converged: waves.flatMap((w) => w.not_converged), waves,
  };
}
