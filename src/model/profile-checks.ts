// What a CPU profile can run: the features its generation has (refused, or dropped from the default
// preset, when it lacks them) and the confidential VM types it supports. Checked before a model is built.
import { archOf } from '../exits/arch/index.js';
import { confidentialOf, vmTypeOf } from '../exits/vm-types/index.js';
import { FEATURE_BIT, featureNames, type FeatureName } from '../exits/features.js';
import { InputError } from '../config/errors.js';
import type { Profile, Scenario } from '../config/schema.js';

const CAPABILITY_OF: Partial<Record<FeatureName, 'ept' | 'vpid' | 'apicv' | 'ipiv' | 'ple' | 'vmcbClean' | 'decodeAssists' | 'vmcsShadowing' | 'vVmsaveVmload' | 'vgif' | 'vhe'>> = {
  vhe: 'vhe',
  ept: 'ept',
  vpid: 'vpid',
  apicv: 'apicv',
  ipiv: 'ipiv',
  ple: 'ple',
  'vmcb-clean': 'vmcbClean',
  'decode-assists': 'decodeAssists',
  'vmcs-shadowing': 'vmcsShadowing',
  'nested-ept': 'ept',
  'v-vmsave-vmload': 'vVmsaveVmload',
  vgif: 'vgif',
};

/** Whether the profile's CPU lacks a feature (its architecture's rules first, then the profile's capabilities). */
function lacks(profile: Profile, name: FeatureName): boolean {
  const arch = archOf(profile);
  if (arch.featuresAbsent.includes(name)) return true;
  if (arch.featuresBuiltIn.includes(name)) return false;
  const cap = CAPABILITY_OF[name];
  return cap !== undefined && !profile.capabilities[cap];
}

/** The feature's name in its architecture's words (NPT for EPT on SVM). */
function archName(profile: Profile, name: FeatureName): string {
  return archOf(profile).featureWords.find(([, f]) => f[0] === name)?.[0] ?? name;
}

/** Refuses a feature the profile's generation lacks (a usage error, not a no-op). */
export function checkFeaturesAgainstProfile(features: number, profile: Profile, where: string): void {
  const arch = archOf(profile);
  for (const name of featureNames(features)) {
    if (arch.featuresAbsent.includes(name) && name === 'evmcs') {
      throw new InputError(where, 'features', `features a guest on CPU profile '${profile.name}' (${arch.displayName}) can use`, "'evmcs'", ` — the enlightened VMCS is Hyper-V's VT-x interface; drop it on an ${arch.displayName} profile`);
    }
    if (lacks(profile, name)) {
      throw new InputError(
        where,
        'features',
        `features that CPU profile '${profile.name}' (${profile.generation}, ${profile.launch}) supports`,
        `'${archName(profile, name)}'`,
        ` — ${profile.generation} has no ${archName(profile, name).toUpperCase()}; choose a later profile (exitsim list profiles) or drop the feature`,
      );
    }
  }
  // AVIC accelerates IPIs itself: on SVM there is no APIC virtualization without it.
  if (arch.apicvIncludesIpiv && (features & FEATURE_BIT.apicv) !== 0 && (features & FEATURE_BIT.ipiv) === 0) {
    throw new InputError(where, 'features', 'avic as one feature on an SVM profile (AVIC delivers IPIs to running vCPUs itself)', `apicv without ipiv on ${profile.name}`, ' — use avic, or -avic');
  }
}

/** Refuses a VM type the profile's CPU cannot run (a TD on a CPU without TDX, an SNP guest on Rome). */
export function checkVmTypeAgainstProfile(vmType: Scenario['vmType'], profile: Profile, where: string, field = 'vmType'): void {
  const only = archOf(profile).plainVmsOnly;
  if (only && !vmTypeOf(vmType).plain) {
    const c0 = confidentialOf(vmType);
    throw new InputError(where, field, `a VM type that CPU profile '${profile.name}' (${archOf(profile).displayName}) can run: plain`, vmType, c0 ? ` — ${c0.technology} is an ${archOf(c0.arch).vendor} feature; choose an ${archOf(c0.arch).vendor} profile (exitsim list profiles)` : ` — ${only}`);
  }
  const c = confidentialOf(vmType);
  if (!c || profile.capabilities[c.capability]) return;
  throw new InputError(
    where,
    field,
    `a VM type that CPU profile '${profile.name}' (${profile.generation}) can run`,
    vmType,
    ` — ${profile.name} has no ${c.technology}${profile.arch !== c.arch ? ` (an ${archOf(c.arch).vendor} feature)` : ''}; list profiles shows which have it`,
  );
}

/** `features` without what the CPU profile lacks (e.g. modern on Skylake-SP: modern without IPIv). */
export function supportedFeatures(features: number, profile: Profile): number {
  let out = features;
  for (const name of featureNames(features)) if (lacks(profile, name)) out &= ~FEATURE_BIT[name];
  return out;
}
