// Shared test helpers: build and run scenarios in-process with literal inputs.
import { Profile, Workload, type WorkloadInput } from '../src/config/schema.js';
import { loadProfile } from '../src/config/load.js';
import { simulateInline, simulateInlineRaw, type InlineCase } from '../src/experiment/inline.js';

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
