// Predictions with no published figure to test them against (docs/validation.md §3a): the MSR
// bitmap's effect on shipped workloads, each with the mechanism behind it.
import { round2, run, shipped } from './simulated.js';

/** A what-if with no published on/off figure: its predicted size on each setting, with why. */
export interface PredictionRow {
  feature: string;
  workload: string;
  setting: string;
  /** Efficiency with the feature minus without it (percentage points). */
  gainPp: number;
  exitsRemovedPerSec: number;
  why: string;
}

/** The MSR bitmap's effect (no published on/off figure exists: predictions, each with its mechanism). */
export function msrBitmapPredictions(): PredictionRow[] {
  const cases: Array<[string, string, Record<string, unknown> | undefined, string]> = [
    ['kernel-build', 'sapphire-rapids', undefined, 'Linux 6.x with FSGSBASE, eIBRS, no KPTI: no pass-through MSR is written per event; without the bitmap only the x2APIC EOI (APICv needs the bitmap to virtualize it) and the TSC-deadline writes remain'],
    ['kernel-build', 'sapphire-rapids', { os: 'linux-5.8' }, 'Linux 5.8 writes FS_BASE on each of 447 context switches per CPU-second'],
    ['kernel-build', 'sapphire-rapids', { spectreV2: 'ibrs' }, 'legacy IBRS: two SPEC_CTRL writes per syscall, page fault and interrupt (~42k kernel entries per CPU-second)'],
    ['kernel-build', 'skylake-sp', undefined, 'Linux 6.x on a retbleed-affected Skylake-SP picks legacy IBRS by default (Linux 5.19+): two SPEC_CTRL writes per kernel entry; KPTI on'],
    ['kernel-build', 'skylake-sp', { os: 'linux-5.8' }, 'Linux 5.8 predates the retbleed default: retpoline, so only FS_BASE per switch (Skylake-SP has FSGSBASE, but 5.8 does not use it)'],
    ['kernel-build', 'nehalem', undefined, 'no FSGSBASE on Nehalem: Linux 6.x falls back to WRMSR FS_BASE per switch; KPTI on'],
    ['network-server', 'sapphire-rapids', undefined, 'x2APIC EOI per device interrupt exits without the bitmap (APICv virtualizes x2APIC registers only through it)'],
    ['windows-desktop', 'sapphire-rapids', undefined, 'Windows writes KERNEL_GS_BASE on each thread switch (xAPIC guest: its EOIs are MMIO, not MSR writes)'],
  ];
  return cases.map(([workload, profileName, guest, why]) => {
    const w = shipped(workload);
    const scenario = { name: `msr-bitmap-${workload}`, host: { pcpus: 2 }, vms: [{ workload: w.name, vcpus: 2 }], durationSec: 0.5, warmupSec: 0.05, ...(guest ? { guest } : {}) };
    const preset = profileName === 'nehalem' ? 'nehalem' : profileName === 'skylake-sp' ? 'apicv' : 'modern';
    const off = run([w], scenario, profileName, `${preset},-msr-bitmap`);
    const on = run([w], scenario, profileName, preset);
    const setting = `${profileName}, ${preset}${guest ? `, guest ${Object.entries(guest).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`;
    return {
      feature: 'msr-bitmap', workload, setting,
      gainPp: round2(((on.total.efficiency ?? 0) - (off.total.efficiency ?? 0)) * 100),
      exitsRemovedPerSec: Math.round((off.total.exit_count - on.total.exit_count) / on.duration_s),
      why,
    };
  });
}
