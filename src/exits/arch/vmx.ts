// Intel VT-x as an architecture descriptor (types.ts): exit names as Linux's
// arch/x86/include/uapi/asm/vmx.h spells them (reasons.ts has the numbers).
import { SVM_ONLY_FEATURES } from '../features.js';
import { DEFAULT_MSR_LISTS } from '../../config/schema.js';
import { vmxSlotForSvmName } from '../svm-reasons.js';
import type { ArchDescriptor } from './types.js';

export const VMX: ArchDescriptor = {
  id: 'vmx',
  vendor: 'Intel',
  displayName: 'Intel VT-x',
  exits: {
    'guest-page-fault': 'EXCEPTION_NMI',
    'nested-page-fault': 'EPT_VIOLATION',
    'mmio-fault': 'EPT_MISCONFIG',
    'cr3-write': 'CR_ACCESS',
    'cr8-write': 'CR_ACCESS',
    invlpg: 'INVLPG',
    io: 'IO_INSTRUCTION',
    'msr-read': 'MSR_READ',
    'msr-write': 'MSR_WRITE',
    cpuid: 'CPUID',
    rdtsc: 'RDTSC',
    hypercall: 'VMCALL',
    hlt: 'HLT',
    pause: 'PAUSE_INSTRUCTION',
    wbinvd: 'WBINVD',
    invd: 'INVD',
    'dr-access': 'DR_ACCESS',
    'external-interrupt': 'EXTERNAL_INTERRUPT',
    'preemption-timer': 'PREEMPTION_TIMER',
    'interrupt-window': 'INTERRUPT_WINDOW',
    'tpr-below-threshold': 'TPR_BELOW_THRESHOLD',
    'apic-access': 'APIC_ACCESS',
    'apic-write': 'APIC_WRITE',
    'eoi-induced': 'EOI_INDUCED',
    // VT-x has no such exit (IPIv posts to a descheduled vCPU too); the decision table names it on SVM only.
    'ipi-target-away': 'AVIC_INCOMPLETE_IPI',
  },
  exitsWithoutNestedPaging: {},
  nestedFeatures: ['vmcs-shadowing', 'evmcs', 'nested-ept'],
  // SVM's mechanisms that VT-x has built in (its VMCS is cached on chip; every exit reports the
  // instruction length) or that mean nothing on it (virtual VMLOAD/VMSAVE, vGIF): never lacking.
  featuresBuiltIn: [...SVM_ONLY_FEATURES, 'vhe'],
  alwaysOn: [],
  featuresAbsent: [],
  featureWords: [],
  apicvIncludesIpiv: false,
  msrLists: true,
  // An AMD exit name (an AMD measurement's raw exit, `explain intr`) is read as its VT-x counterpart.
  foreignExitName: vmxSlotForSvmName,
  nested: { entryExit: 'VMRESUME', controlAccessExits: true, enlightenedVmcs: true, aroundEntry: [] },
  currentProfile: 'sapphire-rapids',
  // x86/vmexit runs on both vendors; x86/svm's latency tests only on an AMD host.
  kvmUnitTestsSuites: ['vmexit'],
  dirtyLogHardware: 'PML needs Intel Broadwell or later (K. Huang, "KVM: VMX: Page Modification Logging (PML) support", Linux 4.0)',
  worldSwitchStages: (b, { handlerStage }) => [
    { what: '1 record exit information (exit reason, qualification)', cycles: b.recordExitInfo, source: 'SDM §28.2' },
    { what: '2 save guest state (CRs, DRs, segments, RIP/RSP/RFLAGS)', cycles: b.saveGuestState, source: 'SDM §28.3' },
    { what: `3 VM-exit MSR-store area (${DEFAULT_MSR_LISTS.exitStore} MSRs)`, cycles: b.msrStore, source: 'SDM §28.4' },
    { what: '4 load host state', cycles: b.loadHostState, source: 'SDM §28.5' },
    { what: `5 VM-exit MSR-load area (${DEFAULT_MSR_LISTS.exitLoad} MSRs)`, cycles: b.msrLoad, source: 'SDM §28.6' },
    handlerStage,
    { what: `VM entry (checks, guest state, ${DEFAULT_MSR_LISTS.entryLoad} MSR loads)`, cycles: b.entry, source: 'SDM ch. 27' },
  ],
};
