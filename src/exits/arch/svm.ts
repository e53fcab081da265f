// AMD SVM as an architecture descriptor (types.ts): #VMEXIT names as svm-codes.ts
// has them (APM vol. 2 appendix C; Linux arch/x86/include/uapi/asm/svm.h).
import { SVM_FEATURE_NAMES } from '../features.js';
import { svmSlotForVmxName } from '../svm-reasons.js';
import type { ArchDescriptor } from './types.js';

export const SVM: ArchDescriptor = {
  id: 'svm',
  vendor: 'AMD',
  displayName: 'AMD SVM',
  exits: {
    'guest-page-fault': 'EXCP_PF',
    'nested-page-fault': 'NPF',
    'mmio-fault': 'NPF',
    'cr3-write': 'WRITE_CR3',
    'cr8-write': 'WRITE_CR8',
    invlpg: 'INVLPG',
    io: 'IOIO',
    'msr-read': 'MSR',
    'msr-write': 'MSR',
    cpuid: 'CPUID',
    rdtsc: 'RDTSC',
    hypercall: 'VMMCALL',
    hlt: 'HLT',
    pause: 'PAUSE',
    wbinvd: 'WBINVD',
    invd: 'INVD',
    'dr-access': 'WRITE_DR7',
    'external-interrupt': 'INTR',
    // SVM has no preemption timer: a guest timer is a host hrtimer, whose interrupt exits as INTR.
    'preemption-timer': 'INTR',
    'interrupt-window': 'VINTR',
    'tpr-below-threshold': 'WRITE_CR8',
    'apic-access': 'NPF',
    'apic-write': 'AVIC_UNACCELERATED_ACCESS',
    'eoi-induced': 'AVIC_UNACCELERATED_ACCESS',
    'ipi-target-away': 'AVIC_INCOMPLETE_IPI',
  },
  // Without NPT the APIC page is a shadow-paged MMIO page: its accesses fault as #PF.
  exitsWithoutNestedPaging: { 'apic-access': 'EXCP_PF' },
  nestedFeatures: ['v-vmsave-vmload', 'vgif', 'nested-ept'],
  // SVM has no VMREAD/VMWRITE to shadow (L1 reads its VMCB in memory); the enlightened VMCS is
  // Hyper-V's VT-x interface (its SVM enlightenments are not modelled).
  featuresBuiltIn: ['vmcs-shadowing', 'vhe'],
  alwaysOn: [],
  featuresAbsent: ['evmcs'],
  featureWords: SVM_FEATURE_NAMES,
  apicvIncludesIpiv: true,
  msrLists: false,
  // KVM inhibits AVIC for a guest in x2APIC mode on a CPU without x2AVIC (Zen 4 brought x2AVIC; before
  // it "AVIC is deactivated when x2apic is enabled", Linux 5.7 on): its APIC is then emulated.
  x2apicNeeds: 'x2avic',
  // A workload written for VT-x runs on an SVM profile: its raw exits read as their SVM counterparts.
  foreignExitName: svmSlotForVmxName,
  // L1 KVM's VMRUN path (svm_vcpu_run, vmenter.S): CLGI, VMLOAD of L2's state, VMRUN; after the
  // #VMEXIT VMSAVE of L2's and VMLOAD of its own, STGI. Each exits to L0 unless virtualized.
  nested: {
    entryExit: 'VMRUN',
    controlAccessExits: false,
    enlightenedVmcs: false,
    aroundEntry: [
      { exit: 'VMLOAD', handler: 'svm-vmload-vmsave-emulate', perEntry: 2, virtualizedBy: 'v-vmsave-vmload' },
      { exit: 'VMSAVE', handler: 'svm-vmload-vmsave-emulate', perEntry: 1, virtualizedBy: 'v-vmsave-vmload' },
      { exit: 'CLGI', handler: 'svm-gif-emulate', perEntry: 1, virtualizedBy: 'vgif' },
      { exit: 'STGI', handler: 'svm-gif-emulate', perEntry: 1, virtualizedBy: 'vgif' },
    ],
  },
  currentProfile: 'genoa',
  importedTable: "an AMD host's table (SVM exit names)",
  // x86/vmexit runs on both vendors; x86/svm's latency tests only on an AMD host.
  kvmUnitTestsSuites: ['vmexit', 'svm'],
  dirtyLogHardware: "AMD's page-modification logging is in no shipped AMD profile (assumed absent: no KVM support for it was found)",
  worldSwitchStages: (b, { clean, handlerStage }) => [
    { what: '1 #VMEXIT: exit code, EXITINFO1/2, next RIP into the VMCB', cycles: b.recordExitInfo, source: 'APM vol. 2 §15.6' },
    { what: '2 #VMEXIT: save guest state into the VMCB', cycles: b.saveGuestState, source: 'APM vol. 2 §15.6' },
    { what: '3 VMSAVE guest FS/GS/TR/LDTR, KernelGSBase, SYSCALL MSRs', cycles: b.msrStore, source: 'KVM vmenter.S; profile svm.vmsaveCycles' },
    { what: '4 #VMEXIT: load host state from the host save area', cycles: b.loadHostState, source: 'APM vol. 2 §15.6' },
    { what: '5 VMLOAD host FS/GS/TR/SYSCALL state', cycles: b.msrLoad, source: 'KVM vmenter.S; profile svm.vmloadCycles' },
    handlerStage,
    { what: `VMLOAD guest + VMRUN (checks, guest state from the VMCB${clean ? ', clean groups kept' : ', every group reloaded: no clean bits'})`, cycles: b.entry, source: 'APM vol. 2 §15.5, §15.15' },
  ],
};
