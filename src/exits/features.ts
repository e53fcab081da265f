// Mitigation features (SPEC §4) as bits of one integer, so the exit engine can
// resolve its decision table once per run and the event loop never tests names.
import { didYouMean } from '../config/suggest.js';

export const FEATURES = [
  ['ept', 'nested paging (EPT) instead of shadow paging'],
  ['vpid', 'tagged TLB: no TLB flush on VM transitions'],
  ['msr-bitmap', 'only intercepted MSRs exit; pass-through MSRs run natively'],
  ['apicv', 'virtual APIC: virtual EOI and TPR, posted interrupts'],
  ['tpr-shadow', 'CR8 (TPR) writes do not exit'],
  ['ple', 'pause-loop exiting: a long PAUSE spin exits and yields'],
  ['ioeventfd', 'I/O notifies handled in the kernel instead of the user-space VMM'],
  ['halt-polling', 'poll briefly before blocking a halted vCPU'],
  ['ipiv', 'IPI virtualization: ICR writes do not exit'],
  ['exitless-idle', 'HLT/MWAIT/PAUSE do not exit (dedicated pCPU)'],
  ['rdtsc-exiting', 'RDTSC traps (the opposite of a mitigation)'],
] as const;

export type FeatureName = (typeof FEATURES)[number][0];

export const F: Record<string, number> = {};
FEATURES.forEach(([name], i) => {
  F[name] = 1 << i;
});
export const FEATURE_BIT = F as Record<FeatureName, number>;

/** Presets; every comparison names its baseline, which is one of these or a list. */
export const PRESETS: Record<string, { features: FeatureName[]; description: string }> = {
  none: { features: [], description: 'first-generation VT-x: shadow paging, every trap exits' },
  nehalem: {
    features: ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'ple', 'ioeventfd'],
    description: 'a 2010-era KVM host: EPT, VPID, MSR bitmaps, TPR shadow, PLE, ioeventfd',
  },
  apicv: {
    features: ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'ple', 'ioeventfd', 'apicv', 'halt-polling'],
    description: 'Ivy Bridge-EP and later: nehalem plus APICv/posted interrupts and halt polling',
  },
  modern: {
    features: ['ept', 'vpid', 'msr-bitmap', 'apicv', 'tpr-shadow', 'ple', 'ioeventfd', 'halt-polling', 'ipiv'],
    description: 'every mitigation (Sapphire Rapids and later), without exitless-idle and rdtsc-exiting',
  },
};

export function hasFeature(set: number, name: FeatureName): boolean {
  return (set & FEATURE_BIT[name]) !== 0;
}

export function featureNames(set: number): FeatureName[] {
  return FEATURES.filter(([name]) => (set & FEATURE_BIT[name]) !== 0).map(([name]) => name);
}

/**
 * Canonical text of a feature set: a preset's name when it equals one, else
 * the shortest of the plain list and "preset,+added,-removed" forms (so
 * "nehalem,-ept" rather than five names). Always parseable by parseFeatureSet.
 */
export function featureSetLabel(set: number): string {
  const names = featureNames(set);
  // A plain list that starts with a preset's name would read as the preset: lead with 'none' then.
  let best: string[] = names.length === 0 ? ['none'] : names[0] in PRESETS ? ['none', ...names] : names;
  for (const [preset, def] of Object.entries(PRESETS)) {
    const p = featureSetFromNames(def.features);
    if (p === set) return preset;
    const items = [preset, ...featureNames(set & ~p), ...featureNames(p & ~set).map((n) => `-${n}`)];
    // (Only a form that parses back to this very set: a removal can take a dependent feature along.)
    if (items.length < best.length && parseFeatureSet(items.join(',')) === set) best = items;
  }
  return best.join(',');
}

function featureSetFromNames(names: readonly FeatureName[]): number {
  let set = 0;
  for (const n of names) set |= FEATURE_BIT[n];
  return set;
}

export class FeatureParseError extends Error {
  constructor(
    readonly found: string,
    readonly hint: string,
  ) {
    super(`unknown feature or preset '${found}'${hint}`);
  }
}

/**
 * Features that need another: removing the one removes them too. IPI
 * virtualization is part of APICv (KVM turns enable_ipiv off without
 * enable_apicv, arch/x86/kvm/vmx/vmx.c hardware_setup).
 */
const NEEDS: Partial<Record<FeatureName, FeatureName[]>> = { apicv: ['ipiv'] };

/**
 * Parses "modern", "ept,vpid", "nehalem,apicv" or "modern,-ipiv": presets and
 * names are joined; a leading '-' removes a feature. `apicv` names both a
 * preset and a feature: first in the list it is the preset, anywhere else the
 * feature ("nehalem,apicv" adds APICv alone), and removed it is always the
 * feature ("modern,-apicv" is modern without APICv — and without IPIv, which
 * needs it). Throws FeatureParseError.
 */
export function parseFeatureSet(text: string): number {
  let set = 0;
  const known = [...Object.keys(PRESETS), ...FEATURES.map(([n]) => n)];
  let first = true;
  for (const raw of text.split(',')) {
    const word = raw.trim().toLowerCase();
    if (word === '') continue;
    const remove = word.startsWith('-');
    const name = remove ? word.slice(1) : word;
    const asPreset = name in PRESETS && (first || !(name in FEATURE_BIT)) && !remove;
    first = false;
    let bits: number;
    if (remove && name in FEATURE_BIT) bits = featureSetFromNames([name as FeatureName, ...(NEEDS[name as FeatureName] ?? [])]);
    else if (asPreset || (name in PRESETS && !(name in FEATURE_BIT))) bits = featureSetFromNames(PRESETS[name].features);
    else if (name in FEATURE_BIT) bits = FEATURE_BIT[name as FeatureName];
    else throw new FeatureParseError(raw.trim(), didYouMean(name, known));
    set = remove ? set & ~bits : set | bits;
  }
  return set;
}
