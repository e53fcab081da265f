// kvm-unit-tests `x86/vmexit.c`, simulated: each test is a one-vCPU guest
// whose unit of work is one loop iteration doing the test's action, run by
// the same engine as every other workload. Cycles per iteration = host cycles
// per unit, as the test prints (t2 − t1) / iterations.
import type { VmType } from '../config/schema.js';
import { Scenario, Workload, type Profile, type WorkloadInput } from '../config/schema.js';
import { buildRunModel } from '../request/run-path.js';
import { Simulation } from '../engine/simulation.js';
import { CAT, N_CAT } from '../exits/cost.js';
import { EXIT_REASON_SLOTS, exitReasonName } from '../exits/reasons.js';
import { FEATURE_BIT } from '../exits/features.js';
import { archOf } from '../exits/arch/index.js';

/** Cycles of the kvm-unit-tests loop around the action (call, return, loop); an estimate. */
export const LOOP_CYCLES = 1;

export interface MicrobenchTest {
  name: string;
  action: string;
  /** Guest events of one iteration (perUnit 1, constant gaps). */
  events: WorkloadInput['events'];
  devices?: WorkloadInput['devices'];
  apicMode?: 'xapic' | 'x2apic';
  /** Guest cycles of the test's interrupt handler (tests that take an interrupt). */
  interruptHandlerCycles?: number;
  /** Cycles the iteration spins after its action (ipi_halt: 2000, so the target halts again). */
  spinCycles?: number;
  /**
   * Two-vCPU tests: vCPU 0 runs the loop, vCPU 1 only takes its IPIs — halting between them
   * ('halt', upstream kvm-unit-tests: ap_online loops on HLT) or in an idle loop that never exits
   * ('poll', the modified test of the IPIv series: exitless idle).
   */
  target?: 'halt' | 'poll';
  /** Iterations to run (default: the caller's); arm timer_10ms runs 256, as the suite does. */
  iterations?: number;
  /** Cycles the test itself takes out of each iteration (timer_10ms reports the latency beyond its 10 ms deadline: timer_post). */
  subtractCycles?: (ghz: number) => number;
  /** The loop's own cycles (default LOOP_CYCLES; the arm suite's loop has an ISB and a counter read). */
  loopCycles?: number;
}

/**
 * vmexit.c's interrupt handler (self_ipi_isr): x++, two RDTSCs around the EOI write, plus IDT
 * delivery and IRET. Not published; an estimate (RDTSC ~25–40 cycles each, delivery and IRET
 * ~100–150).
 */
const ISR_CYCLES = 200;

const once = { perUnit: 1, distribution: 'constant' as const, source: 'kvm-unit-tests x86/vmexit.c: one action per loop iteration' };

export const MICROBENCH_TESTS: MicrobenchTest[] = [
  { name: 'cpuid', action: 'CPUID', events: [{ kind: 'cpuid', ...once }] },
  { name: 'vmcall', action: 'VMCALL (VMMCALL on AMD), rax=0', events: [{ kind: 'vmcall', ...once }] },
  // Added to x86/vmexit.c in 2025 (Christopherson, commit 7646cc53): an exit KVM handles in its fastpath (INVD) beside one with no meaningful emulation (WBINVD).
  { name: 'wbinvd', action: 'WBINVD', events: [{ kind: 'wbinvd', ...once }] },
  { name: 'invd', action: 'INVD', events: [{ kind: 'invd', ...once }] },
  // A CR8 read takes the TPR-write rule (same controls; a read never drops below the threshold).
  { name: 'mov_from_cr8', action: 'MOV from CR8', events: [{ kind: 'tpr-write', nativeCycles: 11 - LOOP_CYCLES, ...once }] },
  { name: 'mov_to_cr8', action: 'MOV to CR8', events: [{ kind: 'tpr-write', nativeCycles: 17 - LOOP_CYCLES, ...once }] },
  {
    name: 'inl_from_pmtimer',
    action: 'IN from the ACPI PM timer port (QEMU device model)',
    devices: [{ name: 'pmtimer', kind: 'emulated', bus: 'pio', exitsPerOp: 1, source: 'ACPI PM timer, emulated in QEMU' }],
    events: [{ kind: 'io', device: 'pmtimer', ...once }],
  },
  {
    name: 'inl_from_qemu',
    action: 'IN from unassigned port 0x1234 (user-space round trip)',
    devices: [{ name: 'unassigned', kind: 'emulated', bus: 'pio', exitsPerOp: 1, source: 'no in-kernel handler or ioeventfd: QEMU answers the read' }],
    events: [{ kind: 'io', device: 'unassigned', ...once }],
  },
  {
    name: 'inl_from_kernel',
    action: 'IN from port 0x4d0 (ELCR, in-kernel PIC)',
    devices: [{ name: 'elcr', kind: 'virtio', bus: 'pio', source: 'handled in the kernel (modelled as an in-kernel port exit)' }],
    events: [{ kind: 'io', device: 'elcr', ...once }],
  },
  {
    name: 'outl_to_kernel',
    action: 'OUT to port 0x4d0 (ELCR, in-kernel PIC)',
    devices: [{ name: 'elcr', kind: 'virtio', bus: 'pio', source: 'handled in the kernel' }],
    events: [{ kind: 'io', device: 'elcr', ...once }],
  },
  { name: 'wr_tsc_adjust_msr', action: 'WRMSR IA32_TSC_ADJUST', events: [{ kind: 'msr-write', msr: 'IA32_TSC_ADJUST', ...once }] },
  { name: 'rd_tsc_adjust_msr', action: 'RDMSR IA32_TSC_ADJUST', events: [{ kind: 'msr-read', msr: 'IA32_TSC_ADJUST', ...once }] },
  // KVM passes these through (the MSR bitmap or permission map): no exit with it, an MSR exit without.
  { name: 'wr_kernel_gs_base', action: 'WRMSR IA32_KERNEL_GS_BASE', events: [{ kind: 'msr-write', msr: 'IA32_KERNEL_GS_BASE', nativeCycles: 40, ...once }] },
  { name: 'wr_ibrs_msr', action: 'WRMSR IA32_SPEC_CTRL (IBRS)', events: [{ kind: 'msr-write', msr: 'IA32_SPEC_CTRL', ...once }] },
  { name: 'wr_ibpb_msr', action: 'WRMSR IA32_PRED_CMD (IBPB)', events: [{ kind: 'msr-write', msr: 'IA32_PRED_CMD', ...once }] },
  {
    // vmexit.c: wrmsr(MSR_IA32_TSCDEADLINE, rdtsc()) then serialize — the deadline has passed when
    // KVM sees it, so the timer fires at once: injected at the next entry, then the ISR and its EOI.
    name: 'tscdeadline_immed',
    action: 'WRMSR IA32_TSC_DEADLINE with a deadline already passed; the timer interrupt and its EOI',
    interruptHandlerCycles: ISR_CYCLES,
    events: [{ kind: 'timer-program', deadlinePassed: true, ...once }],
  },
  {
    // vmexit.c: x = 0; wrmsr(MSR_IA32_TSCDEADLINE, rdtsc() + 3000); while (x == 0) — the timer fires
    // 3000 cycles after the write, is delivered (a preemption-timer or host-timer exit, or posted),
    // and its handler sets x and writes EOI.
    name: 'tscdeadline',
    action: 'WRMSR IA32_TSC_DEADLINE 3000 cycles ahead, then spin until the timer interrupt is handled',
    interruptHandlerCycles: ISR_CYCLES,
    events: [{ kind: 'timer-program', deadlineCycles: 3000, waitsForInterrupt: true, ...once }],
  },
  { name: 'mov_dr', action: 'MOV to DR7', events: [{ kind: 'dr-access', ...once }] },
  { name: 'x2apic_self_ipi', action: 'WRMSR x2APIC ICR, sender side', events: [{ kind: 'ipi-send', ...once }] },
  // on_cpu(1, nop, 0): an x2APIC ICR write to vCPU 1, then spin until its handler (smp.c ipi():
  // call the function, set ipi_done, EOI, IRET) has run.
  {
    name: 'ipi',
    action: 'on_cpu(1, nop): x2APIC ICR write to vCPU 1, spin until its handler ran; vCPU 1 halts between IPIs',
    target: 'halt',
    interruptHandlerCycles: ISR_CYCLES,
    events: [{ kind: 'ipi-send', waitsForInterrupt: true, ...once }],
  },
  {
    name: 'ipi_halt',
    action: 'as ipi, then spin 2000 cycles so that vCPU 1 halts again',
    target: 'halt',
    spinCycles: 2000,
    interruptHandlerCycles: ISR_CYCLES,
    events: [{ kind: 'ipi-send', waitsForInterrupt: true, ...once }],
  },
  {
    name: 'ipi_poll',
    action: 'as ipi, vCPU 1 in an idle loop instead of HLT (the IPIv series\' modified test)',
    target: 'poll',
    interruptHandlerCycles: ISR_CYCLES,
    events: [{ kind: 'ipi-send', waitsForInterrupt: true, ...once }],
  },
  {
    name: 'xapic_ipi_poll',
    action: 'as ipi_poll with an xAPIC (MMIO) ICR write',
    target: 'poll',
    apicMode: 'xapic',
    interruptHandlerCycles: ISR_CYCLES,
    events: [{ kind: 'ipi-send', waitsForInterrupt: true, ...once }],
  },
  { name: 'xapic_self_ipi', action: 'xAPIC ICR write (MMIO), sender side', apicMode: 'xapic', events: [{ kind: 'ipi-send', ...once }] },
];

/** Tests of the suite that exitsim does not simulate, and why. */
export const MICROBENCH_NOT_SIMULATED: Array<[string, string]> = [
  ['ple_round_robin', 'a token passed among spinning vCPUs; no published figure (reference §4 NF)'],
  ['self_ipi_* / x2apic_self_ipi_* (sti_nop, sti_hlt, tpr, tpr_sti_nop, tpr_sti_hlt)', 'a self-IPI with interrupts masked until STI, or held back by the TPR: the engine has no guest interrupt masking or TPR; exitsim\'s xapic_self_ipi and x2apic_self_ipi time the sender side only'],
  ['wr_tsx_ctrl_msr', 'IA32_TSX_CTRL exists on some Intel parts only; no published figure'],
  ['toggle_cr0_wp / toggle_cr4_pge', 'CR0/CR4 writes and MMU context resets are not guest event kinds'],
  ['pci-mem / pci-io', 'need pci-testdev; no published non-nested figure'],
];

export interface MicrobenchRow {
  test: string;
  action: string;
  cycles_per_iteration: number;
  /** cycles_per_iteration at the profile's frequency (the arm suite prints ns). */
  ns_per_iteration: number;
  exits_per_iteration: number;
  exit_reasons: string;
}

export const MICROBENCH_SEED = 1;

/** The short window tried first (cycles per iteration): a test without exits costs well under it. */
const SHORT_WINDOW_CYCLES_PER_ITERATION = 60;

export interface MicrobenchOptions {
  iterations?: number;
  /** The kind of guest the tests run in (nested: an L2 guest of KVM in a VM). */
  vmType?: VmType;
  msrLists?: { exitStore: number; exitLoad: number; entryLoad: number };
}

/** A round trip with no handler work: the hardware transition exitsim charges (exit steps 1–5 and entry). */
export const HARDWARE_ROUND_TRIP_TEST: MicrobenchTest = {
  name: 'hardware_round_trip',
  action: 'an exit whose handler does nothing',
  events: [{ kind: 'raw-exit', reason: 'VMCALL', handlerCycles: 0, nativeCycles: 0, ...once }],
};

export function runMicrobenchTest(t: MicrobenchTest, profile: Profile, features: number, opts: MicrobenchOptions = {}): MicrobenchRow {
  const iterations = t.iterations ?? opts.iterations ?? 4000;
  const workload = Workload.parse({
    name: `kvm-unit-tests-${t.name}`,
    description: t.action,
    sources: ['kvm-unit-tests x86/vmexit.c'],
    kind: 'closed',
    unitName: 'iteration',
    cyclesPerUnit: (t.loopCycles ?? LOOP_CYCLES) + (t.spinCycles ?? 0),
    // A test's idle vCPU loops on HLT (or spins); it does not re-program a timer as Linux does.
    timerProgramsPerIdleEntry: 0,
    ...(t.target ? { activeVcpus: 1 } : {}),
    apicMode: t.apicMode ?? 'x2apic',
    tprBelowThresholdProbability: 0,
    // The tests run with interrupts enabled (vmexit.c main: sti()), so an injection never waits for a window.
    interruptWindowProbability: 0,
    ...(t.interruptHandlerCycles === undefined ? {} : { interruptHandlerCycles: t.interruptHandlerCycles }),
    devices: t.devices ?? [],
    // A deadline the test takes back out (timer_10ms: 10 ms at this profile's clock).
    events: t.subtractCycles && t.events ? t.events.map((e) => ('deadlineCycles' in e && e.deadlineCycles !== undefined ? { ...e, deadlineCycles: Math.round(t.subtractCycles!(profile.frequencyGHz.value)) } : e)) : t.events,
  });
  const scenarioOf = (durationSec: number) =>
    Scenario.parse({
      name: `microbench-${t.name}`,
      host: { pcpus: t.target ? 2 : 1, profile: profile.name, hostTickHz: 0 },
      vms: [{ workload: workload.name, vcpus: t.target ? 2 : 1 }],
      durationSec,
      seed: MICROBENCH_SEED,
      vmType: opts.vmType ?? 'plain',
      ...(opts.msrLists ? { msrLists: opts.msrLists } : {}),
    });
  // The target in an idle loop: it idles in guest mode (exitless idle), never halting.
  const testFeatures = t.target === 'poll' ? features | FEATURE_BIT['exitless-idle'] : features;
  const simulate = (durationSec: number) =>
    new Simulation(buildRunModel({ scenario: scenarioOf(durationSec), file: `microbench ${t.name}`, workloads: new Map([[workload.name, { workload, file: `kvm-unit-tests ${t.name}` }]]), profile }, testFeatures)).run();
  // Long enough for `iterations` iterations of a ~7000-cycle exit; the loop stops at the duration. A
  // test that takes no exit (an 11-cycle MOV from CR8) would loop millions of times in it: a short
  // window is tried first, and kept when it holds the iterations without an exit (its cost is then
  // the same constant, in a thousandth of the time).
  const hz = profile.frequencyGHz.value * 1e9;
  const short = simulate((iterations * SHORT_WINDOW_CYCLES_PER_ITERATION) / hz);
  const exitless = short.exitCount.every((n) => n === 0) && short.vmUnits[0] >= iterations;
  const raw = exitless ? short : simulate((iterations * (8000 + (t.subtractCycles?.(profile.frequencyGHz.value) ?? 0))) / hz);
  let busy = 0;
  for (let c = 0; c < N_CAT; c++) if (c !== CAT.IDLE) busy += raw.vmCycles[c];
  const units = raw.vmUnits[0];
  let exits = 0;
  const reasons: string[] = [];
  for (let r = 0; r < EXIT_REASON_SLOTS; r++) {
    if (raw.exitCount[r] > 0) {
      exits += raw.exitCount[r];
      reasons.push(exitReasonName(r));
    }
  }
  const cycles = Math.round(busy / units - Math.round(t.subtractCycles?.(profile.frequencyGHz.value) ?? 0));
  return {
    test: t.name,
    action: t.action,
    cycles_per_iteration: cycles,
    ns_per_iteration: Math.round((cycles / profile.frequencyGHz.value) * 10) / 10,
    exits_per_iteration: Math.round((exits / units) * 100) / 100,
    exit_reasons: reasons.join(' ') || '-',
  };
}

/** The suite a profile's host runs: x86/vmexit, or arm/micro-bench on arm64. */
export function microbenchTestsFor(profile: Profile): MicrobenchTest[] {
  return archOf(profile).kvmUnitTestsSuites.includes('micro-bench') ? ARM_MICROBENCH_TESTS : MICROBENCH_TESTS;
}

export function runMicrobench(profile: Profile, features: number, vmType: VmType = 'plain'): MicrobenchRow[] {
  return microbenchTestsFor(profile).map((t) => runMicrobenchTest(t, profile, features, { vmType }));
}

/** The arm loop around each action: ISB, a counter read, the call (kvm-unit-tests arm/micro-bench.c loop_test); an estimate. */
export const ARM_LOOP_CYCLES = 20;

/** The arm suite's interrupt handler (gic_irq_handler: read IAR, write EOIR, set a flag) with exception entry and return; an estimate. */
const ARM_ISR_CYCLES = 200;

const armOnce = { perUnit: 1, distribution: 'constant' as const, source: 'kvm-unit-tests arm/micro-bench.c: one action per loop iteration' };

/**
 * kvm-unit-tests `arm/micro-bench.c` (Shih-Wei Li, Christoffer Dall, Andrew Jones; upstream
 * kvm-unit-tests, commit 061b0274 read): each test a loop of one action between two counter reads;
 * the suite prints total and average ns.
 */
export const ARM_MICROBENCH_TESTS: MicrobenchTest[] = [
  { name: 'hvc', action: 'HVC #0 with an unknown SMCCC function (0x4b000000)', loopCycles: ARM_LOOP_CYCLES, events: [{ kind: 'vmcall', ...armOnce }] },
  {
    name: 'mmio_read_user',
    action: 'read of the virtio-mmio device ID at 0x0a000008 (emulated by QEMU: a user-space round trip)',
    loopCycles: ARM_LOOP_CYCLES,
    devices: [{ name: 'virtio-mmio-id', kind: 'emulated', bus: 'mmio', exitsPerOp: 1, source: 'QEMU virt machine virtio-mmio register, answered in user space' }],
    events: [{ kind: 'io', device: 'virtio-mmio-id', ...armOnce }],
  },
  {
    name: 'mmio_read_vgic',
    action: 'read of GICD_IIDR (the in-kernel vGIC distributor)',
    loopCycles: ARM_LOOP_CYCLES,
    devices: [{ name: 'vgic-dist', kind: 'virtio', bus: 'mmio', source: 'the vGIC distributor, emulated in the kernel (modelled as an in-kernel MMIO exit)' }],
    events: [{ kind: 'io', device: 'vgic-dist', ...armOnce }],
  },
  // A write of spurious INTID 1023 to ICC_EOIR1_EL1 (GICv3) or GICC_EOIR (GICv2): the virtual CPU interface takes it without a trap.
  { name: 'eoi', action: 'EOI of the spurious INTID 1023 at the virtual CPU interface', loopCycles: ARM_LOOP_CYCLES, events: [{ kind: 'tpr-write', nativeCycles: 20, ...armOnce }] },
  {
    name: 'ipi',
    action: 'SGI 1 to vCPU 1 (GICD_CTLR.nASSGIreq cleared: a software-injected SGI), spin until its handler ran; vCPU 1 spins in cpu_relax',
    loopCycles: ARM_LOOP_CYCLES,
    target: 'poll',
    interruptHandlerCycles: ARM_ISR_CYCLES,
    events: [{ kind: 'ipi-send', waitsForInterrupt: true, ...armOnce }],
  },
  {
    name: 'timer_10ms',
    action: 'arm the virtual timer 10 ms ahead, spin until its interrupt is handled; the latency beyond 10 ms (timer_post)',
    loopCycles: ARM_LOOP_CYCLES,
    // Simulated with a 100,000-cycle deadline, not 10 ms: the path (the timer's IRQ exit, injection, the
    // handler) is the same, and 4,000 short iterations keep the window's one unfinished iteration from
    // biasing the mean (256 iterations of 10 ms would put up to 10 ms / 256 into it).
    subtractCycles: () => 100_000,
    interruptHandlerCycles: ARM_ISR_CYCLES,
    events: [{ kind: 'timer-program', deadlineCycles: 100_000, waitsForInterrupt: true, ...armOnce }],
  },
];

/** Tests of the arm suite that exitsim does not simulate, and why. */
export const ARM_MICROBENCH_NOT_SIMULATED: Array<[string, string]> = [
  ['lpi', 'an INT command through the emulated ITS (its command queue written over MMIO, the LPI injected into vCPU 1): exitsim has no ITS command-queue model'],
  ['ipi_hw', 'GICv4.1 direct vSGIs (nASSGIreq set): the sender still traps; not run by the published figures exitsim is checked against'],
];

/**
 * kvm-unit-tests `svm` latency_svm_insn, where it measures a single-level cost: an L1 hypervisor's
 * VMLOAD and VMSAVE run in hardware (virtual VMLOAD/VMSAVE), so their latency is what an SVM profile
 * charges per exit for each. STGI/CLGI (~54 cycles, vGIF) are not charged by exitsim: a single-level
 * KVM exit runs neither. latency_run_exit measures a nested VMRUN (issue 20), not listed here.
 */
export function svmLatencyRows(profile: Profile): Array<{ test: string; cycles: number; published: number; host: string; source: string }> {
  if (!profile.svm) return []; // an SVM profile's costs (the schema allows them nowhere else)
  const src = 'C. Avery, kvm@vger 2019-10-09 (derived: the profile takes its cost from this figure or holds it)';
  return [
    { test: 'latency_svm_insn (VMLOAD)', cycles: profile.svm.vmloadCycles.value, published: 306, host: 'EPYC 7401P (Zen 1), in L1', source: src },
    { test: 'latency_svm_insn (VMSAVE)', cycles: profile.svm.vmsaveCycles.value, published: 282, host: 'EPYC 7401P (Zen 1), in L1', source: src },
  ];
}
