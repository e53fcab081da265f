// The simulations the validation report and its predictions share: shipped profiles (loaded once)
// and workloads, and a seeded run of literal inputs.
import { loadProfile, loadWorkload } from '../config/load.js';
import type { Profile, Workload } from '../config/schema.js';
import { simulateInline } from '../experiment/inline.js';
import type { RunSummary } from '../metrics/summarize.js';

const profiles = new Map<string, Profile>();
export function profile(name: string): Profile {
  let p = profiles.get(name);
  if (!p) {
    p = loadProfile(name).profile;
    profiles.set(name, p);
  }
  return p;
}

export function shipped(name: string): Workload {
  return loadWorkload(name).workload;
}

export function run(workloads: Workload[], scenario: Record<string, unknown>, profileName: string, features: string): RunSummary {
  return simulateInline({ scenario: { seed: 1, ...scenario } as never, workloads, profile: profile(profileName), features });
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
