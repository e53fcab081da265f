// Mitigation features (SPEC §4) as bits of one integer, so the exit engine can
// resolve its decision table once per run and the event loop never tests names.
import { didYouMean } from '../config/suggest.js';
import type { Arch } from './arch/types.js';
import { vmTypeOf, type VmType } from './vm-types/index.js';

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
  // SVM mechanisms that VT-x has built in (its VMCS is cached on chip; every exit reports the
  // instruction length): part of `modern`, refused only on an SVM profile that lacks them.
  ['vmcb-clean', 'SVM VMCB clean bits: VMRUN keeps cached state groups instead of reloading them'],
  ['decode-assists', 'SVM next-RIP save and decode assists: no software fetch and decode of the exiting instruction'],
  // Nested guests only (vmType nested): part of modern, no effect on a plain VM.
  ['vmcs-shadowing', 'nested VT-x: L1\'s VMREAD/VMWRITE of shadowed VMCS fields do not exit to L0'],
  ['nested-ept', 'nested guests: L1 runs its L2 on EPT (EPT on EPT; L0 builds EPT02); without it L1 shadow-pages its L2'],
  ['evmcs', 'nested VT-x with a Hyper-V L1: enlightened VMCS and MSR bitmap (no VMREAD/VMWRITE exits, clean fields, no bitmap merge); not in modern'],
  ['v-vmsave-vmload', 'nested SVM: L1\'s VMLOAD/VMSAVE around each VMRUN run in hardware (virtual VMLOAD/VMSAVE) instead of exiting to L0'],
  ['vgif', 'nested SVM: L1\'s CLGI/STGI around each VMRUN set a virtual GIF instead of exiting to L0'],
  // arm64 (ARMv8.1 FEAT_VHE): x86 has it built in — its host kernel runs in root mode, as a VHE host runs at EL2.
  ['vhe', 'arm64 Virtualization Host Extensions: the host kernel runs at EL2, an exit is one trap (without it, split mode: a second switch to the host kernel at EL1 and the EL1 system registers swapped at every exit)'],
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
    features: ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'ple', 'ioeventfd', 'nested-ept'],
    description: 'a 2010-era KVM host: EPT, VPID, MSR bitmaps, TPR shadow, PLE, ioeventfd',
  },
  apicv: {
    features: ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'ple', 'ioeventfd', 'apicv', 'halt-polling', 'nested-ept'],
    description: 'Ivy Bridge-EP and later: nehalem plus APICv/posted interrupts and halt polling',
  },
  modern: {
    features: ['ept', 'vpid', 'msr-bitmap', 'apicv', 'tpr-shadow', 'ple', 'ioeventfd', 'halt-polling', 'ipiv', 'vmcb-clean', 'decode-assists', 'vmcs-shadowing', 'nested-ept', 'v-vmsave-vmload', 'vgif', 'vhe'],
    description: 'every mitigation (Sapphire Rapids, Genoa, Graviton3 and later), without exitless-idle and rdtsc-exiting',
  },
};

/**
 * AMD SVM names for the same mechanisms (accepted anywhere a feature name is, and used to print a
 * set on an SVM profile): NPT is SVM's EPT, ASIDs its VPID, the MSR permission map its MSR bitmap,
 * AVIC its APICv with IPI acceleration (one feature: AVIC delivers IPIs to running vCPUs itself),
 * the pause filter its PLE, V_TPR its TPR shadow.
 */
export const SVM_FEATURE_NAMES: ReadonlyArray<readonly [string, FeatureName[]]> = [
  ['npt', ['ept']],
  ['asid', ['vpid']],
  ['msrpm', ['msr-bitmap']],
  ['avic', ['apicv', 'ipiv']],
  ['pause-filter', ['ple']],
  ['v-tpr', ['tpr-shadow']],
  ['nested-npt', ['nested-ept']],
];
const SVM_ALIAS = new Map<string, FeatureName[]>(SVM_FEATURE_NAMES.map(([n, f]) => [n, f]));

/**
 * arm64 names for the mechanisms (accepted anywhere a feature name is, and used to print a set on an
 * arm64 profile): GICv4 direct injection of vLPIs is arm64's posted interrupts, GICv4.1 direct vSGIs
 * its IPI virtualization (4.1 needs 4: removing gicv4 removes gicv4.1), trapping WFE and yielding its
 * pause-loop exiting, not trapping WFI/WFE (kvm-arm.wfi_trap_policy=notrap, Linux 6.7) its exitless idle.
 */
export const ARM64_FEATURE_NAMES: ReadonlyArray<readonly [string, FeatureName[]]> = [
  ['gicv4', ['apicv']],
  ['gicv4.1', ['ipiv']],
  ['wfe-trap', ['ple']],
  ['wfx-notrap', ['exitless-idle']],
  ['stage2', ['ept']],
  ['vmid', ['vpid']],
];
const ARM64_ALIAS = new Map<string, FeatureName[]>(ARM64_FEATURE_NAMES.map(([n, f]) => [n, f]));

export function hasFeature(set: number, name: FeatureName): boolean {
  return (set & FEATURE_BIT[name]) !== 0;
}

export function featureNames(set: number): FeatureName[] {
  return FEATURES.filter(([name]) => (set & FEATURE_BIT[name]) !== 0).map(([name]) => name);
}

/**
 * How each architecture labels a set (an exhaustive record; its descriptor in arch/ says the same
 * facts for the checks, and cannot be imported here without a cycle): the features it has built in are
 * left out, and SVM labels use its own words.
 */
const LABEL_RULES: Record<Arch, { builtIn: () => readonly FeatureName[]; label: (set: number, ignore: number, nested: boolean) => string }> = {
  vmx: { builtIn: () => [...SVM_ONLY_FEATURES, 'vhe'], label: (set, ignore, nested) => vmxFeatureSetLabel(set & ~ignore, Object.keys(PRESETS), ignore, nested) },
  svm: { builtIn: () => ['vhe'], label: (set, ignore, nested) => svmWords(vmxFeatureSetLabel(set & ~ignore, SVM_PRESETS, ignore, nested), set) },
  arm64: { builtIn: () => ARM64_BUILT_IN_OR_ABSENT, label: (set, ignore, nested) => arm64Words(vmxFeatureSetLabel(set & ~ignore, SVM_PRESETS, ignore, nested)) },
};

/**
 * What an arm64 label leaves out: mechanisms arm64 KVM always has (stage-2 translation, VMIDs, system
 * registers it does not trap, the GIC's virtual priority mask, the syndrome that decodes a trapped
 * access) and x86 ones it cannot have (arch/arm64.ts says the same for the checks).
 */
const ARM64_BUILT_IN_OR_ABSENT: readonly FeatureName[] = [
  'ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'vmcb-clean', 'decode-assists', 'vmcs-shadowing', 'nested-ept', 'evmcs', 'v-vmsave-vmload', 'vgif',
];

/**
 * Canonical text of a feature set: a preset's name when it equals one, else
 * the shortest of the plain list and "preset,+added,-removed" forms (so
 * "nehalem,-ept" rather than five names). Always parseable by parseFeatureSet.
 */
export function featureSetLabel(set: number, arch: Arch = 'vmx', nested = false): string {
  // Mechanisms a VM cannot use are left out of its label: VT-x has the SVM-only ones built in, and a
  // plain (not nested) VM has no use for the nested-only ones.
  const ignore = featureSetFromNames(LABEL_RULES[arch].builtIn()) | (nested ? 0 : featureSetFromNames(NESTED_ONLY_FEATURES));
  // A nested guest's set reads best as a larger preset less its nested mechanisms ("modern,-vmcs-shadowing"
  // rather than the equally short "apicv,ipiv"): on a tie, the later preset wins there.
  return LABEL_RULES[arch].label(set, ignore, nested);
}

/**
 * A feature set's label as the user wrote it, tidied (lower case, no spaces or empty words): what tables
 * and figures show, so that "apicv,-ipiv" is not renamed; the canonical label goes beside it in CSV/JSON.
 */
export function givenFeatureSetLabel(text: string): string {
  return text.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== '').join(',');
}

/** The features a VM of this type actually runs with: the set, with what its type forces on and off (vm-types/). */
export function vmEffectiveFeatures(set: number, vmType: VmType): number {
  const d = vmTypeOf(vmType);
  return (set | featureSetFromNames(d.forcedOn)) & ~featureSetFromNames(d.forcedOff);
}

/**
 * A label that leaves no feature out, whatever the VM: two different sets never share it (run ids and
 * file names; the labels above leave out what a VM cannot use, and so may).
 */
export function distinctFeatureSetLabel(set: number): string {
  return vmxFeatureSetLabel(set);
}

/** A set's label for a VM of this type on this architecture (what the VM runs with: vmEffectiveFeatures). */
export function vmFeatureSetLabel(set: number, arch: Arch, vmType: VmType): string {
  return featureSetLabel(vmEffectiveFeatures(set, vmType), arch, vmTypeOf(vmType).nested);
}

/**
 * A label's VT-x feature names in their SVM words, only where the word parses back to the same
 * bits: avic stands for apicv and ipiv together (and -apicv, which takes ipiv along).
 */
function svmWords(label: string, set: number): string {
  const both = FEATURE_BIT.apicv | FEATURE_BIT.ipiv;
  const avicWhole = (set & both) === both;
  const out: string[] = [];
  for (const w of label.split(',')) {
    const minus = w.startsWith('-') ? '-' : '';
    const bare = minus ? w.slice(1) : w;
    if (bare === 'apicv') out.push(minus || avicWhole ? `${minus}avic` : w);
    else if (bare === 'ipiv' && label.split(',').includes(`${minus}apicv`) && (minus || avicWhole)) continue; // said by avic
    else out.push(minus + (SVM_FEATURE_NAMES.find(([, f]) => f.length === 1 && f[0] === bare)?.[0] ?? bare));
  }
  return out.join(',');
}

/** A label's feature names in arm64's words (gicv4 for apicv, wfe-trap for ple); each parses back to the same bits. */
function arm64Words(label: string): string {
  return label
    .split(',')
    .map((w) => {
      const minus = w.startsWith('-') ? '-' : '';
      const bare = minus ? w.slice(1) : w;
      return minus + (ARM64_FEATURE_NAMES.find(([, f]) => f.length === 1 && f[0] === bare)?.[0] ?? bare);
    })
    .join(',');
}

/** Presets that mean something on SVM and arm64 (nehalem and apicv name Intel generations). */
const SVM_PRESETS = ['none', 'modern'];

function vmxFeatureSetLabel(set: number, presets: readonly string[] = Object.keys(PRESETS), ignore = 0, tieToLater = false): string {
  const names = featureNames(set);
  // A plain list that starts with a preset's name would read as the preset: lead with 'none' then.
  let best: string[] = names.length === 0 ? ['none'] : names[0] in PRESETS ? ['none', ...names] : names;
  for (const [preset, def] of Object.entries(PRESETS)) {
    if (!presets.includes(preset)) continue;
    const p = featureSetFromNames(def.features) & ~ignore;
    if (p === set) return preset;
    const items = [preset, ...featureNames(set & ~p), ...featureNames(p & ~set).map((n) => `-${n}`)];
    // (Only a form that parses back to this very set: a removal can take a dependent feature along.)
    const shorter = items.length < best.length || (tieToLater && items.length === best.length && best[0] in PRESETS);
    if (shorter && (parseFeatureSet(items.join(',')) & ~ignore) === set) best = items;
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
 * enable_apicv, arch/x86/kvm/vmx/vmx.c hardware_setup); L0 offers EPT to L1
 * only with EPT of its own (nested_ept = enable_ept).
 */
const NEEDS: Partial<Record<FeatureName, FeatureName[]>> = { apicv: ['ipiv'], ept: ['nested-ept'] };

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
  const known = [...Object.keys(PRESETS), ...FEATURES.map(([n]) => n), ...SVM_ALIAS.keys(), ...ARM64_ALIAS.keys()];
  let first = true;
  for (const raw of text.split(',')) {
    const word = raw.trim().toLowerCase();
    if (word === '') continue;
    const remove = word.startsWith('-');
    const name = remove ? word.slice(1) : word;
    const asPreset = name in PRESETS && (first || !(name in FEATURE_BIT)) && !remove;
    first = false;
    let bits: number;
    if (SVM_ALIAS.has(name)) bits = featureSetFromNames(SVM_ALIAS.get(name) as FeatureName[]);
    else if (ARM64_ALIAS.has(name)) bits = featureSetFromNames([...(ARM64_ALIAS.get(name) as FeatureName[]), ...(remove ? (ARM64_ALIAS.get(name) as FeatureName[]).flatMap((f) => NEEDS[f] ?? []) : [])]);
    else if (remove && name in FEATURE_BIT) bits = featureSetFromNames([name as FeatureName, ...(NEEDS[name as FeatureName] ?? [])]);
    else if (asPreset || (name in PRESETS && !(name in FEATURE_BIT))) bits = featureSetFromNames(PRESETS[name].features);
    else if (name in FEATURE_BIT) bits = FEATURE_BIT[name as FeatureName];
    else throw new FeatureParseError(raw.trim(), didYouMean(name, known));
    set = remove ? set & ~bits : set | bits;
  }
  return set;
}

/** Features only an SVM CPU can lack (VT-x has both built in; see FEATURES). */
export const SVM_ONLY_FEATURES: readonly FeatureName[] = ['vmcb-clean', 'decode-assists', 'v-vmsave-vmload', 'vgif'];

/**
 * The nested-only features a set's text names on purpose (a name, or +name; not through a preset or a
 * removal): what a plain VM refuses, while `modern` — which holds some of them — stays fine everywhere.
 */
export function namedNestedOnlyFeatures(text: string): string[] {
  const names = new Set<string>([...NESTED_ONLY_FEATURES, ...SVM_FEATURE_NAMES.filter(([, f]) => f.every((x) => NESTED_ONLY_FEATURES.includes(x))).map(([n]) => n)]);
  return text
    .split(',')
    .map((w) => w.trim().toLowerCase().replace(/^\+/, ''))
    .filter((w) => names.has(w));
}

/** Features that only a nested guest uses: labels of plain VMs leave them out, as VT-x labels leave out SVM_ONLY_FEATURES. */
export const NESTED_ONLY_FEATURES: readonly FeatureName[] = ['vmcs-shadowing', 'nested-ept', 'evmcs', 'v-vmsave-vmload', 'vgif'];
