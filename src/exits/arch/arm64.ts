// arm64 KVM as an architecture descriptor (types.ts): exits are exceptions taken to EL2, named by
// their ESR_EL2 exception class as arm64-codes.ts has them (Linux arch/arm64/include/asm/kvm_arm.h,
// the names perf kvm stat prints), handled by arch/arm64/kvm/handle_exit.c's arm_exit_handlers.
import type { ArchDescriptor } from './types.js';
import { ARM64_FEATURE_NAMES } from '../features.js';

export const ARM64: ArchDescriptor = {
  id: 'arm64',
  vendor: 'Arm',
  displayName: 'arm64 KVM',
  exits: {
    // No shadow paging on arm64 KVM (stage-2 translation is always on): a guest page fault never exits.
    'guest-page-fault': 'DABT_LOW',
    'nested-page-fault': 'DABT_LOW',
    'mmio-fault': 'DABT_LOW',
    // TTBR and TLB maintenance run natively under stage 2 (HCR_EL2.TVM is set only while the guest's MMU is off).
    'cr3-write': 'SYS64',
    'cr8-write': 'SYS64',
    invlpg: 'SYS64',
    // arm64 has no port I/O: a PCI I/O BAR is memory mapped, so a "port" access is an MMIO data abort.
    io: 'DABT_LOW',
    'msr-read': 'SYS64',
    'msr-write': 'SYS64',
    // ID registers trap under HCR_EL2.TID3: arm64's CPUID.
    cpuid: 'SYS64',
    // CNTVCT_EL0 reads do not trap (CNTVOFF_EL2 offsets them); a trapped counter read is an MRS.
    rdtsc: 'SYS64',
    hypercall: 'HVC64',
    hlt: 'WFx',
    pause: 'WFx',
    // Set/way cache maintenance traps under HCR_EL2.TSW (kvm_set_way_flush): arm64's WBINVD.
    wbinvd: 'SYS64',
    invd: 'SYS64',
    'dr-access': 'SYS64',
    'external-interrupt': 'IRQ',
    // The virtual timer's interrupt is a physical PPI: it interrupts the guest as an IRQ exit (arch_timer.c).
    'preemption-timer': 'IRQ',
    // No interrupt-window exit: a pending vIRQ waits in a list register until the guest unmasks it;
    // an underflow or NPIE maintenance interrupt (an IRQ) is the nearest thing.
    'interrupt-window': 'IRQ',
    'tpr-below-threshold': 'IRQ',
    // GICv2's distributor (and GICD_SGIR) is emulated MMIO; GICv3's ICC_SGI1R_EL1 is a trapped system register.
    'apic-access': 'DABT_LOW',
    'apic-write': 'SYS64',
    // A level-triggered interrupt's EOI raises a maintenance interrupt so that KVM resamples the line.
    'eoi-induced': 'IRQ',
    'ipi-target-away': 'IRQ',
  },
  exitsWithoutNestedPaging: {},
  nestedFeatures: [],
  // arm64's counterparts that KVM always has, and the x86 mechanisms it cannot have (features.ts
  // leaves both out of arm64 labels).
  // (The x86 nested mechanisms mean nothing to a plain VM, the only kind arm64 runs here: a plain VM
  // refuses them when named, and `modern` holds them harmlessly.)
  featuresBuiltIn: ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow', 'vmcb-clean', 'decode-assists', 'vmcs-shadowing', 'nested-ept', 'v-vmsave-vmload', 'vgif'],
  alwaysOn: ['ept', 'vpid', 'msr-bitmap', 'tpr-shadow'],
  featuresAbsent: ['evmcs'],
  featureWords: ARM64_FEATURE_NAMES,
  apicvIncludesIpiv: false,
  msrLists: false,
  nested: { entryExit: 'ERET', controlAccessExits: false, enlightenedVmcs: false, aroundEntry: [] },
  currentProfile: 'altra',
  importedTable: "an arm64 host's table (its exception classes)",
  kvmUnitTestsSuites: ['micro-bench'],
  dirtyLogHardware: 'arm64 has no page-modification log in any shipped profile (FEAT_HAFDBS dirty-bit tracking of stage 2 is not used by KVM for dirty logging)',
  plainVmsOnly: 'nested arm64 guests (FEAT_NV2) are not modelled: no published per-exit figure was found to check them against',
  worldSwitchStages: (b, { vhe, handlerStage }) => {
    // The trap itself is the same in both host modes; what follows it is not.
    const trap = { what: '1 exception to EL2: ESR_EL2, FAR_EL2, HPFAR_EL2 latched; vector entry', cycles: b.recordExitInfo, source: 'Arm ARM D1.10; arch/arm64/kvm/hyp/entry.S __guest_exit' };
    const gprs = (deactivate: string, file: string) => ({ what: `2 save guest GPRs (x0–x30, SP_EL0), timer and debug state${deactivate}`, cycles: b.saveGuestState, source: `arch/arm64/kvm/hyp/${file}` });
    return vhe
      ? [
          trap,
          gprs('; deactivate traps', 'vhe/switch.c __kvm_vcpu_run_vhe'),
          { what: '3 save the vGIC list registers and control state', cycles: b.msrStore, source: 'arch/arm64/kvm/hyp/vgic-v3-sr.c __vgic_v3_save_state; profile arm64.vgicSaveCycles' },
          { what: '4 restore the host context (VHE: the host kernel is already at EL2; EL1 registers stay the guest\'s until vcpu_put)', cycles: b.loadHostState, source: 'arch/arm64/kvm/hyp/vhe/sysreg-sr.c (sysregs switched at vcpu_load/put)' },
          { what: '5 host EL1 system registers: none per exit under VHE', cycles: b.msrLoad, source: 'Dall et al., USENIX ATC 2017 (VHE host at EL2)' },
          handlerStage,
          { what: 'restore the vGIC, activate traps, restore guest GPRs, ERET to the guest', cycles: b.entry, source: 'arch/arm64/kvm/hyp/vhe/switch.c; entry.S __guest_enter' },
        ]
      : [
          trap,
          gprs('', 'nvhe/switch.c __kvm_vcpu_run'),
          { what: '3 save the guest\'s EL1 system registers and the vGIC state', cycles: b.msrStore, source: 'arch/arm64/kvm/hyp/nvhe/sysreg-sr.c __sysreg_save_state_nvhe; vgic-v2/v3 save; profile arm64.el1SysregSaveCycles + vgicSaveCycles' },
          { what: '4 ERET from EL2 into the host kernel at EL1 (split mode\'s second switch)', cycles: b.loadHostState, source: 'Dall & Nieh, ASPLOS 2014 (split-mode virtualization); profile arm64.hostSwitchCycles / 2' },
          { what: '5 restore the host\'s EL1 system registers', cycles: b.msrLoad, source: 'arch/arm64/kvm/hyp/nvhe/sysreg-sr.c; profile arm64.el1SysregRestoreCycles' },
          handlerStage,
          { what: 'HVC back to EL2, save host EL1 registers, restore the guest\'s and the vGIC, restore GPRs, ERET to the guest', cycles: b.entry, source: 'arch/arm64/kvm/hyp/nvhe/switch.c; entry.S __guest_enter' },
        ];
  },
};
