// Builds the engine's compiled model from validated inputs: resolves every
// decision-table row for each VM once, turns rates into mean gaps in cycles,
// and refuses combinations that make no sense (SPEC §4, §6) with an InputError.
import { ARRIVAL_QUEUE_CAPACITY, HALT_POLL_GROW_START_SEC, PLE_WINDOW_GROW, PLE_WINDOW_MAX_VMX_CYCLES } from '../engine/settings.js';
import { vmTypeOf } from '../exits/vm-types/index.js';
import { EXIT_TRANSFORMS } from '../exits/vm-types/transforms.js';
import { alwaysOnBits } from '../exits/arch/index.js';
import { avicInhibited, decide, type DecisionContext, type ResolvedExit } from '../exits/resolve.js';
import type { EventKind } from '../exits/decision-table.js';
import { FEATURE_BIT, vmEffectiveFeatures, type FeatureName } from '../exits/features.js';
import { stageMeans } from '../exits/cost.js';
import { checkFeaturesAgainstProfile, checkVmTypeAgainstProfile } from './profile-checks.js';
import { PlanBuilder } from './plans.js';
import { EVENT_COMPILERS, type VmCompileContext } from './event-kinds/index.js';
import { paysNative } from './event-kinds/decided.js';
import { InputError, describeValue } from '../config/errors.js';
import {
  DEFAULT_MSR_LISTS,
  DEFAULT_MSR_PASS_THROUGH,
  type InstructionEvent,
  type InterruptEvent,
  type Profile,
  type Scenario,
  type Workload,
} from '../config/schema.js';
import { NATIVE_CYCLES } from '../workloads/native-cycles.js';
import { lifecycleWriteTraps, mmuLockWaitCycles } from '../workloads/shadow-mmu.js';
import { describeGuest, expandGuest, resolveGuest, type ResolvedGuest } from '../workloads/guest-model.js';
import type { GuestOs } from '../config/guest-os.js';
import { loadGuestOs } from '../config/load.js';
import {
  BEHAVIOUR_IO,
  BEHAVIOUR_LOCK,
  BEHAVIOUR_NORMAL,
  INTERRUPT_DEVICE,
  INTERRUPT_ONESHOT,
  INTERRUPT_TIMER,
  WAIT_ACK,
  WAIT_NONE,
  POLICY_FAIR,
  POLICY_PINNED,
  POLICY_ROUND_ROBIN,
  type BuiltModel,
  type StageDraw,
  type VmModel,
} from '../engine/model.js';
import { DIST_CONSTANT, DIST_EMPIRICAL, DIST_EXPONENTIAL, DIST_LOGNORMAL, lognormalParams } from '../engine/random.js';

/** A sane ceiling: the engine's arrays grow with vCPUs × event classes. */
export const MAX_TOTAL_VCPUS = 65536;

/**
 * The guest events a run will process, for cost estimates: each vCPU draws its instruction events
 * while it computes — always for a closed workload, for an open one only the share of its time its
 * arrivals keep it busy (an idle or imported guest computes a few percent of the time) — plus its
 * wall-clock interrupts and the arrivals themselves.
 */
export function estimateGuestEvents(model: BuiltModel): number {
  const seconds = model.endCycles / model.frequencyHz;
  let perSecond = 0;
  for (const vm of model.vms) {
    let computing = 0;
    for (let c = 0; c < vm.classCount; c++) computing += model.frequencyHz / vm.classMeanGap[c];
    let wall = 0;
    for (let k = 0; k < vm.wallCount; k++) wall += model.frequencyHz / vm.wallMeanGap[k];
    const arrivals = vm.arrivalGapCycles > 0 ? model.frequencyHz / vm.arrivalGapCycles : 0;
    // Busy share of an open workload's active vCPUs at bare-metal speed (a virtualized one is slower:
    // at most twice as busy here, and never more than always).
    const busy = vm.closed ? 1 : Math.min(1, (2 * arrivals * vm.cyclesPerUnit) / (Math.max(1, vm.activeVcpus) * model.frequencyHz));
    perSecond += computing * vm.activeVcpus * busy + wall * vm.vcpus + arrivals;
  }
  return perSecond * seconds;
}

export interface BuildInputs {
  scenario: Scenario;
  /** The file the scenario came from (for messages). */
  scenarioFile: string;
  workloads: Map<string, { workload: Workload; file: string }>;
  profile: Profile;
  features: number;
  /** Bare metal: the same workload with no hypervisor (SPEC §10). */
  nativeMode: boolean;
  /** Aggregated mode (issue 7): batch compute cycles per draw; absent or 0 = exact. */
  aggregateBatchCycles?: number;
  /** Bare metal only: the scenario's VMs are its VMs from this index on (see BuiltModel.firstVmIndex). */
  firstVmIndex?: number;
  /** Finds a guest OS profile by name or file (default: the shipped ones, guest-os/). */
  guestOs?: (nameOrFile: string) => GuestOs;
}

/** The guest a workload runs on this CPU, if it describes its activity: the scenario's OS and settings over the workload's own. */
export function guestOf(workload: Workload, scenario: Scenario, profile: Profile, find: (nameOrFile: string) => GuestOs = (n) => loadGuestOs(n).guestOs): ResolvedGuest | undefined {
  if (!workload.guest) return undefined;
  return resolveGuest(find(scenario.guest?.os ?? workload.guest.os), scenario.guest, profile);
}

function walkLevels(pageSize: '4K' | '2M' | '1G'): number {
  return pageSize === '4K' ? 4 : pageSize === '2M' ? 3 : 2;
}

/** Extra memory references of a 2-D walk over a native walk: (g+1)(h+1)−1 − g (24 − 4 = 20 for 4 K pages). */
export function extraWalkReferences(pageSize: '4K' | '2M' | '1G'): number {
  const g = walkLevels(pageSize);
  return (g + 1) * (g + 1) - 1 - g;
}

interface GapSpec {
  dist: number;
  mean: number;
  mu: number;
  sigma: number;
  table: Float64Array | undefined;
}

function gapSpec(
  ev: { distribution?: string; cv?: number; empiricalGaps?: number[] },
  meanGapCycles: number,
  file: string,
  field: string,
): GapSpec {
  const dist = ev.distribution ?? 'exponential';
  if (!(meanGapCycles >= 1) || !Number.isFinite(meanGapCycles)) {
    throw new InputError(file, field, 'a rate whose mean gap is at least one cycle', `a mean gap of ${describeValue(meanGapCycles)} cycles`);
  }
  switch (dist) {
    case 'constant':
      return { dist: DIST_CONSTANT, mean: meanGapCycles, mu: 0, sigma: 0, table: undefined };
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(meanGapCycles, ev.cv ?? 1);
      return { dist: DIST_LOGNORMAL, mean: meanGapCycles, mu, sigma, table: undefined };
    }
    case 'empirical': {
      if (!ev.empiricalGaps) throw new InputError(file, `${field}.empiricalGaps`, 'a list of positive gaps for an empirical distribution', 'nothing');
      const mean = ev.empiricalGaps.reduce((a, b) => a + b, 0) / ev.empiricalGaps.length;
      return { dist: DIST_EMPIRICAL, mean: meanGapCycles, mu: 0, sigma: 0, table: Float64Array.from(ev.empiricalGaps, (g) => g / mean) };
    }
    default:
      return { dist: DIST_EXPONENTIAL, mean: meanGapCycles, mu: 0, sigma: 0, table: undefined };
  }
}

function nativeOf(ev: { kind: string; nativeCycles?: number }): number {
  return ev.nativeCycles ?? NATIVE_CYCLES[ev.kind]?.cycles ?? 0;
}

function buildVm(inputs: BuildInputs, plans: PlanBuilder, workload: Workload, file: string, vcpus: number): VmModel {
  const { profile, features, nativeMode, scenario } = inputs;
  const f = profile.frequencyGHz.value * 1e9;
  const firstPlan = plans.count;
  const passThrough = new Set((scenario.msrPassThrough ?? DEFAULT_MSR_PASS_THROUGH).map((m) => m.toUpperCase()));
  // A TD runs its APIC in x2APIC mode (TDX requires it) and KVM gives it no VMX preemption timer
  // (guest timers are host hrtimers, as on SVM).
  const vmType = vmTypeOf(scenario.vmType);
  const apicMode = (!nativeMode && vmType.apicMode) || workload.apicMode;
  // A nested guest without nested EPT is shadow-paged by its L1: its exits are shadow paging's (the
  // hardware still walks L1's shadow tables under L0's EPT, so the 2-D walk stays).
  const l1ShadowPages = vmType.nested && !nativeMode && (features & FEATURE_BIT['nested-ept']) === 0;
  const decisionFeatures = l1ShadowPages ? features & ~FEATURE_BIT.ept : features;
  const ctxBase: DecisionContext = {
    arch: profile.arch,
    features: avicInhibited(profile, apicMode) ? decisionFeatures & ~(FEATURE_BIT.apicv | FEATURE_BIT.ipiv) : decisionFeatures,
    apicMode,
    usesDebugRegisters: workload.usesDebugRegisters,
    preemptionTimer: profile.capabilities.preemptionTimer && (nativeMode || vmType.preemptionTimer),
    ...(profile.arm64 ? { gicVersion: profile.arm64.gicVersion } : {}),
    shadowPageFaultExits: profile.shadowPageFaultExits.value,
    deviceExitsPerOp: 1,
    lifecycleWriteTraps: lifecycleWriteTraps(workload.pageTables?.pageTablePagesPerProcess ?? 0),
    interruptWindowProbability: workload.interruptWindowProbability,
    levelTriggeredFraction: workload.levelTriggeredFraction,
    tprBelowThresholdProbability: workload.tprBelowThresholdProbability,
  };
  const tlb = workload.tlb;
  // What the host sees of the table's exits depends on the kind of guest (exits/vm-types/transforms.ts);
  // bare metal runs the guest's events natively.
  const transform = EXIT_TRANSFORMS[nativeMode ? 'plain' : scenario.vmType];
  const decideExits = (kind: EventKind, extra: Partial<DecisionContext> = {}) => {
    const d = decide(kind, { ...ctxBase, ...extra });
    return { ...d, exits: transform(d.exits, { arch: profile.arch, features }) };
  };

  // The guest model: the workload's activity as the instructions its guest OS runs (same on bare metal).
  // (A name that is neither a shipped guest OS nor a file is reported where it was written.)
  const guest = guestOf(workload, scenario, profile, (name) => {
    try {
      return (inputs.guestOs ?? ((n: string) => loadGuestOs(n).guestOs))(name);
    } catch (e) {
      if (!(e instanceof InputError) || e.file !== name || e.field !== '') throw e;
      throw new InputError(scenario.guest?.os !== undefined ? inputs.scenarioFile : file, 'guest.os', e.expected, e.found, e.hint);
    }
  });
  const expansion = guest && workload.guest ? expandGuest(workload.guest, guest) : { events: [], perInterrupt: [] };
  const events = [...workload.events, ...expansion.events];

  if (workload.kind === 'open' && workload.arrivalsPerSec === undefined) {
    throw new InputError(file, 'arrivalsPerSec', 'an arrival rate (units per second) for an open workload', 'nothing');
  }
  if (workload.kind === 'closed' && workload.arrivalsPerSec !== undefined) {
    throw new InputError(file, 'arrivalsPerSec', 'no arrival rate for a closed workload (units run back to back)', describeValue(workload.arrivalsPerSec));
  }
  const deviceIndex = new Map(workload.devices.map((d, i) => [d.name, i]));
  if (deviceIndex.size !== workload.devices.length) {
    throw new InputError(file, 'devices', 'devices with distinct names', 'a repeated name');
  }
  const compileContext: VmCompileContext = { profile, workload, file, nativeMode, vmType, plans, passThrough, deviceIndex, decideExits, nativeOf };

  const classPlan: number[] = [];
  const classPlanTargetAway: number[] = [];
  const classBehaviour: number[] = [];
  const classDevice: number[] = [];
  const gaps: GapSpec[] = [];
  const holds: number[] = [];
  const deadlines: number[] = [];
  const queueDepths: number[] = [];
  const waitKinds: number[] = [];
  const waitIdle: number[] = [];
  const wallType: number[] = [];
  const wallGaps: GapSpec[] = [];

  events.forEach((ev, i) => {
    const field = i < workload.events.length ? `events[${i}]` : `guest (its expansion under ${guest ? describeGuest(guest) : ''}, instruction ${i - workload.events.length + 1})`;
    if (ev.kind === 'timer' || ev.kind === 'device-interrupt') {
      const iev = ev as InterruptEvent;
      wallType.push(iev.kind === 'timer' ? INTERRUPT_TIMER : INTERRUPT_DEVICE);
      wallGaps.push(gapSpec(iev, f / iev.perWallSec, file, `${field}.perWallSec`));
      return;
    }
    const e = ev as InstructionEvent;
    const rates = [e.perUnit, e.perGuestSec].filter((r) => r !== undefined);
    if (rates.length !== 1) {
      throw new InputError(file, field, "exactly one rate: 'perUnit' or 'perGuestSec' (instruction events advance on guest time)", rates.length === 0 ? 'no rate' : 'both');
    }
    const meanGap = e.perUnit !== undefined ? workload.cyclesPerUnit / e.perUnit : f / (e.perGuestSec as number);
    gaps.push(gapSpec(e, meanGap, file, `${field}.${e.perUnit !== undefined ? 'perUnit' : 'perGuestSec'}`));
    holds.push(0);
    // A deadline ahead arms the one-shot timer; the unit may wait for its interrupt, or for an I/O's completion.
    deadlines.push(e.kind === 'timer-program' && e.deadlineCycles !== undefined ? Math.round(e.deadlineCycles) : 0);
    waitIdle.push(e.waitsForInterrupt && e.whileWaiting === 'idle' ? 1 : 0);
    waitKinds.push(!e.waitsForInterrupt ? WAIT_NONE : e.kind === 'io' ? INTERRUPT_DEVICE : e.kind === 'ipi-send' ? WAIT_ACK : INTERRUPT_ONESHOT);
    queueDepths.push(e.kind === 'io' && e.waitsForInterrupt ? (e.queueDepth ?? 1) : 0);
    // Each kind compiles itself (event-kinds/): its plan, and how the engine treats it.
    const compiled = EVENT_COMPILERS[e.kind](e, field, compileContext);
    classPlan.push(compiled.plan);
    classPlanTargetAway.push(compiled.planTargetAway);
    classBehaviour.push(compiled.behaviour);
    classDevice.push(compiled.device);
  });

  if (workload.spinlock) {
    const s = workload.spinlock;
    gaps.push(gapSpec({}, workload.cyclesPerUnit / s.acquiresPerUnit, file, 'spinlock.acquiresPerUnit'));
    holds.push(s.holdCycles);
    deadlines.push(0);
    queueDepths.push(0);
    waitKinds.push(WAIT_NONE);
    waitIdle.push(0);
    classPlan.push(plans.add([], 0));
    classPlanTargetAway.push(-1);
    classBehaviour.push(BEHAVIOUR_LOCK);
    classDevice.push(-1);
  }

  const repeated = (exits: ResolvedExit[], n: number) => (n === 0 ? [] : exits.map((x) => ({ ...x, repeat: x.repeat * n })));
  // What the guest runs in every interrupt besides its handler and EOI (page-table isolation's CR3
  // writes, legacy IBRS's SPEC_CTRL writes, IRQL changes): exits of their own in every delivery.
  const entryExits: ResolvedExit[] = [];
  let entryNative = 0;
  for (const ins of expansion.perInterrupt) {
    const d = decideExits(ins.kind, ins.msr === undefined ? {} : { msrIntercepted: !passThrough.has(ins.msr.toUpperCase()) });
    entryExits.push(...repeated(d.exits, ins.count));
    if (paysNative(d, nativeMode)) entryNative += ins.count * NATIVE_CYCLES[ins.kind].cycles;
  }
  const eoi = { exits: [...entryExits, ...decideExits('eoi').exits] };
  const program = decideExits('timer-program');
  const handler = workload.interruptHandlerCycles + entryNative;
  const eoiNative = NATIVE_CYCLES.eoi.cycles;
  const programNative = NATIVE_CYCLES['timer-program'].cycles;
  const idleEntryPrograms = Math.round(workload.timerProgramsPerIdleEntry);

  const ept = (features & FEATURE_BIT.ept) !== 0;
  const vpid = (features & FEATURE_BIT.vpid) !== 0;
  const walk =
    !nativeMode && ept && tlb
      ? Math.round(tlb.missesPerUnit * extraWalkReferences(tlb.pageSize) * profile.memoryReferenceCycles.value * (1 - tlb.pageWalkCacheHitRate))
      : 0;
  const deviceLatencyCycles = Float64Array.from(workload.devices, (d) => Math.round(((d.completionLatencyUs ?? 0) * f) / 1e6));
  // A device that a unit waits on tracks every request: each waiting event on it needs a completion
  // to wait for, and every event on it must wait with the same depth (the ring holds that many).
  events.forEach((ev, i) => {
    if (ev.kind !== 'io' || !('waitsForInterrupt' in ev) || !ev.waitsForInterrupt) return;
    const d = deviceIndex.get(ev.device as string) as number;
    if (deviceLatencyCycles[d] === 0) {
      throw new InputError(file, `events[${i}].waitsForInterrupt`, `a device with a completionLatencyUs above 0 to wait for`, `device ${ev.device} completes at once`);
    }
    events.forEach((other, j) => {
      if (other.kind !== 'io' || other.device !== ev.device) return;
      const depth = (x: typeof other) => ('waitsForInterrupt' in x && x.waitsForInterrupt ? (x.queueDepth ?? 1) : 0);
      if (depth(other) !== depth(ev)) {
        throw new InputError(file, `events[${j}]`, `on device ${ev.device}, which events[${i}] waits on, a waiting io event with queueDepth ${depth(ev)}`, depth(other) === 0 ? 'an event that does not wait' : `queueDepth ${depth(other)}`);
      }
    });
  });
  // Quiet: nothing that reaches another vCPU or arms a device timer (plain work, or I/O whose
  // device completes at once). The one rule behind both the engine's silent events and the
  // aggregated mode's batchable classes.
  const classQuiet = Uint8Array.from(classBehaviour, (b, i) => (b === BEHAVIOUR_NORMAL || (b === BEHAVIOUR_IO && deviceLatencyCycles[classDevice[i]] === 0) ? 1 : 0));
  const unitCv = workload.cyclesPerUnitCv ?? 0;
  const unit = lognormalParams(workload.cyclesPerUnit, unitCv);

  const vmPlans = {
    planHalt: plans.add(decideExits('hlt').exits, 0),
    planIdleEntry: plans.add(repeated(program.exits, idleEntryPrograms), idleEntryPrograms * programNative),
    // NOHZ timer programming and the HLT that follows as one episode (the programming's
    // native cycles run at the next entry: same accounting, one timer event fewer).
    planIdleEntryHalt: plans.add([...repeated(program.exits, idleEntryPrograms), ...decideExits('hlt').exits], idleEntryPrograms * programNative),
    planPause: plans.add(decideExits('pause-spin').exits, 0),
    planHostTick: plans.add(decideExits('host-tick').exits, 0),
    planDeliverDevice: plans.add([...decideExits('interrupt-delivery').exits, ...eoi.exits], handler + eoiNative),
    planDeliverIpi: plans.add([...decideExits('ipi-delivery').exits, ...eoi.exits], handler + eoiNative),
    planDeliverTimer: plans.add([...decideExits('timer-expiry').exits, ...eoi.exits, ...program.exits], handler + eoiNative + programNative),
    planInjectDevice: plans.add(eoi.exits, handler + eoiNative),
    planInjectTimer: plans.add([...eoi.exits, ...program.exits], handler + eoiNative + programNative),
    // The one-shot timer's interrupt: delivered (the expiry exits, unless posted) and EOI'd, not re-programmed.
    planDeliverOneShot: plans.add([...decideExits('timer-expiry').exits, ...eoi.exits], handler + eoiNative),
    planInjectOneShot: plans.add(eoi.exits, handler + eoiNative),
  };
  if (!nativeMode) {
    // Shadow paging's VM-wide mmu_lock: the vCPUs running at once wait for each other's holds
    // (workloads/shadow-mmu.ts mmuLockWaitCycles); the mean wait goes on every step that takes it.
    const means = stageMeans(profile, scenario.msrLists ?? DEFAULT_MSR_LISTS, 'cpuid', 'kernel', 0, features, scenario.vmType);
    const roundTrip = means.recordExitInfo + means.saveGuestState + means.msrStore + means.loadHostState + means.msrLoad + means.entry;
    const load = { acquisitionsPerGuestCycle: 0, holdCyclesPerGuestCycle: 0, overheadCyclesPerGuestCycle: 0 };
    gaps.forEach((g, c) => {
      const l = plans.lockLoadOf(classPlan[c], roundTrip);
      load.acquisitionsPerGuestCycle += l.acquisitions / g.mean;
      load.holdCyclesPerGuestCycle += l.holdCycles / g.mean;
      load.overheadCyclesPerGuestCycle += l.hostCycles / g.mean;
    });
    const active = Math.min(vcpus, workload.activeVcpus ?? vcpus);
    const busyShare = workload.kind === 'open' ? Math.min(1, ((workload.arrivalsPerSec as number) * workload.cyclesPerUnit) / (active * f)) : 1;
    plans.addLockWait(firstPlan, plans.count, mmuLockWaitCycles(load, Math.min(active, scenario.host.pcpus), busyShare));
  }

  return {
    name: workload.name,
    workload: workload.name,
    vcpus,
    activeVcpus: Math.min(vcpus, workload.activeVcpus ?? vcpus),
    closed: workload.kind === 'closed',
    cyclesPerUnit: Math.round(workload.cyclesPerUnit),
    unitMu: unit.mu,
    unitSigma: unitCv > 0 ? unit.sigma : 0,
    arrivalGapCycles: workload.kind === 'open' ? f / (workload.arrivalsPerSec as number) : 0,
    walkCyclesPerUnit: walk,
    tlbRefillCycles: !nativeMode && !vpid && tlb ? Math.round(tlb.refillCyclesAfterFlush) : 0,
    classCount: gaps.length,
    classPlan: Int32Array.from(classPlan),
    classPlanTargetAway: Int32Array.from(classPlanTargetAway),
    classBehaviour: Int32Array.from(classBehaviour),
    classDevice: Int32Array.from(classDevice),
    classDist: Int32Array.from(gaps, (g) => g.dist),
    classMeanGap: Float64Array.from(gaps, (g) => g.mean),
    classMu: Float64Array.from(gaps, (g) => g.mu),
    classSigma: Float64Array.from(gaps, (g) => g.sigma),
    classEmpirical: gaps.map((g) => g.table ?? new Float64Array(0)),
    classHoldMean: Float64Array.from(holds),
    classDeadlineCycles: Float64Array.from(deadlines),
    classWaitKind: Int32Array.from(waitKinds),
    classWaitIdle: Uint8Array.from(waitIdle),
    classQuiet,
    // Batchable: quiet, with exponential gaps. (IPIs stay exact: delivered in a burst at a
    // batch's start they coalesce into pending interrupts injected at one entry, and the
    // interrupt exits fall — a unit test shows it.)
    classAggregatable: Uint8Array.from(gaps, (g, i) => (g.dist === DIST_EXPONENTIAL && classQuiet[i] ? 1 : 0)),
    wallCount: wallGaps.length,
    wallType: Int32Array.from(wallType),
    wallDist: Int32Array.from(wallGaps, (g) => g.dist),
    wallMeanGap: Float64Array.from(wallGaps, (g) => g.mean),
    wallMu: Float64Array.from(wallGaps, (g) => g.mu),
    wallSigma: Float64Array.from(wallGaps, (g) => g.sigma),
    wallEmpirical: wallGaps.map((g) => g.table ?? new Float64Array(0)),
    deviceCount: workload.devices.length,
    deviceLatencyCycles,
    deviceQueueDepth: Int32Array.from(workload.devices, (_, d) => Math.max(0, ...queueDepths.filter((_q, c) => classDevice[c] === d))),
    classQueueDepth: Int32Array.from(queueDepths),
    ...vmPlans,
  };
}

export function buildModel(givenInputs: BuildInputs): BuiltModel {
  if (!givenInputs.nativeMode) {
    checkFeaturesAgainstProfile(givenInputs.features, givenInputs.profile, givenInputs.scenarioFile);
    checkVmTypeAgainstProfile(givenInputs.scenario.vmType, givenInputs.profile, givenInputs.scenarioFile);
  }
  // What the VM runs with: a TD or an SEV guest has some features whatever the set says (features.ts),
  // and an architecture what it always has (arm64: stage-2 translation, so the 2-D walk, whatever the set).
  const inputs = givenInputs.nativeMode ? givenInputs : { ...givenInputs, features: vmEffectiveFeatures(givenInputs.features, givenInputs.scenario.vmType) | alwaysOnBits(givenInputs.profile.arch) };
  const { scenario, profile, features, nativeMode } = inputs;
  const f = profile.frequencyGHz.value * 1e9;
  const plans = new PlanBuilder(profile, nativeMode, features);
  const vms: VmModel[] = [];
  scenario.vms.forEach((placement, i) => {
    const entry = inputs.workloads.get(placement.workload);
    if (!entry) throw new InputError(inputs.scenarioFile, `vms[${i}].workload`, 'a workload name or file', describeValue(placement.workload));
    const vm = buildVm(inputs, plans, entry.workload, entry.file, placement.vcpus);
    for (let k = 0; k < placement.count; k++) vms.push({ ...vm, name: placement.count > 1 ? `${vm.workload}#${k + 1}` : vm.workload });
  });
  const totalVcpus = vms.reduce((a, vm) => a + vm.vcpus, 0);
  if (totalVcpus > MAX_TOTAL_VCPUS) {
    throw new InputError(inputs.scenarioFile, 'vms', `at most ${MAX_TOTAL_VCPUS.toLocaleString('en-US')} vCPUs in one scenario`, `${totalVcpus.toLocaleString('en-US')}`);
  }
  const exitlessIdle = (features & FEATURE_BIT['exitless-idle']) !== 0;
  const policyName = scenario.host.scheduler;
  if (!nativeMode && policyName === 'pinned' && totalVcpus > scenario.host.pcpus) {
    throw new InputError(
      inputs.scenarioFile,
      'host.pcpus',
      `at least as many pCPUs as vCPUs (${totalVcpus}) for the pinned scheduler`,
      String(scenario.host.pcpus),
      ' — use scheduler round-robin or fair to overcommit',
    );
  }
  if (!nativeMode && exitlessIdle && (policyName !== 'pinned' || totalVcpus > scenario.host.pcpus)) {
    throw new InputError(inputs.scenarioFile, 'features', 'exitless-idle only with dedicated pCPUs (scheduler pinned)', `scheduler ${policyName}`);
  }
  const msr = scenario.msrLists ?? DEFAULT_MSR_LISTS;
  const means = stageMeans(profile, msr, 'cpuid', 'kernel', 0, features, nativeMode ? 'plain' : scenario.vmType);
  const stageCv = profile.stageCv.value;
  const draw = (mean: number): StageDraw => {
    const { mu, sigma } = lognormalParams(mean, stageCv);
    return { mean: Math.round(mean), mu, sigma: mean > 0 && stageCv > 0 ? sigma : 0 };
  };
  const stages = [means.recordExitInfo, means.saveGuestState, means.msrStore, means.loadHostState, means.msrLoad, means.entry].map(draw);
  const hasFeature = (n: FeatureName) => (features & FEATURE_BIT[n]) !== 0;
  const warmupCycles = Math.round(scenario.warmupSec * f);
  // A host tick faster than a thousand cycles is no tick (its period would round to nothing).
  if (scenario.host.hostTickHz > 0 && f / scenario.host.hostTickHz < 1000) {
    throw new InputError(inputs.scenarioFile, 'host.hostTickHz', `a host tick of at most ${f / 1000} Hz (a period of 1,000 cycles or more at ${profile.frequencyGHz.value} GHz), or 0 for none`, describeValue(scenario.host.hostTickHz));
  }
  return {
    nativeMode,
    crossCoreInterruptCycles: Math.round(profile.crossCoreInterruptCycles?.value ?? 0),
    frequencyHz: f,
    seed: scenario.seed,
    firstVmIndex: nativeMode ? (inputs.firstVmIndex ?? 0) : 0,
    warmupCycles,
    endCycles: warmupCycles + Math.round(scenario.durationSec * f),
    pcpus: nativeMode ? totalVcpus : scenario.host.pcpus,
    policy: nativeMode || policyName === 'pinned' ? POLICY_PINNED : policyName === 'fair' ? POLICY_FAIR : POLICY_ROUND_ROBIN,
    sliceCycles: Math.round((scenario.host.timeSliceUs * f) / 1e6),
    tickPeriodCycles: nativeMode || scenario.host.hostTickHz === 0 ? 0 : Math.round(f / scenario.host.hostTickHz),
    hostContextSwitchCycles: nativeMode ? 0 : Math.round(profile.hostContextSwitchCycles.value),
    vmcsMigrationCycles: nativeMode ? 0 : Math.round(profile.vmcsMigrationCycles.value),
    pleWindowCycles: !nativeMode && hasFeature('ple') && !exitlessIdle ? Math.round(profile.pleWindowCycles.value) : 0,
    pleWindowMaxCycles: Math.round(profile.pleWindowMaxCycles?.value ?? PLE_WINDOW_MAX_VMX_CYCLES),
    pleWindowGrow: PLE_WINDOW_GROW,
    haltPollCycles: !nativeMode && hasFeature('halt-polling') && !exitlessIdle ? Math.round(profile.haltPollCycles.value) : 0,
    haltPollStartCycles: Math.round(HALT_POLL_GROW_START_SEC * f),
    exitlessIdle,
    stages,
    hardwareMu: stageCv > 0 ? lognormalParams(1, stageCv).mu : 0,
    hardwareSigma: stageCv > 0 ? lognormalParams(1, stageCv).sigma : 0,
    plans: plans.table(),
    handlersUsed: [...plans.handlersUsed].sort(),
    vms,
    queueCapacity: ARRIVAL_QUEUE_CAPACITY,
    aggregateBatchCycles: Math.max(0, Math.round(inputs.aggregateBatchCycles ?? 0)),
    handlerCv: profile.handlerCv.value,
    stageCv,
  };
}
