// Input formats (SPEC §5) as zod schemas: the single place that says what a
// workload, a CPU profile and a scenario may contain, with units in the names.
import { z } from 'zod';
import { GuestActivity, GuestSettings } from './guest-os.js';

// Cycle counts and rates above 2^53 cannot be exact (nor physical): refused like NaN.
const MAX_EXACT = 2 ** 53;
const positive = z.number().finite().positive().max(MAX_EXACT);
const nonNegative = z.number().finite().nonnegative().max(MAX_EXACT);
const fraction = z.number().finite().min(0).max(1);
/** A name that is printed in titles and tables: no control characters (they would drive the terminal). */
const Name = z.string().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]+$/, 'a name without control characters');
/** An MSR as Intel's SDM names it (IA32_SPEC_CTRL, MSR_LSTAR) or by number (0x48). */
const MsrName = z.string().min(1).max(64).regex(/^(0x[0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9_]*)$/, 'an MSR name (IA32_SPEC_CTRL) or number (0x48)');

/** A number with the published figure or rule it comes from. */
export const Cited = z
  .object({
    value: nonNegative,
    source: z.string().min(1),
    estimate: z.boolean().optional(),
  })
  .strict();
export type Cited = z.infer<typeof Cited>;

export const INSTRUCTION_EVENT_KINDS = [
  'page-fault', 'first-touch', 'cr3-write', 'invlpg', 'io', 'msr-read', 'msr-write', 'cpuid', 'rdtsc',
  'vmcall', 'tpr-write', 'timer-program', 'ipi-send', 'dr-access', 'raw-exit', 'pt-write', 'process-lifecycle',
  'wbinvd', 'invd',
] as const;
export const INTERRUPT_EVENT_KINDS = ['timer', 'device-interrupt'] as const;

const Distribution = z.enum(['exponential', 'constant', 'lognormal', 'empirical']);

const EventCommon = {
  source: z.string().min(1),
  distribution: Distribution.optional(),
  /** Coefficient of variation of the gaps, for `lognormal`. */
  cv: positive.optional(),
  /** Gaps relative to their mean (any positive numbers; rescaled to mean 1), for `empirical`. */
  empiricalGaps: z.array(positive).min(1).optional(),
  /** Guest cycles of the event's own work on bare metal (and in the guest when it does not exit). */
  nativeCycles: nonNegative.optional(),
};

export const InstructionEvent = z
  .object({
    kind: z.enum(INSTRUCTION_EVENT_KINDS),
    perUnit: positive.optional(),
    perGuestSec: positive.optional(),
    /** io: the device name from `devices`. */
    device: z.string().optional(),
    /** msr-read / msr-write: the MSR's name (matched against the pass-through list). */
    msr: MsrName.optional(),
    /** raw-exit: the exit reason (name, alias or number). */
    reason: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    /** Handler cycles of this event's exits, overriding the profile's (a measured figure; imported workloads set it). */
    handlerCycles: nonNegative.optional(),
    /**
     * timer-program: the deadline written has already passed, so the timer fires at once — the
     * hypervisor injects the interrupt at the next entry and the guest runs its handler
     * (interruptHandlerCycles) and EOI (kvm-unit-tests tscdeadline_immed).
     */
    deadlinePassed: z.boolean().optional(),
    /**
     * timer-program: the deadline written, in cycles after the write — the vCPU's one-shot LAPIC
     * timer fires then (the hypervisor arms the VMX preemption timer or an hrtimer), and the guest
     * handles the interrupt without re-programming it (kvm-unit-tests tscdeadline: 3000).
     */
    deadlineCycles: positive.optional(),
    /**
     * timer-program with deadlineCycles: the unit spins until the timer's interrupt is handled;
     * io: the unit spins until the device's completion interrupt is handled (a latency-bound
     * request at queue depth 1; the device needs completionLatencyUs); ipi-send: the sender spins
     * until the target vCPU has run its handler (kvm-unit-tests `ipi`: on_cpu waits for the target).
     */
    waitsForInterrupt: z.boolean().optional(),
    /**
     * cr3-write: false when the write returns to an address space the vCPU just left (KPTI's switch
     * between a process's kernel and user page tables): the shadow MMU finds the root in its cache.
     */
    addressSpaceChange: z.boolean().optional(),
    /**
     * With waitsForInterrupt on io and timer-program events: how the guest waits — 'spin' (a loop,
     * as kvm-unit-tests does; the default) or 'idle' (the thread blocks, the vCPU goes idle and
     * halts until the interrupt: an O_DSYNC write, a request/response over the network).
     */
    whileWaiting: z.enum(['spin', 'idle']).optional(),
    /**
     * io with waitsForInterrupt: requests the unit keeps in flight — it computes on until this many
     * are outstanding, then waits for one to complete (each completes completionLatencyUs after
     * it was issued, with an interrupt of its own). Default 1.
     */
    queueDepth: z.number().int().min(1).max(1024).optional(),
    ...EventCommon,
  })
  .strict()
  .refine((e) => e.addressSpaceChange === undefined || e.kind === 'cr3-write', { message: 'a field of cr3-write events only', path: ['addressSpaceChange'] })
  .refine((e) => e.deadlinePassed === undefined || e.kind === 'timer-program', { message: 'a field of timer-program events only', path: ['deadlinePassed'] })
  .refine((e) => e.deadlineCycles === undefined || e.kind === 'timer-program', { message: 'a field of timer-program events only', path: ['deadlineCycles'] })
  .refine((e) => !(e.deadlineCycles !== undefined && e.deadlinePassed), { message: 'a deadline ahead (deadlineCycles) or one already passed (deadlinePassed), not both', path: ['deadlinePassed'] })
  .refine((e) => e.queueDepth === undefined || (e.kind === 'io' && e.waitsForInterrupt), { message: 'a field of io events that wait (waitsForInterrupt)', path: ['queueDepth'] })
  .refine((e) => e.whileWaiting === undefined || (e.waitsForInterrupt && e.kind !== 'ipi-send'), { message: 'a field of io and timer-program events that wait (waitsForInterrupt)', path: ['whileWaiting'] })
  .refine((e) => !e.waitsForInterrupt || (e.kind === 'timer-program' && e.deadlineCycles !== undefined) || e.kind === 'io' || e.kind === 'ipi-send', {
    message: 'a field of io and ipi-send events and of timer-program events with deadlineCycles',
    path: ['waitsForInterrupt'],
  });

export const InterruptEvent = z
  .object({
    kind: z.enum(INTERRUPT_EVENT_KINDS),
    perWallSec: positive,
    ...EventCommon,
  })
  .strict();

export const Device = z
  .object({
    name: Name,
    kind: z.enum(['emulated', 'virtio', 'passthrough']),
    bus: z.enum(['pio', 'mmio']),
    /** Emulated devices need several exits per operation (Agesen 2012 §9: 2.6 on e1000). */
    exitsPerOp: z.number().int().min(1).max(64).optional(),
    /** Completion interrupt this long after an operation; 0 = none. */
    completionLatencyUs: nonNegative.optional(),
    /**
     * Bytes the device moves by DMA per operation. A confidential VM copies them through its
     * unencrypted bounce buffers (swiotlb); other VMs ignore it. Absent: 0 (no bounce cost).
     */
    dmaBytesPerOp: nonNegative.optional(),
    /**
     * User-space VMM work per request that runs in the vCPU thread when the notify reaches user
     * space (no ioeventfd): the VMM handles the request before it re-enters the guest. With
     * ioeventfd an I/O thread does it, off the vCPU (on a host CPU exitsim does not charge).
     */
    vmmServiceCycles: nonNegative.optional(),
    source: z.string().min(1),
  })
  .strict();

/** Editors put "$schema" in a file to check it against schemas/*.schema.json. */
const SchemaRef = { $schema: z.string().optional() };

export const Workload = z
  .object({
    ...SchemaRef,
    name: Name,
    description: z.string().min(1),
    sources: z.array(z.string().min(1)).min(1),
    kind: z.enum(['closed', 'open']),
    unitName: z.string().min(1),
    cyclesPerUnit: positive,
    cyclesPerUnitCv: nonNegative.optional(),
    /** Open workloads: units arriving per second for the whole VM. */
    arrivalsPerSec: positive.optional(),
    apicMode: z.enum(['xapic', 'x2apic']).default('x2apic'),
    usesDebugRegisters: z.boolean().default(false),
    /** Probability that an interrupt delivered without APICv needs an INTERRUPT_WINDOW exit. */
    interruptWindowProbability: fraction.default(0.05),
    /** Fraction of device interrupts that are level-triggered (EOI_INDUCED with APICv). */
    levelTriggeredFraction: fraction.default(0),
    /** With TPR shadow, probability that a TPR write drops below the threshold with an interrupt pending. */
    tprBelowThresholdProbability: fraction.default(0),
    /** Guest cycles of the guest's own interrupt handler. */
    interruptHandlerCycles: nonNegative.default(1000),
    /**
     * vCPUs that run units (the first N of each VM); the others only take interrupts and idle — a
     * single-threaded job on a bigger VM, or kvm-unit-tests' IPI target. Default: all.
     */
    activeVcpus: z.number().int().min(1).max(4096).optional(),
    /** Timer-deadline writes the guest makes each time it goes idle (NOHZ tick stop). */
    timerProgramsPerIdleEntry: nonNegative.default(1),
    tlb: z
      .object({
        missesPerUnit: nonNegative,
        pageSize: z.enum(['4K', '2M', '1G']).default('4K'),
        pageWalkCacheHitRate: fraction.default(0.8),
        /** Guest cycles to refill the TLB after a flush (transitions without VPID). */
        refillCyclesAfterFlush: nonNegative,
        source: z.string().min(1),
      })
      .strict()
      .optional(),
    /**
     * The guest's address spaces, as the shadow MMU sees them (SPEC §3 shadow paging): how many a
     * vCPU switches among (the shadow root cache holds the current and 3 previous roots) and how
     * many page-table pages one short-lived process owns (each is write-protected and shadowed).
     */
    pageTables: z
      .object({
        /** Distinct address spaces a vCPU switches among (CR3 targets), ≥ 1. */
        addressSpacesPerVcpu: z.number().min(1).max(1e6),
        /** Guest page-table pages of one process (4 KB each: VmPTE / 4 KB). */
        pageTablePagesPerProcess: nonNegative,
        source: z.string().min(1),
      })
      .strict()
      .optional(),
    devices: z.array(Device).default([]),
    /**
     * What the guest OS and its programs do, natively (context switches, syscalls, page faults,
     * processes): the guest model expands them into instructions under a guest OS profile, and the
     * features decide which exit (src/workloads/guest-model.ts).
     */
    guest: GuestActivity.optional(),
    /**
     * The guest's memory and its writes, for `exitsim migrate` (issue 33): its size, the backing page
     * size, the working set it keeps touching, and the pages it dirties per second of a running vCPU
     * (absent: at least one per page fault, each of which maps a page that is written at once).
     */
    memory: z
      .object({
        sizeGiB: Cited,
        backingPageSize: z.enum(['4K', '2M', '1G']).default('4K'),
        workingSetGiB: Cited.optional(),
        dirtyPagesPerGuestSec: Cited.optional(),
        /** Writes concentrated on a hot set: its size and the share of writes landing on it. */
        hotSet: z.object({ sizeGiB: positive, writeShare: fraction, source: z.string().min(1) }).strict().optional(),
      })
      .strict()
      .optional(),
    events: z.array(z.union([InstructionEvent, InterruptEvent])).default([]),
    spinlock: z
      .object({
        acquiresPerUnit: positive,
        holdCycles: positive,
        source: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Workload = z.infer<typeof Workload>;
export type WorkloadInput = z.input<typeof Workload>;
export type InstructionEvent = z.infer<typeof InstructionEvent>;
export type InterruptEvent = z.infer<typeof InterruptEvent>;
export type WorkloadEvent = InstructionEvent | InterruptEvent;
export type Device = z.infer<typeof Device>;

export const HANDLER_NAMES = [
  'shadow-page-fault', 'ept-violation', 'cr3-write-shadow', 'invlpg-shadow', 'io-kernel', 'io-user',
  'mmio-kernel', 'mmio-user', 'io-emulated', 'msr-read', 'msr-write', 'timer-program', 'cpuid', 'rdtsc',
  'vmcall', 'hlt', 'pause', 'external-interrupt', 'host-tick', 'interrupt-window', 'apic-access-eoi',
  'apic-access-icr', 'apic-write', 'eoi-induced', 'msr-write-eoi', 'msr-write-icr', 'tpr-write',
  'tpr-below-threshold', 'preemption-timer', 'dr-access', 'raw-exit', 'pt-write-emulate', 'shadow-root-miss',
  'avic-incomplete-ipi', 'wbinvd', 'invd', 'nested-vmexit', 'nested-vmentry', 'nested-vmentry-evmcs', 'vmread-emulate', 'vmwrite-emulate',
  'svm-vmload-vmsave-emulate', 'svm-gif-emulate',
  // Confidential VMs (src/exits/confidential.ts): the guest's and the security monitor's own work.
  'tdx-ve', 'tdx-tdvmcall-guest', 'tdx-module-cpuid', 'tdx-page-accept', 'sev-vc', 'sev-ghcb-sync', 'snp-cpuid-table',
  'snp-pvalidate', 'swiotlb-bounce',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Handlers only a CPU with TDX or SEV-ES/SNP needs (a profile of another CPU leaves them out). */
export const CONFIDENTIAL_HANDLER_NAMES: ReadonlyArray<HandlerName> = ['tdx-ve', 'tdx-tdvmcall-guest', 'tdx-module-cpuid', 'tdx-page-accept', 'sev-vc', 'sev-ghcb-sync', 'snp-cpuid-table', 'snp-pvalidate', 'swiotlb-bounce'];
const HandlerCycles = z
  .object(Object.fromEntries(HANDLER_NAMES.map((n) => [n, CONFIDENTIAL_HANDLER_NAMES.includes(n) ? Cited.optional() : Cited])) as Record<HandlerName, typeof Cited>)
  .strict();

/**
 * The kind of guest a scenario runs: plain (a guest of the host's hypervisor), nested (an L2 guest of
 * a KVM hypervisor in a VM), or a confidential VM — an Intel TDX trust domain, an AMD SEV-ES or SEV-SNP
 * guest (src/exits/confidential.ts).
 */
export const VM_TYPES = ['plain', 'nested', 'tdx', 'sev-es', 'sev-snp'] as const;
export type VmType = (typeof VM_TYPES)[number];

/** The architectures a profile may name (exits/arch/ holds a descriptor for each). */
export const ARCH_NAMES = ['vmx', 'svm', 'arm64'] as const;

/**
 * What each architecture's profile holds (an exhaustive record: a new architecture must say): SVM's
 * own cost section, the confidential-VM cost sections it can carry, and capabilities that are another
 * architecture's.
 */
const PROFILE_RULES: Record<(typeof ARCH_NAMES)[number], { svmSection: boolean; arm64Section: boolean; confidentialSections: ReadonlyArray<'tdx' | 'sev'>; foreignCapabilities: ReadonlyArray<'x2avic' | 'vmcbClean' | 'decodeAssists' | 'vVmsaveVmload' | 'vgif' | 'vhe' | 'preemptionTimer' | 'vmcsShadowing' | 'pml'> }> = {
  vmx: { svmSection: false, arm64Section: false, confidentialSections: ['tdx'], foreignCapabilities: ['x2avic', 'vmcbClean', 'decodeAssists', 'vVmsaveVmload', 'vgif', 'vhe'] },
  svm: { svmSection: true, arm64Section: false, confidentialSections: ['sev'], foreignCapabilities: ['vhe'] },
  arm64: { svmSection: false, arm64Section: true, confidentialSections: [], foreignCapabilities: ['x2avic', 'vmcbClean', 'decodeAssists', 'vVmsaveVmload', 'vgif', 'preemptionTimer', 'vmcsShadowing', 'pml'] },
};

export const Profile = z
  .object({
    ...SchemaRef,
    name: Name,
    generation: z.string().min(1),
    launch: z.string().min(1),
    description: z.string().min(1),
    // A clock of 0 Hz turns every time into infinity (a crash deep in microbench): 0.1–10 GHz covers every CPU.
    frequencyGHz: Cited.extend({ value: z.number().finite().min(0.1, 'at least 0.1 GHz').max(10, 'at most 10 GHz') }),
    /** Intel VT-x, AMD SVM or arm64 KVM: which exit codes, world switch and feature names apply. */
    arch: z.enum(ARCH_NAMES).default('vmx'),
    /**
     * On SVM the VT-x names stand for their SVM counterparts: ept = NPT, vpid = ASIDs, apicv = AVIC,
     * ipiv = AVIC's IPI acceleration, ple = the pause filter.
     */
    capabilities: z
      .object({
        ept: z.boolean(),
        vpid: z.boolean(),
        apicv: z.boolean(),
        ipiv: z.boolean(),
        ple: z.boolean(),
        preemptionTimer: z.boolean(),
        /** SVM: AVIC in x2APIC mode (without it KVM inhibits AVIC for an x2APIC guest). */
        x2avic: z.boolean().default(false),
        /** SVM: VMCB clean bits (VMRUN may keep cached state groups). */
        vmcbClean: z.boolean().default(false),
        /** SVM: next-RIP save and decode assists (the exit gives the next RIP and the instruction bytes). */
        decodeAssists: z.boolean().default(false),
        /** VT-x: VMCS shadowing (Haswell and later): L1's VMREAD/VMWRITE of shadowed fields do not exit. */
        vmcsShadowing: z.boolean().default(false),
        /** SVM: virtual VMLOAD/VMSAVE (an L1's VMLOAD/VMSAVE do not exit). */
        vVmsaveVmload: z.boolean().default(false),
        /** SVM: virtual GIF (an L1's CLGI/STGI do not exit). */
        vgif: z.boolean().default(false),
        /** Intel TDX (trust domains; needs the profile's tdx costs). */
        tdx: z.boolean().default(false),
        /** AMD SEV-ES (encrypted register state; needs the profile's sev costs). */
        sevEs: z.boolean().default(false),
        /** AMD SEV-SNP (SEV-ES plus the RMP, the CPUID page and page validation). */
        sevSnp: z.boolean().default(false),
        /** The CPU is vulnerable to Meltdown (no RDCL_NO): a guest kernel turns page-table isolation on by default. */
        meltdown: z.boolean().default(false),
        /** Enhanced (Intel) or automatic (AMD) IBRS: a guest kernel's default Spectre v2 mitigation writes no MSR per kernel entry. */
        eibrs: z.boolean().default(false),
        /** RDFSBASE/WRFSBASE (Ivy Bridge, Zen and later): a Linux ≥ 5.9 guest switches FS/GS bases without WRMSR. */
        fsgsbase: z.boolean().default(false),
        /**
         * Intel with X86_BUG_RETBLEED and IBRS (Skylake-family client and server cores without eIBRS):
         * a Linux ≥ 5.19 guest's spectre_v2=auto picks legacy IBRS (arch/x86/kernel/cpu/bugs.c).
         */
        retbleedIbrs: z.boolean().default(false),
        /** Page Modification Logging: the CPU logs written GPAs itself (dirty tracking without write-protect faults; PML_FULL exits). */
        pml: z.boolean().default(false),
        /**
         * arm64: the Virtualization Host Extensions (ARMv8.1 FEAT_VHE): the host kernel runs at EL2 and
         * an exit is one trap. On arm64 the VT-x names stand for: ept = stage-2 translation, vpid =
         * VMIDs, apicv = GICv4 direct injection of vLPIs, ipiv = GICv4.1 direct vSGIs, ple = WFE trapping.
         */
        vhe: z.boolean().default(false),
        source: z.string().min(1),
      })
      .strict(),
    /** SVM world-switch costs beyond VMRUN and #VMEXIT themselves (required when arch is svm). */
    svm: z
      .object({
        /** VMSAVE of the guest's FS/GS/TR/LDTR, KernelGSBase and SYSCALL/SYSENTER MSRs after #VMEXIT. */
        vmsaveCycles: Cited,
        /** VMLOAD of that state: the host's after #VMEXIT, the guest's before VMRUN. */
        vmloadCycles: Cited,
        /** VMRUN cycles the VMCB clean bits save by keeping cached state groups. */
        cleanBitsSavedCycles: Cited,
        /** Fetching and decoding the exiting instruction in software when the CPU gives neither next RIP nor its bytes. */
        softwareDecodeCycles: Cited,
      })
      .strict()
      .optional(),
    /**
     * arm64 KVM's world switch beyond the trap itself (required when arch is arm64): the vGIC state
     * saved and restored at every exit, and in split mode (no VHE) the guest's and host's EL1 system
     * registers and the second switch between EL2 and the host kernel at EL1.
     */
    arm64: z
      .object({
        /** The GIC generation: v2 (distributor and IPIs by MMIO, list registers behind MMIO GICH) or v3 (system registers). */
        gicVersion: z.enum(['v2', 'v3']),
        /** Saving the vGIC's list registers and control state at an exit (__vgic_v2/v3_save_state). */
        vgicSaveCycles: Cited,
        /** Restoring them before entry. */
        vgicRestoreCycles: Cited,
        /** Split mode: saving the guest's EL1 system registers at an exit (and the host's before entry). */
        el1SysregSaveCycles: Cited,
        /** Split mode: restoring the host's EL1 system registers at an exit (and the guest's before entry). */
        el1SysregRestoreCycles: Cited,
        /** Split mode: ERET from EL2 into the host kernel at EL1 after an exit, and its HVC back to EL2 to enter the guest. */
        hostSwitchCycles: Cited,
      })
      .strict()
      .optional(),
    /**
     * Intel TDX: the TDX module's work on a TD exit (VM exit into SEAM, save and scrub the TD's
     * registers, XSAVES of its extended state, MSR saves, SEAMRET to the host) and on TDH.VP.ENTER
     * (SEAMCALL, checks, restore, TLB epoch, VM entry into the TD), beyond a VT-x round trip's stages.
     */
    tdx: z.object({ moduleExitCycles: Cited, moduleEntryCycles: Cited }).strict().optional(),
    /**
     * AMD SEV-ES/SNP: what the encrypted-state world switch adds — #VMEXIT saving the whole guest state
     * into the encrypted VMSA (and restoring the host's from its save area), VMRUN restoring it — in
     * place of KVM's VMSAVE/VMLOAD, which SEV-ES guests do not use.
     */
    sev: z.object({ vmsaExitCycles: Cited, vmsaEntryCycles: Cited }).strict().optional(),
    /**
     * A confidential VM's DMA through bounce buffers (swiotlb): a slot mapped per operation and every
     * byte copied between private (encrypted) memory and the shared buffer (required with tdx or sev).
     */
    bounce: z.object({ mapCycles: Cited, copyCyclesPerByte: Cited }).strict().optional(),
    /** What the stage costs are calibrated to. */
    calibration: z
      .object({
        /**
         * What was measured: a round trip without handler, a kvm-unit-tests test, KVM's window from
         * before VMRUN to after VMSAVE on SVM (VMLOAD, VMRUN, #VMEXIT, VMSAVE), or Xen's null
         * hypercall on SVM (VMRUN, #VMEXIT and Xen's handler).
         */
        target: z.enum(['hardware-round-trip', 'kvm-unit-tests-cpuid', 'kvm-unit-tests-vmcall', 'svm-vmrun-to-vmsave', 'xen-null-hypercall', 'arm-micro-bench-hvc', 'arm-hypercall-round-trip']),
        cycles: z.number().positive(),
        source: z.string().min(1),
        splitRule: z.string().min(1),
      })
      .strict(),
    stages: z
      .object({
        recordExitInfoCycles: Cited,
        saveGuestStateCycles: Cited,
        loadHostStateCycles: Cited,
        entryCycles: Cited,
        perMsrCycles: Cited,
      })
      .strict(),
    /** Coefficients of variation of the lognormal draws. */
    stageCv: Cited,
    handlerCv: Cited,
    kernelUserRoundTripCycles: Cited,
    handlerCycles: HandlerCycles,
    /** Extra cost of VMCLEAR + VMLAUNCH over VMRESUME when a vCPU moves to another pCPU. */
    vmcsMigrationCycles: Cited,
    hostContextSwitchCycles: Cited,
    pleWindowCycles: Cited,
    /** The most the PLE window (pause-filter count) grows to, in cycles; absent: KVM's VT-x maximum (UINT_MAX). */
    pleWindowMaxCycles: Cited.optional(),
    haltPollCycles: Cited,
    /** An IPI's hardware latency to another core's vCPU, coherence misses included (0 if absent: not modelled). */
    crossCoreInterruptCycles: Cited.optional(),
    memoryReferenceCycles: Cited,
    /** Shadow paging: exits per guest demand fault (3 in early KVM). */
    shadowPageFaultExits: Cited,
    /**
     * A profile `exitsim calibrate` fitted to a host's kvm-unit-tests output: the shipped profile it
     * started from, the logs (by name and SHA-256) and each cost it fitted, with the test it came from.
     */
    calibratedFrom: z
      .object({
        tool: z.literal('exitsim calibrate'),
        base: z.string().min(1),
        features: z.string().min(1),
        logs: z.array(z.object({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()).min(1),
        fitted: z.array(z.object({ parameter: z.string().min(1), test: z.string().min(1), file: z.string().min(1), measuredCycles: z.number().positive(), baseValue: z.number().nonnegative(), value: z.number().nonnegative() }).strict()),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const rule = PROFILE_RULES[p.arch];
    if (rule.svmSection && !p.svm) ctx.addIssue({ code: 'custom', path: ['svm'], message: 'an SVM profile needs its svm costs (vmsaveCycles, vmloadCycles, cleanBitsSavedCycles, softwareDecodeCycles)' });
    if (!rule.svmSection && p.svm) ctx.addIssue({ code: 'custom', path: ['svm'], message: 'svm costs only on an SVM profile (arch: svm)' });
    if (rule.arm64Section && !p.arm64) ctx.addIssue({ code: 'custom', path: ['arm64'], message: 'an arm64 profile needs its arm64 costs (gicVersion, vgicSaveCycles, vgicRestoreCycles, el1SysregSaveCycles, el1SysregRestoreCycles, hostSwitchCycles)' });
    if (!rule.arm64Section && p.arm64) ctx.addIssue({ code: 'custom', path: ['arm64'], message: 'arm64 costs only on an arm64 profile (arch: arm64)' });
    if (p.capabilities.tdx && (!rule.confidentialSections.includes('tdx') || !p.tdx)) ctx.addIssue({ code: 'custom', path: ['tdx'], message: 'a TDX-capable profile is VT-x (arch: vmx) with its tdx costs (moduleExitCycles, moduleEntryCycles)' });
    if ((p.capabilities.sevEs || p.capabilities.sevSnp) && (!rule.confidentialSections.includes('sev') || !p.sev)) ctx.addIssue({ code: 'custom', path: ['sev'], message: 'an SEV-ES/SNP-capable profile is SVM (arch: svm) with its sev costs (vmsaExitCycles, vmsaEntryCycles)' });
    if ((p.tdx || p.sev) && !p.bounce) ctx.addIssue({ code: 'custom', path: ['bounce'], message: 'a profile with confidential-VM costs (tdx or sev) needs its bounce-buffer costs (mapCycles, copyCyclesPerByte)' });
    if (p.capabilities.sevSnp && !p.capabilities.sevEs) ctx.addIssue({ code: 'custom', path: ['capabilities', 'sevSnp'], message: 'SEV-SNP implies SEV-ES (sevEs: true)' });
    if (rule.foreignCapabilities.some((c) => p.capabilities[c])) {
      ctx.addIssue({ code: 'custom', path: ['capabilities'], message: `${rule.foreignCapabilities.filter((c) => p.capabilities[c]).join(', ')}: not capabilities of an ${p.arch} profile (x2avic, vmcbClean, decodeAssists, vVmsaveVmload and vgif are SVM's; vhe is arm64's; preemptionTimer, vmcsShadowing and pml are x86's)` });
    }
  });
export type Profile = z.infer<typeof Profile>;

export const VmPlacement = z
  .object({
    workload: z.string().min(1),
    vcpus: z.number().int().min(1).max(4096),
    count: z.number().int().min(1).max(100000).default(1),
  })
  .strict();

export const Scenario = z
  .object({
    ...SchemaRef,
    name: Name.default('scenario'),
    description: z.string().optional(),
    host: z
      .object({
        pcpus: z.number().int().min(1).max(4096),
        profile: z.string().min(1).default('sapphire-rapids'),
        scheduler: z.enum(['pinned', 'round-robin', 'fair']).default('pinned'),
        timeSliceUs: positive.default(3000),
        /** Host timer tick; 0 disables it (a nohz_full host, or the analytic case). */
        hostTickHz: nonNegative.default(250),
      })
      .strict(),
    vms: z.array(VmPlacement).min(1),
    features: z.string().default('modern'),
    /** plain, nested (an L2 guest of an L1 hypervisor in a VM), or a confidential VM: tdx, sev-es, sev-snp. */
    vmType: z.enum(VM_TYPES).default('plain'),
    /** The guest OS every VM runs (a profile in guest-os/) and its mitigation settings; absent: each workload's own (issue 30). */
    guest: GuestSettings.optional(),
    // A run shorter than a microsecond simulates nothing (5e-324 s passed `positive`); a day is the CLI's cap too.
    durationSec: z.number().finite().min(1e-6, 'at least 1e-6 s (one microsecond)').max(86_400).default(1),
    warmupSec: nonNegative.default(0),
    // Seeds stay exact integers: each replication's seed (seed + r) must be one too, and distinct.
    seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(1),
    /** MSRs the MSR bitmap passes through (not intercepted). */
    msrPassThrough: z.array(MsrName).max(1024).optional(),
    /** MSR areas: VM-exit MSR-store, VM-exit MSR-load and VM-entry MSR-load list lengths. */
    msrLists: z
      .object({
        exitStore: z.number().int().min(0).max(512),
        exitLoad: z.number().int().min(0).max(512),
        entryLoad: z.number().int().min(0).max(512),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/**
 * KVM's pass-through MSRs: FS/GS base and KERNEL_GS_BASE are never trapped
 * (Bonzini, "KVM: x86: never trap MSR_KERNEL_GS_BASE", kvm@vger 2018-09);
 * SPEC_CTRL and PRED_CMD are passed through once the guest writes them (estimate:
 * KVM's vmx_possible_passthrough_msrs; not checked against a primary text here).
 */
export const DEFAULT_MSR_PASS_THROUGH = [
  'IA32_FS_BASE', 'IA32_GS_BASE', 'IA32_KERNEL_GS_BASE', 'IA32_SPEC_CTRL', 'IA32_PRED_CMD',
];

/**
 * Default MSR area lengths: KVM switches IA32_PERF_GLOBAL_CTRL through the
 * autoload lists when a PMU is exposed (one exit-load and one entry-load entry);
 * removing them saved ~30 cycles per vmcall round trip (Wanpeng Li, 2020-03).
 */
export const DEFAULT_MSR_LISTS = { exitStore: 0, exitLoad: 1, entryLoad: 1 };

// Sweep files (SPEC §5): a base scenario, parameters to vary by path, feature sets, replications.
const SweepValue = z.union([z.number(), z.string(), z.boolean()]);

export const SweepParameter = z
  .object({
    /** `host.pcpus`, `vms[0].count`, `workload:kernel-build.tlb.missesPerUnit`, `profile:handlerCycles.cpuid.value`. */
    path: z.string().min(1).optional(),
    /**
     * Several paths varied together instead of one (with `tuples`): each tuple gives a value per path,
     * so combinations that make no sense are never formed — a CPU and the VM type it can run.
     */
    paths: z.array(z.string().min(1)).min(2).optional(),
    tuples: z.array(z.array(SweepValue).min(1)).min(1).optional(),
    values: z.array(SweepValue).min(1).optional(),
    range: z.object({ from: z.number().finite(), to: z.number().finite(), step: z.number().finite().positive() }).strict().optional(),
    logRange: z.object({ from: z.number().finite().positive(), to: z.number().finite().positive(), points: z.number().int().min(2).max(1000) }).strict().optional(),
    /** Round generated values to integers (counts). */
    integer: z.boolean().optional(),
  })
  .strict();

export const SweepFile = z
  .object({
    $schema: z.string().optional(),
    // It names the output folder: no path separators, and not '.' or '..'.
    name: z.string().min(1).regex(/^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only, and not '.' or '..'"),
    description: z.string().optional(),
    /** A scenario (inline), or the path of a scenario or workload file, or a shipped workload name. */
    base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    parameters: z.array(SweepParameter).default([]),
    featureSets: z.array(z.string().min(1)).min(1),
    replications: z.number().int().min(1).max(10000).default(1),
  })
  .strict();
export type SweepFile = z.infer<typeof SweepFile>;
