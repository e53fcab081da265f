// What a CPU profile can run: the features its generation has (refused, or dropped from the default
// preset, when it lacks them) and the confidential VM types it supports. Checked before a model is built.
import { CONFIDENTIAL_ARCH, isConfidential } from '../exits/confidential.js';
import { FEATURE_BIT, SVM_FEATURE_NAMES, SVM_ONLY_FEATURES, featureNames, type FeatureName } from '../exits/features.js';
import { InputError } from '../config/errors.js';
import type { Profile, Scenario } from '../config/schema.js';

const CAPABILITY_OF: Partial<Record<FeatureName, 'ept' | 'vpid' | 'apicv' | 'ipiv' | 'ple' | 'vmcbClean' | 'decodeAssists' | 'vmcsShadowing' | 'vVmsaveVmload' | 'vgif'>> = {
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

/** Whether the profile's CPU lacks a feature. VT-x has the two SVM-only ones built in (SVM_ONLY_FEATURES). */
function lacks(profile: Profile, name: FeatureName): boolean {
  // The enlightened VMCS is Hyper-V's VT-x interface (its SVM enlightenments are not modelled).
  if (name === 'evmcs') return profile.arch === 'svm';
  const cap = CAPABILITY_OF[name];
  if (!cap) return false;
  if (profile.arch === 'vmx' && SVM_ONLY_FEATURES.includes(name)) return false;
  // SVM has no VMREAD/VMWRITE to shadow: L1 reads its VMCB in memory.
  if (profile.arch === 'svm' && name === 'vmcs-shadowing') return false;
  return !profile.capabilities[cap];
}

/** The feature's name on the profile's architecture (NPT for EPT on SVM). */
function archName(profile: Profile, name: FeatureName): string {
  if (profile.arch !== 'svm') return name;
  return SVM_FEATURE_NAMES.find(([, f]) => f[0] === name)?.[0] ?? name;
}

/** Refuses a feature the profile's generation lacks (a usage error, not a no-op). */
export function checkFeaturesAgainstProfile(features: number, profile: Profile, where: string): void {
  for (const name of featureNames(features)) {
    if (name === 'evmcs' && lacks(profile, name)) {
      throw new InputError(where, 'features', `features a guest on CPU profile '${profile.name}' (AMD SVM) can use`, "'evmcs'", ' — the enlightened VMCS is Hyper-V\'s VT-x interface; drop it on an AMD profile');
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
  if (profile.arch === 'svm' && (features & FEATURE_BIT.apicv) !== 0 && (features & FEATURE_BIT.ipiv) === 0) {
    throw new InputError(where, 'features', 'avic as one feature on an SVM profile (AVIC delivers IPIs to running vCPUs itself)', `apicv without ipiv on ${profile.name}`, ' — use avic, or -avic');
  }
}

/** Refuses a VM type the profile's CPU cannot run (a TD on a CPU without TDX, an SNP guest on Rome). */
export function checkVmTypeAgainstProfile(vmType: Scenario['vmType'], profile: Profile, where: string, field = 'vmType'): void {
  if (!isConfidential(vmType)) return;
  const capable = vmType === 'tdx' ? profile.capabilities.tdx : vmType === 'sev-es' ? profile.capabilities.sevEs : profile.capabilities.sevSnp;
  if (capable) return;
  const arch = CONFIDENTIAL_ARCH[vmType];
  const kind = vmType === 'tdx' ? 'TDX' : vmType === 'sev-es' ? 'SEV-ES' : 'SEV-SNP';
  throw new InputError(
    where,
    field,
    `a VM type that CPU profile '${profile.name}' (${profile.generation}) can run`,
    vmType,
    ` — ${profile.name} has no ${kind}${profile.arch !== arch ? ` (an ${arch === 'vmx' ? 'Intel' : 'AMD'} feature)` : ''}; list profiles shows which have it`,
  );
}

/** `features` without what the CPU profile lacks (e.g. modern on Skylake-SP: modern without IPIv). */
export function supportedFeatures(features: number, profile: Profile): number {
  let out = features;
  for (const name of featureNames(features)) if (lacks(profile, name)) out &= ~FEATURE_BIT[name];
  return out;
}
