// Shared test helpers: build and run scenarios in-process with literal inputs.
import { Profile, Workload, type WorkloadInput } from '../src/config/schema.js';
import { loadProfile } from '../src/config/load.js';
import { simulateInline, simulateInlineRaw, type InlineCase } from '../src/experiment/inline.js';
import assert from 'node:assert/strict';
import type { RawResult } from '../src/engine/simulation.js';
import { N_CAT } from '../src/exits/cost.js';

export function profile(name = 'sapphire-rapids', patch: (p: Profile) => void = () => {}): Profile {
  const p = structuredClone(loadProfile(name).profile);
  patch(p);
  return Profile.parse(p);
}

export function workload(input: WorkloadInput): Workload {
  return Workload.parse(input);
}

export type SimCase = InlineCase;
export const simulateRaw = simulateInlineRaw;
export const simulate = simulateInline;

/** Every pCPU cycle of the window is booked exactly once, in whole non-negative cycles (SPEC §7). */
export function assertEveryPcpuCycleBooked(raw: RawResult, label: string): void {
  for (let p = 0; p < raw.pcpus; p++) {
    let sum = 0;
    for (let k = 0; k < N_CAT; k++) {
      const x = raw.pcpuCycles[p * N_CAT + k];
      assert.ok(Number.isInteger(x) && x >= 0, `${label}: integer, non-negative cycles (${x})`);
      sum += x;
    }
    assert.equal(sum, raw.windowCycles, `${label}: pCPU ${p} books ${sum} of ${raw.windowCycles} cycles`);
  }
}
