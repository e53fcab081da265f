// The exit engine's decision table (SPEC §3) as data: guest event kind ×
// feature set (× workload and profile properties) → the exits it causes, with
// the handler that runs and where. The first rule whose `when` holds wins; a
// rule with no exits means the event runs natively. Resolution happens once
// per run (resolve.ts), never in the event loop.
import type { FeatureName } from './features.js';
import type { AbstractExit, Arch } from './arch/index.js';
import type { HandlerName } from '../config/schema.js';

export const ENGINE_EVENT_KINDS = [
  'hlt', 'pause-spin', 'host-tick', 'interrupt-delivery', 'ipi-delivery', 'timer-expiry', 'eoi',
] as const;

export type EventKind =
  | 'ipi-target-away'
  | 'page-fault' | 'first-touch' | 'cr3-write' | 'invlpg' | 'io' | 'msr-read' | 'msr-write' | 'cpuid'
  | 'rdtsc' | 'vmcall' | 'tpr-write' | 'timer-program' | 'ipi-send' | 'dr-access' | 'raw-exit'
  | 'pt-write' | 'process-lifecycle' | 'wbinvd' | 'invd'
  | (typeof ENGINE_EVENT_KINDS)[number];

export interface Condition {
  /** The CPU profile's architecture (absent: any). */
  arch?: Arch;
  features?: Partial<Record<FeatureName, boolean>>;
  apicMode?: 'xapic' | 'x2apic';
  deviceKind?: 'emulated' | 'virtio' | 'passthrough';
  deviceBus?: 'pio' | 'mmio';
  msrIntercepted?: boolean;
  usesDebugRegisters?: boolean;
  preemptionTimer?: boolean;
  /** arm64: the GIC generation. */
  gicVersion?: 'v2' | 'v3';
}

export interface ExitSpec {
  /** The exit, as every architecture names it in its descriptor (arch/vmx.ts, arch/svm.ts). */
  exit: AbstractExit;
  handler: HandlerName;
  location: 'kernel' | 'user';
  /** The exit repeats this many times per event (a context number). */
  repeat?: 'shadowPageFaultExits' | 'deviceExitsPerOp' | 'lifecycleWriteTraps';
  /** The exit happens with this probability (a workload number); else always. */
  probability?: 'interruptWindowProbability' | 'levelTriggeredFraction' | 'tprBelowThresholdProbability';
}

export interface DecisionRule {
  event: EventKind;
  when?: Condition;
  exits: ExitSpec[];
  /** The guest still does the event's native work after the exit (a reflected #PF). */
  reflected?: boolean;
  /** Why, in the words of SPEC §3. */
  why: string;
}

const K = 'kernel' as const;
const U = 'user' as const;

const A = 'arm64' as const;

/**
 * arm64 KVM (issue 34): where the guest's operation is another mechanism than on x86, its own rules
 * come first. The rest (hypercalls, trapped system registers, MMIO, WFI, device I/O) follow the
 * shared rules below, with arm64's exits (arch/arm64.ts) and its built-in stage 2.
 */
const ARM64_RULES: DecisionRule[] = [
  {
    event: 'timer-program',
    when: { arch: A },
    exits: [],
    why: 'arm64: the guest programs its virtual timer (CNTV_CVAL_EL0, CNTV_CTL_EL0) itself; KVM does not trap it (arch/arm64/kvm/arch_timer.c)',
  },
  {
    event: 'timer-expiry',
    when: { arch: A },
    exits: [{ exit: 'preemption-timer', handler: 'preemption-timer', location: K }],
    why: 'arm64: the virtual timer fires as a physical PPI while the guest runs — an IRQ exit; KVM injects the virtual timer interrupt through a list register (kvm_arch_timer_handler); no interrupt window: the list register holds it until the guest unmasks',
  },
  {
    event: 'interrupt-delivery',
    when: { arch: A, features: { apicv: true } },
    exits: [],
    why: 'arm64 GICv4: the redistributor delivers a vLPI to the running vCPU itself (direct injection; KVM maps an assigned device\'s MSIs with its_map_vlpi)',
  },
  {
    event: 'ipi-delivery',
    when: { arch: A, features: { ipiv: true } },
    exits: [],
    why: 'arm64 GICv4.1: the vSGI is made pending in the target vPE by the GIC, without an exit of the running target (KVM maps SGIs with its_alloc_vcpu_sgis)',
  },
  {
    event: 'ipi-delivery',
    when: { arch: A },
    exits: [{ exit: 'external-interrupt', handler: 'external-interrupt', location: K }],
    why: 'arm64 without GICv4.1 (GICv4.0 injects vLPIs only): KVM kicks the running target with a physical IPI (an IRQ exit) and puts the SGI in a list register before re-entry',
  },
  {
    event: 'interrupt-delivery',
    when: { arch: A },
    exits: [{ exit: 'external-interrupt', handler: 'external-interrupt', location: K }],
    why: 'arm64 without GICv4: KVM kicks the running vCPU with a physical IPI (an IRQ exit) and puts the interrupt in a list register before re-entry; no interrupt-window exit',
  },
  {
    event: 'eoi',
    when: { arch: A },
    exits: [{ exit: 'eoi-induced', handler: 'eoi-induced', location: K, probability: 'levelTriggeredFraction' }],
    why: 'arm64 vGIC: the guest acknowledges and completes interrupts at the virtual CPU interface without a trap (GICv2 GICV, GICv3 ICC_* → ICH); a level-triggered interrupt raises an EOI maintenance interrupt so KVM resamples its line',
  },
  { event: 'tpr-write', when: { arch: A }, exits: [], why: 'arm64: the priority mask (ICC_PMR_EL1) is the virtual CPU interface\'s own: no trap' },
  {
    event: 'ipi-send',
    when: { arch: A, gicVersion: 'v2' },
    exits: [{ exit: 'apic-access', handler: 'apic-access-icr', location: K }],
    why: 'arm64 GICv2: an SGI is a write to the emulated distributor\'s GICD_SGIR — a data abort on its MMIO page',
  },
  {
    event: 'ipi-send',
    when: { arch: A },
    exits: [{ exit: 'msr-write', handler: 'msr-write-icr', location: K }],
    why: 'arm64 GICv3: an SGI is a write to ICC_SGI1R_EL1, which traps (SYS64) — with GICv4.1 too, which delivers the vSGI to the target but cannot take it from the sender\'s CPU interface; KVM injects it (vgic_v3_dispatch_sgi)',
  },
  { event: 'ipi-target-away', when: { arch: A }, exits: [], why: 'arm64: the sender\'s write has exited already (or GICv4.1 made the vSGI pending for a descheduled vPE)' },
];

export const DECISION_TABLE: DecisionRule[] = [
  ...ARM64_RULES,
  // Memory virtualization.
  { event: 'page-fault', when: { features: { ept: true } }, exits: [], why: 'EPT: the guest handles its own #PF natively' },
  {
    event: 'page-fault',
    exits: [{ exit: 'guest-page-fault', handler: 'shadow-page-fault', location: K, repeat: 'shadowPageFaultExits' }],
    reflected: true,
    why: 'shadow paging: #PF exits (three exits per demand fault in early KVM), then is reflected to the guest',
  },
  {
    event: 'first-touch',
    when: { features: { ept: true } },
    exits: [{ exit: 'nested-page-fault', handler: 'ept-violation', location: K }],
    why: 'EPT: the first touch of a guest-physical page has no host mapping yet',
  },
  { event: 'first-touch', exits: [], why: 'shadow paging: folded into the #PF exit' },
  { event: 'cr3-write', when: { features: { ept: true } }, exits: [], why: 'EPT: CR3 writes do not exit' },
  {
    event: 'cr3-write',
    exits: [{ exit: 'cr3-write', handler: 'cr3-write-shadow', location: K }],
    why: 'shadow paging: a guest context switch must switch shadow page tables',
  },
  { event: 'invlpg', when: { features: { ept: true } }, exits: [], why: 'EPT: INVLPG runs natively' },
  {
    event: 'invlpg',
    exits: [{ exit: 'invlpg', handler: 'invlpg-shadow', location: K }],
    why: 'shadow paging: the shadow PTE must be invalidated',
  },
  {
    event: 'pt-write',
    when: { features: { ept: true } },
    exits: [],
    why: 'EPT: the guest writes its own page tables natively',
  },
  {
    event: 'pt-write',
    exits: [{ exit: 'guest-page-fault', handler: 'pt-write-emulate', location: K }],
    why: 'shadow paging: a write to a write-protected guest page table (an upper level, or a leaf table not yet unsync) faults; KVM emulates it and updates the shadow entry',
  },
  {
    event: 'process-lifecycle',
    when: { features: { ept: true } },
    exits: [],
    why: 'EPT: fork, exec and exit change only guest page tables, natively',
  },
  {
    event: 'process-lifecycle',
    exits: [{ exit: 'guest-page-fault', handler: 'pt-write-emulate', location: K, repeat: 'lifecycleWriteTraps' }],
    why: 'shadow paging: fork write-protects the parent\'s page tables and exec/exit tear two trees down — each shadowed page-table page traps on its first write (a leaf then goes unsync; an upper level is zapped after 3 writes)',
  },
  // Device I/O.
  { event: 'io', when: { deviceKind: 'passthrough' }, exits: [], why: 'passed-through device: no exit on the data path' },
  {
    event: 'io',
    when: { deviceKind: 'emulated', deviceBus: 'pio' },
    exits: [{ exit: 'io', handler: 'io-emulated', location: U, repeat: 'deviceExitsPerOp' }],
    why: 'emulated device: several port accesses per operation, emulated in the user-space VMM',
  },
  {
    event: 'io',
    when: { deviceKind: 'emulated', deviceBus: 'mmio', features: { ept: true } },
    exits: [{ exit: 'mmio-fault', handler: 'io-emulated', location: U, repeat: 'deviceExitsPerOp' }],
    why: 'emulated MMIO device with EPT: EPT misconfiguration exits, emulated in user space',
  },
  {
    event: 'io',
    when: { deviceKind: 'emulated', deviceBus: 'mmio' },
    exits: [{ exit: 'guest-page-fault', handler: 'io-emulated', location: U, repeat: 'deviceExitsPerOp' }],
    why: 'emulated MMIO device with shadow paging: a #PF on the unmapped page, emulated in user space',
  },
  {
    event: 'io',
    when: { deviceKind: 'virtio', deviceBus: 'pio', features: { ioeventfd: true } },
    exits: [{ exit: 'io', handler: 'io-kernel', location: K }],
    why: 'virtio notify on a port, completed in the kernel by ioeventfd',
  },
  {
    event: 'io',
    when: { deviceKind: 'virtio', deviceBus: 'pio' },
    exits: [{ exit: 'io', handler: 'io-user', location: U }],
    why: 'virtio notify on a port, forwarded to the user-space VMM',
  },
  {
    event: 'io',
    when: { deviceKind: 'virtio', deviceBus: 'mmio', features: { ept: true, ioeventfd: true } },
    exits: [{ exit: 'mmio-fault', handler: 'mmio-kernel', location: K }],
    why: 'virtio-mmio notify with EPT: fast MMIO eventfd in the kernel',
  },
  {
    event: 'io',
    when: { deviceKind: 'virtio', deviceBus: 'mmio', features: { ept: true } },
    exits: [{ exit: 'mmio-fault', handler: 'mmio-user', location: U }],
    why: 'virtio-mmio notify with EPT, forwarded to the user-space VMM',
  },
  {
    event: 'io',
    when: { deviceKind: 'virtio', deviceBus: 'mmio', features: { ioeventfd: true } },
    exits: [{ exit: 'guest-page-fault', handler: 'mmio-kernel', location: K }],
    why: 'virtio-mmio notify with shadow paging, completed in the kernel by ioeventfd',
  },
  {
    event: 'io',
    when: { deviceKind: 'virtio', deviceBus: 'mmio' },
    exits: [{ exit: 'guest-page-fault', handler: 'mmio-user', location: U }],
    why: 'virtio-mmio notify with shadow paging, forwarded to the user-space VMM',
  },
  // MSRs and instructions.
  {
    event: 'msr-read',
    when: { features: { 'msr-bitmap': true }, msrIntercepted: false },
    exits: [],
    why: 'MSR bitmap: a pass-through MSR is read natively',
  },
  { event: 'msr-read', exits: [{ exit: 'msr-read', handler: 'msr-read', location: K }], why: 'RDMSR of an intercepted MSR, or no MSR bitmap' },
  {
    event: 'msr-write',
    when: { features: { 'msr-bitmap': true }, msrIntercepted: false },
    exits: [],
    why: 'MSR bitmap: a pass-through MSR is written natively',
  },
  { event: 'msr-write', exits: [{ exit: 'msr-write', handler: 'msr-write', location: K }], why: 'WRMSR of an intercepted MSR, or no MSR bitmap' },
  { event: 'cpuid', exits: [{ exit: 'cpuid', handler: 'cpuid', location: K }], why: 'CPUID always exits' },
  {
    event: 'rdtsc',
    when: { features: { 'rdtsc-exiting': true } },
    exits: [{ exit: 'rdtsc', handler: 'rdtsc', location: K }],
    why: 'RDTSC exiting is on',
  },
  { event: 'rdtsc', exits: [], why: 'RDTSC runs natively (TSC offsetting)' },
  {
    event: 'wbinvd',
    exits: [{ exit: 'wbinvd', handler: 'wbinvd', location: K }],
    why: 'WBINVD exits (KVM intercepts it; without non-coherent DMA it does nothing and skips the instruction)',
  },
  { event: 'invd', exits: [{ exit: 'invd', handler: 'invd', location: K }], why: 'INVD always exits; KVM skips it in its fastpath' },
  { event: 'vmcall', exits: [{ exit: 'hypercall', handler: 'vmcall', location: K }], why: 'a hypercall always exits' },
  {
    event: 'tpr-write',
    when: { features: { 'tpr-shadow': true } },
    exits: [{ exit: 'tpr-below-threshold', handler: 'tpr-below-threshold', location: K, probability: 'tprBelowThresholdProbability' }],
    why: 'TPR shadow: CR8 writes are virtualized; lowering below the threshold with an interrupt pending exits',
  },
  { event: 'tpr-write', exits: [{ exit: 'cr8-write', handler: 'tpr-write', location: K }], why: 'no TPR shadow: MOV to CR8 exits' },
  {
    event: 'timer-program',
    exits: [{ exit: 'msr-write', handler: 'timer-program', location: K }],
    why: 'WRMSR IA32_TSC_DEADLINE always exits: the hypervisor arms its own timer',
  },
  {
    event: 'ipi-send',
    when: { apicMode: 'x2apic', features: { ipiv: true, 'msr-bitmap': false } },
    exits: [{ exit: 'msr-write', handler: 'msr-write-icr', location: K }],
    why: 'x2APIC without an MSR bitmap: the ICR WRMSR exits like every WRMSR — IPI virtualization needs the bitmap to pass 0x830 through',
  },
  { event: 'ipi-send', when: { features: { ipiv: true } }, exits: [], why: 'IPI virtualization (AVIC on SVM): the ICR write does not exit' },
  {
    event: 'ipi-target-away',
    when: { arch: 'svm', features: { ipiv: true } },
    exits: [{ exit: 'ipi-target-away', handler: 'avic-incomplete-ipi', location: K }],
    why: 'AVIC: an IPI to a vCPU that is not running (IsRunning clear: descheduled or blocked in HLT) exits with AVIC_INCOMPLETE_IPI and KVM wakes the target; IPIv on VT-x posts it without an exit',
  },
  {
    event: 'ipi-target-away',
    exits: [],
    why: 'the IPI is sent as to a running vCPU: posted and the target woken by the notification (IPIv), or the ICR write exited already',
  },
  {
    event: 'ipi-send',
    when: { apicMode: 'x2apic' },
    exits: [{ exit: 'msr-write', handler: 'msr-write-icr', location: K }],
    why: 'x2APIC ICR write (WRMSR 0x830)',
  },
  {
    event: 'ipi-send',
    when: { features: { apicv: true } },
    exits: [{ exit: 'apic-write', handler: 'apic-write', location: K }],
    why: 'xAPIC ICR write with APIC-register virtualization: a trap-like APIC_WRITE',
  },
  {
    event: 'ipi-send',
    exits: [{ exit: 'apic-access', handler: 'apic-access-icr', location: K }],
    why: 'xAPIC ICR write to the emulated APIC page',
  },
  {
    event: 'dr-access',
    when: { usesDebugRegisters: true },
    exits: [{ exit: 'dr-access', handler: 'dr-access', location: K }],
    why: 'the workload uses debug registers (MOV DR exits)',
  },
  { event: 'dr-access', exits: [], why: 'debug registers are not intercepted' },
  // Idle and spinning.
  { event: 'hlt', when: { features: { 'exitless-idle': true } }, exits: [], why: 'exitless idle: the guest halts on its dedicated pCPU' },
  { event: 'hlt', exits: [{ exit: 'hlt', handler: 'hlt', location: K }], why: 'HLT exits; the vCPU blocks (halt polling may spin first)' },
  {
    event: 'pause-spin',
    when: { features: { ple: true, 'exitless-idle': false } },
    exits: [{ exit: 'pause', handler: 'pause', location: K }],
    why: 'PLE: a PAUSE loop longer than the window exits and yields',
  },
  { event: 'pause-spin', exits: [], why: 'no PLE (or exitless idle): the vCPU keeps spinning' },
  // Interrupts and timers.
  {
    event: 'host-tick',
    exits: [{ exit: 'external-interrupt', handler: 'host-tick', location: K }],
    why: 'a host interrupt while the guest runs always exits',
  },
  { event: 'interrupt-delivery', when: { features: { apicv: true } }, exits: [], why: 'APICv: the interrupt is posted, no exit' },
  {
    event: 'interrupt-delivery',
    exits: [
      { exit: 'external-interrupt', handler: 'external-interrupt', location: K },
      { exit: 'interrupt-window', handler: 'interrupt-window', location: K, probability: 'interruptWindowProbability' },
    ],
    why: 'no APICv: the host interrupts the running vCPU to inject; an interrupt window exit if the guest has interrupts masked',
  },
  // An IPI reaching a running vCPU is a device interrupt on x86 (posted with APICv); only arm64 tells them apart.
  { event: 'ipi-delivery', when: { features: { apicv: true } }, exits: [], why: 'APICv: the IPI is posted, no exit' },
  {
    event: 'ipi-delivery',
    exits: [
      { exit: 'external-interrupt', handler: 'external-interrupt', location: K },
      { exit: 'interrupt-window', handler: 'interrupt-window', location: K, probability: 'interruptWindowProbability' },
    ],
    why: 'no APICv: the host interrupts the running vCPU to inject the IPI; an interrupt window exit if the guest has interrupts masked',
  },
  {
    event: 'timer-expiry',
    when: { preemptionTimer: true, features: { apicv: true } },
    exits: [{ exit: 'preemption-timer', handler: 'preemption-timer', location: K }],
    why: 'the guest timer is emulated with the VMX preemption timer',
  },
  {
    event: 'timer-expiry',
    when: { preemptionTimer: true },
    exits: [
      { exit: 'preemption-timer', handler: 'preemption-timer', location: K },
      { exit: 'interrupt-window', handler: 'interrupt-window', location: K, probability: 'interruptWindowProbability' },
    ],
    why: 'the guest timer is emulated with the VMX preemption timer; injection may need an interrupt window',
  },
  {
    event: 'timer-expiry',
    when: { features: { apicv: true } },
    exits: [{ exit: 'external-interrupt', handler: 'external-interrupt', location: K }],
    why: 'the guest timer is a host hrtimer: its interrupt exits',
  },
  {
    event: 'timer-expiry',
    exits: [
      { exit: 'external-interrupt', handler: 'external-interrupt', location: K },
      { exit: 'interrupt-window', handler: 'interrupt-window', location: K, probability: 'interruptWindowProbability' },
    ],
    why: 'the guest timer is a host hrtimer: its interrupt exits; injection may need an interrupt window',
  },
  {
    event: 'eoi',
    when: { apicMode: 'x2apic', features: { apicv: true, 'msr-bitmap': false } },
    exits: [{ exit: 'msr-write', handler: 'msr-write-eoi', location: K }],
    why: 'x2APIC without an MSR bitmap: every WRMSR exits, the EOI too — APICv virtualizes an x2APIC register only when the bitmap passes its MSR through (SDM Vol. 3 §30.5; KVM vmx_update_msr_bitmap_x2apic, svm_set_x2apic_msr_interception)',
  },
  {
    event: 'eoi',
    when: { features: { apicv: true } },
    exits: [{ exit: 'eoi-induced', handler: 'eoi-induced', location: K, probability: 'levelTriggeredFraction' }],
    why: 'APICv: EOI is virtualized; a level-triggered vector in the EOI-exit bitmap exits',
  },
  {
    event: 'eoi',
    when: { apicMode: 'x2apic' },
    exits: [{ exit: 'msr-write', handler: 'msr-write-eoi', location: K }],
    why: 'no APICv, x2APIC: the EOI MSR write exits',
  },
  {
    event: 'eoi',
    exits: [{ exit: 'apic-access', handler: 'apic-access-eoi', location: K }],
    why: 'no APICv, xAPIC: the EOI register write traps on the APIC page',
  },
];
