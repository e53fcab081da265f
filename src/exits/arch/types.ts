// The architecture room: what an architecture is to the rest of exitsim. Every architecture-specific
// fact lives in one descriptor per architecture (vmx.ts, svm.ts) behind the registry (index.ts); the
// rest of the code asks the descriptor instead of comparing an architecture's name. Adding one (arm64)
// is a new descriptor: the compiler names every record it must fill.
import type { FeatureName } from '../features.js';
import { ARCH_NAMES, type HandlerName } from '../../config/schema.js';
import type { StageBreakdown } from '../cost.js';
import type { ExplainedStage } from '../explain.js';

/** The architectures, in the order lists show them (the profile schema's enum). */
export const ARCHS = ARCH_NAMES;
export type Arch = (typeof ARCHS)[number];

/**
 * The exits the decision table names, independent of architecture: each architecture maps every one
 * of them to its own exit (an exhaustive record — a missing mapping is a compile error).
 */
export const ABSTRACT_EXITS = [
  'guest-page-fault', 'nested-page-fault', 'mmio-fault', 'cr3-write', 'cr8-write', 'invlpg', 'io', 'msr-read', 'msr-write',
  'cpuid', 'rdtsc', 'hypercall', 'hlt', 'pause', 'wbinvd', 'invd', 'dr-access', 'external-interrupt', 'preemption-timer',
  'interrupt-window', 'tpr-below-threshold', 'apic-access', 'apic-write', 'eoi-induced', 'ipi-target-away',
] as const;
export type AbstractExit = (typeof ABSTRACT_EXITS)[number];

export interface ArchDescriptor {
  id: Arch;
  vendor: 'Intel' | 'AMD' | 'Arm';
  /** How messages name it: "Intel VT-x", "AMD SVM", "arm64 KVM". */
  displayName: string;
  /** Every abstract exit as this architecture's exit name (its perf kvm stat / uapi name). */
  exits: Readonly<Record<AbstractExit, string>>;
  /** Exits that differ without nested paging (on SVM an MMIO access to the APIC page is then a #PF). */
  exitsWithoutNestedPaging: Readonly<Partial<Record<AbstractExit, string>>>;
  /** Its own nested-virtualization mechanisms (features a nested guest of this vendor can name). */
  nestedFeatures: readonly FeatureName[];
  /** How an L1 hypervisor of this architecture runs its L2 (exits.nested.ts expands reflections with it). */
  nested: {
    /** L1's instruction that enters L2: each reflection ends in one. */
    entryExit: string;
    /** L1 reads and writes L2's control structure with instructions that exit unless shadowed (VT-x's VMREAD/VMWRITE); false where it is plain memory (SVM's VMCB). */
    controlAccessExits: boolean;
    /** Hyper-V's enlightened VMCS applies (a VT-x interface). */
    enlightenedVmcs: boolean;
    /** L1's instructions around each entry that exit to L0 unless a feature virtualizes them, in the order L1 runs them. */
    aroundEntry: ReadonlyArray<{ exit: string; handler: HandlerName; perEntry: number; virtualizedBy: FeatureName }>;
  };
  /** Features this architecture has built in (never lacking, whatever the profile says), and ones it cannot have. */
  featuresBuiltIn: readonly FeatureName[];
  featuresAbsent: readonly FeatureName[];
  /** Built-in features the decision table always sees on (arm64 has stage-2 translation and nothing else: no shadow paging to fall back to). */
  alwaysOn: readonly FeatureName[];
  /** Its own words for features (SVM's npt for ept), each standing for these bits; empty where the names are the features'. */
  featureWords: ReadonlyArray<readonly [string, readonly FeatureName[]]>;
  /** APIC virtualization delivers IPIs itself (AVIC): apicv without ipiv is no set of this architecture. */
  apicvIncludesIpiv: boolean;
  /** A capability the CPU needs for APIC virtualization of an x2APIC guest (KVM inhibits AVIC for one without x2AVIC). */
  x2apicNeeds?: 'x2avic';
  /** KVM loads and stores MSR lists at each transition (VT-x); SVM uses VMSAVE/VMLOAD instead. */
  msrLists: boolean;
  /** A workload's raw exit named in another architecture's words, as this one's slot (SVM reads VT-x names); none where it reads only its own. */
  foreignExitName?: (text: string) => number | undefined;
  /** A round trip stage by stage as `explain` prints it, in the seven accounting slots, with sources. */
  worldSwitchStages(b: StageBreakdown, o: { clean: boolean; vhe: boolean; handlerStage: ExplainedStage }): ExplainedStage[];
  /**
   * A measured table in this architecture's exit names, as import says it when it assumes a profile
   * (its raw exits keep their names); absent for VT-x, whose names are the derivation's own.
   */
  importedTable?: string;
  /** Why a guest other than a plain VM cannot run on this architecture here (arm64: nested NV2 is not modelled); absent where every VM type the profile's capabilities allow can. */
  plainVmsOnly?: string;
  /** `list exit-reasons --arch`, and `--profile` advice: a current profile of this architecture. */
  currentProfile: string;
  /** The kvm-unit-tests suites whose figures a host of this architecture prints (exitsim calibrate reads them). */
  kvmUnitTestsSuites: ReadonlyArray<'vmexit' | 'svm' | 'micro-bench'>;
  /** Where hardware dirty logging (a page-modification log) comes from on this architecture: said when a profile lacks it. */
  dirtyLogHardware: string;
}
