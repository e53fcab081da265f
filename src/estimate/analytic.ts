// The analytic estimate of a run (issue 18): the same compiled model the exact
// engine reads (build.ts: every decision-table row resolved, every rate a mean
// gap, every plan's round trips), reduced to expected cycles instead of
// simulated events. Per vCPU it sums the mean cost of each event class
// (rate × (exits + native work), the closed form 1/(1 + Σλc/f) of SPEC §10),
// the 2-D walk and TLB refills, interrupts per wall cycle, and queueing
// approximations for what the engine simulates as interactions:
// time sharing of pCPUs (fair share, switches per slice, interrupts that wait
// for a descheduled vCPU), halts and wake-ups of open workloads (utilisation
// of an M/M/c queue, halt polling), a VM's spin lock (M/D/1 wait) and its
// holder's preemption with and without PLE, device queues (coalesced
// completions, queue-depth waits). It runs in milliseconds; docs/estimate.md
// says how far it is from the exact engine, per workload class.
import { LOCATION_L1 } from '../engine/episode.js';
import { vmFeatureSetLabel } from '../exits/features.js';
import type { BuiltModel, VmModel } from '../engine/model.js';
import {
  BEHAVIOUR_IO,
  BEHAVIOUR_IPI,
  BEHAVIOUR_LOCK,
  BEHAVIOUR_ONESHOT,
  INTERRUPT_DEVICE,
  INTERRUPT_TIMER,
  POLICY_PINNED,
  WAIT_ACK,
  WAIT_NONE,
} from '../engine/model.js';
import { buildRunModel, vmLayout, type RunSpec } from '../request/run-path.js';
import { coalescedRate, erlangC, mg1Wait } from './queueing.js';

/** Where a VM's busy cycles per unit go, by mechanism (cycles per unit). */
export interface CostTerms {
  /** The unit's guest compute and the guest's own work for its events (native handlers, refills after a shadow-root switch). */
  guest: number;
  /** Exit round trips of the unit's own events (stages 1–5, handler, entry, TLB refill without VPID). */
  exits: number;
  /** Interrupts: the guest timer and devices (wall clock), I/O completions, IPIs received. */
  interrupts: number;
  /** 2-D page walks under EPT. */
  walk: number;
  /** The host: its tick, and switches between vCPUs sharing a pCPU. */
  host: number;
  /** Spinning: for the VM's lock, and waiting for an I/O or an IPI's acknowledgement without idling. */
  spin: number;
  /** Halts and wake-ups (idle entry, HLT, dispatch after a wake). */
  halt: number;
}

export interface VmEstimate {
  vm: string;
  workload: string;
  vcpus: number;
  efficiency: number | null;
  throughput_units_per_s: number;
  native_throughput_units_per_s: number;
  host_cycles_per_unit: number;
  native_cycles_per_unit: number;
  /** Busy share of its active vCPUs' wall time (1 for a closed workload that never waits). */
  utilisation: number;
  /** vCPUs competing for the pCPU of each of its vCPUs (1: a pCPU of its own), averaged over its vCPUs. */
  pcpu_sharing: number;
  terms: CostTerms;
}

export interface RunEstimate {
  scenario: string;
  profile: string;
  features: string;
  pcpus: number;
  total: { efficiency: number | null; throughput_units_per_s: number; native_throughput_units_per_s: number };
  vms: VmEstimate[];
}

/** Mean cycles of plan p's round trips (their stages, handlers and TLB refills); its native part apart. */
export function planExitCycles(m: BuiltModel, w: VmModel, p: number): number {
  const t = m.plans;
  let hw = 0;
  for (const s of m.stages) hw += s.mean;
  let sum = 0;
  for (let s = t.start[p]; s < t.start[p] + t.length[p]; s++) {
    // An L1 hypervisor's handler (nested guests), a confidential guest's #VE/#VC handling and the TDX
    // module's own work have no host transition of their own (their stepUser is LOCATION_L1 or above).
    const transition = t.stepUser[s] >= LOCATION_L1 ? 0 : hw + w.tlbRefillCycles;
    sum += t.stepProbability[s] * t.stepRepeat[s] * (transition + t.stepHandlerMean[s]);
  }
  return sum;
}

const planCycles = (m: BuiltModel, w: VmModel, p: number) => planExitCycles(m, w, p) + m.plans.nativeCycles[p];
const exits = (m: BuiltModel, p: number) => m.plans.length[p] > 0;

/** How a vCPU shares its pCPU: k vCPUs' worth of demand on it, and what one switch costs. */
interface Sharing {
  /** Demand on the vCPU's pCPU, itself included (≥ 1); its wall time stretches by this much. */
  k: number;
  /** Wall cycles of one slice as the engine ends it (at the first host tick after the slice). */
  sliceCycles: number;
  /** The share of the pCPUs' demand from vCPUs that never idle: they give a pCPU up only at a slice's end. */
  busyRunnerShare: number;
}

interface VcpuOutcome {
  /** Busy cycles per unit and wall cycles per unit (closed) or per arrival served (open). */
  busyPerUnit: number;
  wallPerUnit: number;
  /** Busy share of wall time. */
  utilisation: number;
  unitsPerCycle: number;
  /** Open workloads: busy cycles per wall cycle that come whether or not units do (the guest's timer, devices). */
  backgroundPerCycle: number;
  terms: CostTerms;
}

/**
 * One active vCPU of VM w, under model m (virtualized or bare metal), sharing its pCPU as `share`
 * says. `arrivalsPerCycle` is this vCPU's share of an open workload's arrivals (0 when closed).
 */
function vcpuOutcome(m: BuiltModel, w: VmModel, share: Sharing, arrivalsPerCycle: number): VcpuOutcome {
  const U = w.cyclesPerUnit;
  const switchCycles = m.hostContextSwitchCycles;
  const deliver = (kind: number) => (kind === INTERRUPT_TIMER ? w.planDeliverTimer : kind === INTERRUPT_DEVICE ? w.planDeliverDevice : w.planDeliverOneShot);
  const inject = (kind: number) => (kind === INTERRUPT_TIMER ? w.planInjectTimer : kind === INTERRUPT_DEVICE ? w.planInjectDevice : w.planInjectOneShot);
  const haltExits = exits(m, w.planHalt);
  // Going idle and coming back: the idle entry (NOHZ timer programming) and HLT, then, unless a
  // halt poll catches the wake-up, the host's switch back to the vCPU.
  const idleEntry = haltExits ? planCycles(m, w, w.planIdleEntryHalt) : planCycles(m, w, w.planIdleEntry);
  // The tick hits whichever vCPU runs: per busy cycle of this one.
  const tickPerBusy = m.tickPeriodCycles > 0 ? planCycles(m, w, w.planHostTick) / m.tickPeriodCycles : 0;
  const sharedPcpu = share.k > 1.0001 && m.tickPeriodCycles > 0 && m.policy !== POLICY_PINNED;
  // Switches: one per slice while another vCPU waits for this pCPU; the incoming vCPU pays it
  // (and its first entry's TLB refill without VPID).
  const switchPerBusy = sharedPcpu ? (Math.min(1, share.k - 1) * (switchCycles + w.tlbRefillCycles)) / share.sliceCycles : 0;
  // A descheduled vCPU takes interrupts at its next entry (injected, not delivered).
  const runningShare = 1 / Math.max(1, share.k);
  // Solve by fixed point: the utilisation (how often an interrupt finds the vCPU halted) and the
  // wall time per unit feed back into the per-unit costs.
  let util = arrivalsPerCycle > 0 ? Math.min(1, arrivalsPerCycle * U) : 1;
  let wall = U * share.k;
  let out: VcpuOutcome = { busyPerUnit: U, wallPerUnit: wall, utilisation: util, unitsPerCycle: 0, backgroundPerCycle: 0, terms: zeroTerms() };
  for (let iter = 0; iter < 60; iter++) {
    const terms = zeroTerms();
    terms.guest = U;
    terms.walk = w.walkCyclesPerUnit;
    // The probability an interrupt finds the vCPU running guest code (else halted, or descheduled).
    // Busy share `util` of wall time; not halted for `k` times that (waiting for a pCPU meanwhile).
    const running = Math.min(1, util);
    const halted = Math.max(0, 1 - util * share.k);
    // Halt polling catches a wake-up that comes within its window (wake-ups at the vCPU's interrupt rate).
    let wakeRate = 0; // wake-ups per wall cycle while halted
    for (let k = 0; k < w.wallCount; k++) wakeRate += 1 / w.wallMeanGap[k];
    if (arrivalsPerCycle > 0) wakeRate += arrivalsPerCycle;
    const pollCatch = m.haltPollCycles > 0 ? 1 - Math.exp(-wakeRate * m.haltPollCycles) : 0;
    // A woken vCPU that must wait for its pCPU behind a vCPU that never idles (whose slice ends at a
    // host tick) takes the interrupts that come meanwhile in the same wake-up: a dead-time counter
    // over that wait. (Behind vCPUs that idle the wait is short and not modelled.)
    const queueWait = sharedPcpu ? Math.min(1, share.k - 1) * share.busyRunnerShare * (share.sliceCycles / 2) : 0;
    const wakeShare = 1 / (1 + wakeRate * queueWait);
    const wakeCost = (haltExits ? idleEntry + switchCycles * (1 - pollCatch) : idleEntry) * wakeShare;
    // An interrupt: delivered if the vCPU runs; injected at the entry after a wake-up if it is halted
    // (that wake-up's halt and switch included); injected at its next entry if descheduled.
    const interruptCost = (kind: number) =>
      running * planCycles(m, w, deliver(kind)) + halted * (planCycles(m, w, inject(kind)) + wakeCost) + Math.max(0, 1 - running - halted) * planCycles(m, w, inject(kind));
    let waitBusy = 0;
    let waitIdle = 0;
    let lockAcquiresPerUnit = 0;
    let holdCycles = 0;
    for (let c = 0; c < w.classCount; c++) {
      const perUnit = U / w.classMeanGap[c];
      const plan = w.classPlan[c];
      const b = w.classBehaviour[c];
      if (b === BEHAVIOUR_LOCK) {
        lockAcquiresPerUnit += perUnit;
        holdCycles = w.classHoldMean[c];
        continue;
      }
      terms.guest += perUnit * m.plans.nativeCycles[plan];
      terms.exits += perUnit * planExitCycles(m, w, plan);
      const eventCycles = planCycles(m, w, plan) + U / perUnit; // the event and the compute up to the next
      if (b === BEHAVIOUR_IO) {
        const latency = w.deviceLatencyCycles[w.classDevice[c]];
        if (latency <= 0) continue;
        const depth = w.classQueueDepth[c];
        // A waiting class tracks every request; otherwise completions coalesce per vCPU and device.
        const completions = depth > 0 ? perUnit : coalescedRate(perUnit / wall, latency) * wall;
        terms.interrupts += completions * interruptCost(INTERRUPT_DEVICE);
        if (depth > 0) {
          // With `depth` requests in flight, compute overlaps all but one: the wait per request.
          const wait = Math.max(0, (latency + eventCycles) / depth - eventCycles);
          if (w.classWaitIdle[c]) waitIdle += perUnit * wait;
          else waitBusy += perUnit * wait;
          if (w.classWaitIdle[c]) terms.halt += perUnit * Math.min(1, wait / latency) * wakeCost;
        }
      } else if (b === BEHAVIOUR_IPI && w.vcpus > 1) {
        // The target (another vCPU of the VM) takes the interrupt; booked to the VM.
        const targetRunning = w.closed ? runningShare : running;
        const targetCost = targetRunning * planCycles(m, w, w.planDeliverIpi) + (1 - targetRunning) * planCycles(m, w, w.planInjectDevice) + (w.closed ? 0 : halted * wakeCost);
        terms.interrupts += perUnit * targetCost;
        if (w.classWaitKind[c] === WAIT_ACK) {
          // The sender spins until the target has run its handler: at once if it runs, else after the
          // target's wait for its pCPU (half a round of the others' slices) or its wake-up.
          const descheduledWait = sharedPcpu ? ((share.k - 1) * share.sliceCycles) / 2 : 0;
          waitBusy += perUnit * (m.crossCoreInterruptCycles + planCycles(m, w, w.planDeliverIpi) + (1 - targetRunning) * descheduledWait);
        }
      } else if (b === BEHAVIOUR_ONESHOT) {
        terms.interrupts += perUnit * interruptCost(2);
        if (w.classWaitKind[c] !== WAIT_NONE) {
          const wait = w.classDeadlineCycles[c];
          if (w.classWaitIdle[c]) {
            waitIdle += perUnit * wait;
            terms.halt += perUnit * wakeCost;
          } else waitBusy += perUnit * wait;
        }
      }
    }
    terms.spin += waitBusy;
    // The VM's spin lock: an M/D/1 queue of the other vCPUs' acquisitions (each holds it for its hold
    // time stretched by the exits taken meanwhile), plus, when pCPUs are shared, the holder's
    // preemption: waiters spin until it runs again, or, with PLE, for a PLE window and a yield to it.
    const busySoFar = sumTerms(terms);
    if (lockAcquiresPerUnit > 0 && w.activeVcpus > 1) {
      const stretch = busySoFar / Math.max(1, U);
      const hold = holdCycles * stretch;
      const acquiresPerBusy = lockAcquiresPerUnit / busySoFar;
      const others = (w.activeVcpus - 1) * acquiresPerBusy * runningShare * hold;
      // The lock as an M/D/1 server (a hold of fixed length) of the others' acquisitions, kept below
      // saturation (at 95%: past it the exact engine's waiters are preempted instead).
      const rho = Math.min(0.95, others);
      const spinPerAcquire = mg1Wait(rho / hold, hold, 0);
      let spin = lockAcquiresPerUnit * spinPerAcquire;
      if (sharedPcpu) {
        // The holder is preempted when its slice ends while it holds the lock: once per slice, with the
        // probability that it holds the lock then. Each such episode, the other vCPUs that run and
        // reach an acquisition spin: until the holder runs again (the rest of their slice), or, with
        // PLE, for one PLE window, then exit and yield to the holder.
        const holdingShare = Math.min(1, lockAcquiresPerUnit * hold / busySoFar);
        const episodesPerUnit = (busySoFar * holdingShare) / share.sliceCycles;
        const ple = m.pleWindowCycles > 0;
        const heldFor = ple ? m.pleWindowCycles + planCycles(m, w, w.planPause) + switchCycles : (share.k - 1) * share.sliceCycles;
        const reach = 1 - Math.exp(-acquiresPerBusy * heldFor);
        if (ple) {
          // A waiter running at the time spins one window, exits on PAUSE and yields to the holder.
          const spinners = (w.activeVcpus - 1) * runningShare * reach;
          spin += episodesPerUnit * spinners * m.pleWindowCycles;
          terms.host += episodesPerUnit * spinners * (planCycles(m, w, w.planPause) + switchCycles);
        } else {
          // Every other vCPU that reaches the lock spins whenever it runs until the holder is back:
          // its share of the pCPU over the time the holder waits.
          spin += episodesPerUnit * (w.activeVcpus - 1) * reach * heldFor * runningShare;
        }
      }
      terms.spin += spin;
    }
    // Wall-clock interrupts (guest timer, devices) per wall cycle.
    let wallPerCycle = 0;
    for (let k = 0; k < w.wallCount; k++) wallPerCycle += interruptCost(w.wallType[k]) / w.wallMeanGap[k];
    const perBusy = tickPerBusy + switchPerBusy;
    let busy: number;
    let wallCycles: number;
    let unitsPerCycle: number;
    let backgroundPerCycle = 0;
    const unitBusy = sumTerms(terms);
    if (arrivalsPerCycle <= 0) {
      // Closed: B = B0 + T·ω + B·τ with T = k·B + idle waits.
      busy = (unitBusy + waitIdle * wallPerCycle) / Math.max(1e-9, 1 - share.k * wallPerCycle - perBusy);
      wallCycles = busy * share.k + waitIdle;
      unitsPerCycle = 1 / wallCycles;
      util = wallCycles > 0 ? busy / wallCycles : 1;
      terms.interrupts += (busy * share.k + waitIdle) * wallPerCycle;
      terms.host += busy * perBusy;
    } else {
      // Open: each arrival that finds the vCPU idle (1 − utilisation) costs a wake-up; the background
      // interrupts come whether or not units do.
      const perArrival = unitBusy + halted * wakeCost;
      const busyPerCycle = (arrivalsPerCycle * perArrival + wallPerCycle) / Math.max(1e-9, 1 - perBusy);
      const served = Math.min(arrivalsPerCycle, arrivalsPerCycle / Math.max(busyPerCycle, 1e-12));
      unitsPerCycle = busyPerCycle > 1 ? served : arrivalsPerCycle;
      const utilNew = Math.min(1, busyPerCycle);
      busy = Math.min(busyPerCycle, 1) / unitsPerCycle;
      wallCycles = 1 / unitsPerCycle;
      terms.halt += halted * wakeCost;
      terms.interrupts += wallPerCycle / unitsPerCycle;
      backgroundPerCycle = wallPerCycle / Math.max(1e-9, 1 - perBusy);
      terms.host += busy * perBusy;
      util = 0.5 * util + 0.5 * utilNew; // damped: the idle share and the wake-up cost feed each other
    }
    const next: VcpuOutcome = { busyPerUnit: busy, wallPerUnit: wallCycles, utilisation: util, unitsPerCycle, backgroundPerCycle, terms };
    const settled = Math.abs(next.busyPerUnit - out.busyPerUnit) <= 1e-9 * next.busyPerUnit && Math.abs(wall - wallCycles) <= 1e-9 * wallCycles;
    out = next;
    wall = wallCycles;
    if (settled) break;
  }
  // Terms are scaled so they add up to the busy cycles per unit (the closed forms above split it).
  const sum = sumTerms(out.terms);
  if (sum > 0) for (const key of Object.keys(out.terms) as (keyof CostTerms)[]) out.terms[key] *= out.busyPerUnit / sum;
  return out;
}

function zeroTerms(): CostTerms {
  return { guest: 0, exits: 0, interrupts: 0, walk: 0, host: 0, spin: 0, halt: 0 };
}

function sumTerms(t: CostTerms): number {
  return t.guest + t.exits + t.interrupts + t.walk + t.host + t.spin + t.halt;
}

/**
 * How much demand shares each vCPU's pCPU (k ≥ 1: its wall time stretches by k while it runs), and
 * the most of a pCPU a vCPU gets (`level`, Infinity when there is enough for all). Pinned: none. A
 * time-sharing scheduler with vCPUs that never idle keeps them where they start (vCPU v on pCPU v mod
 * P: nothing is idle to steal them). With vCPUs that idle, load spreads: below saturation a waking
 * vCPU waits for a pCPU as a customer of an M/M/c queue with the pCPUs as servers (Erlang C) and
 * stays off the halt path that much longer, while vCPUs that never idle have a pCPU each; past it,
 * the fair scheduler gives every vCPU at most the same share (max-min fairness, water-filling): a
 * vCPU that wants more gets `level` and stretches by demand/level.
 */
function sharing(m: BuiltModel, demand: Float64Array, alwaysBusy: Uint8Array, allBusy: boolean): { k: Float64Array; level: number } {
  const k = new Float64Array(demand.length).fill(1);
  if (m.policy === POLICY_PINNED) return { k, level: Infinity };
  if (allBusy) {
    const perPcpu = new Float64Array(m.pcpus);
    demand.forEach((d, v) => (perPcpu[v % m.pcpus] += d));
    demand.forEach((_, v) => (k[v] = Math.max(1, perPcpu[v % m.pcpus])));
    return { k, level: Infinity };
  }
  let total = 0;
  for (const d of demand) total += d;
  const P = m.pcpus;
  if (total < P) {
    const queued = Math.min(1 + erlangC(P, total) / (P - total), demand.length / P);
    demand.forEach((_, v) => (k[v] = alwaysBusy[v] ? 1 : Math.max(1, queued)));
    return { k, level: Infinity };
  }
  // Water-filling: the level L with Σ min(d, L) = P.
  const sorted = Float64Array.from(demand).sort();
  let rest = P;
  let level = 0;
  for (let i = 0; i < sorted.length; i++) {
    const left = sorted.length - i;
    if (sorted[i] * left >= rest) {
      level = rest / left;
      break;
    }
    rest -= sorted[i];
    level = sorted[i];
  }
  let runnable = 0;
  for (const d of demand) runnable += Math.min(1, d / level);
  demand.forEach((d, v) => (k[v] = d > level ? d / level : Math.max(1, runnable / P)));
  return { k, level };
}

interface ModelOutcome {
  perVm: { busy: number; units: number; util: number; sharing: number; background: number; terms: CostTerms }[];
}

function modelOutcome(m: BuiltModel): ModelOutcome {
  const nV = m.vms.reduce((a, w) => a + w.vcpus, 0);
  const demand = new Float64Array(nV).fill(1);
  const alwaysBusy = new Uint8Array(nV);
  const allBusy = m.vms.every((w) => w.closed && w.activeVcpus === w.vcpus);
  const slice = m.sliceCycles + m.tickPeriodCycles / 2;
  // VMs of one placement share their compiled arrays: one outcome per (placement, sharing, arrivals).
  const memo = new WeakMap<Int32Array, Map<string, VcpuOutcome>>();
  let busyRunnerShare = 0;
  const outcome = (w: VmModel, share: Sharing, arrivals: number) => {
    let byKey = memo.get(w.classPlan);
    if (!byKey) memo.set(w.classPlan, (byKey = new Map()));
    const key = `${share.k}|${arrivals}|${share.busyRunnerShare}`;
    let o = byKey.get(key);
    if (!o) byKey.set(key, (o = vcpuOutcome(m, w, share, arrivals)));
    return o;
  };
  let perVm: ModelOutcome['perVm'] = [];
  // Demand and sharing feed each other (an open VM's utilisation); a few rounds settle them.
  for (let round = 0; round < (allBusy ? 1 : 8); round++) {
    const { k, level } = sharing(m, demand, alwaysBusy, allBusy);
    perVm = [];
    let v = 0;
    for (const w of m.vms) {
      let busy = 0;
      let units = 0;
      let background = 0;
      let util = 0;
      let shared = 0;
      const terms = zeroTerms();
      for (let j = 0; j < w.vcpus; j++, v++) {
        shared += k[v] / w.vcpus;
        if (j >= w.activeVcpus) {
          demand[v] = 0.01; // takes interrupts only
          continue;
        }
        const arrivals = w.closed ? 0 : 1 / (w.arrivalGapCycles * w.activeVcpus);
        const o = outcome(w, { k: k[v], sliceCycles: slice, busyRunnerShare }, arrivals);
        let vBusy = o.busyPerUnit * o.unitsPerCycle;
        let vUnits = o.unitsPerCycle;
        let ratio = 1;
        if (!w.closed && o.utilisation > level) {
          // An open vCPU past its fair share serves that much of its arrivals (the rest queue and
          // are dropped); the guest's timer and devices go on at their wall-clock rates.
          const bg = o.backgroundPerCycle;
          const scale = o.utilisation > bg ? Math.max(0, (level - bg) / (o.utilisation - bg)) : 1;
          const newBusy = (vBusy - bg) * scale + bg;
          ratio = vBusy > 0 ? newBusy / vBusy : 1;
          vBusy = newBusy;
          vUnits *= scale;
        }
        busy += vBusy;
        background += o.backgroundPerCycle;
        units += vUnits;
        util += o.utilisation / w.activeVcpus;
        // What it would use with a pCPU to itself: a closed vCPU that never idles wants all of one.
        demand[v] = w.closed ? Math.min(1, o.utilisation * k[v]) : o.utilisation;
        alwaysBusy[v] = w.closed && demand[v] > 0.999 ? 1 : 0;
        for (const key of Object.keys(terms) as (keyof CostTerms)[]) terms[key] += o.terms[key] * o.unitsPerCycle * ratio;
      }
      perVm.push({ busy, units, util, sharing: shared, background, terms });
    }
    let always = 0;
    let all = 0;
    demand.forEach((d, i) => {
      all += d;
      if (alwaysBusy[i]) always += d;
    });
    busyRunnerShare = all > 0 ? always / all : 0;
  }
  return { perVm };
}

/** The estimate of `spec` under feature set `features`: per VM and in total, as `run --json` reports them. */
export function estimateRun(spec: RunSpec, features: number): RunEstimate {
  const virt = buildRunModel(spec, features);
  const native = buildRunModel(spec, 0, { nativeMode: true });
  const v = modelOutcome(virt);
  const n = modelOutcome(native);
  const f = virt.frequencyHz;
  const layout = vmLayout(spec.scenario, spec.workloads);
  let workAtNative = 0;
  let busyOfWork = 0;
  let units = 0;
  let nativeUnits = 0;
  const vms: VmEstimate[] = v.perVm.map((x, i) => {
    const nx = n.perVm[i];
    const hostPerUnit = x.busy / x.units;
    const nativePerUnit = nx.busy / nx.units;
    workAtNative += x.units * nativePerUnit;
    busyOfWork += x.busy;
    units += x.units;
    nativeUnits += nx.units;
    const terms = zeroTerms();
    for (const key of Object.keys(terms) as (keyof CostTerms)[]) terms[key] = round(x.terms[key] / x.units, 1);
    return {
      vm: layout.names[i],
      workload: layout.workloads[i],
      vcpus: layout.vcpus[i],
      efficiency: round(nativePerUnit / hostPerUnit, 6),
      throughput_units_per_s: round(x.units * f, 3),
      native_throughput_units_per_s: round(nx.units * f, 3),
      host_cycles_per_unit: round(hostPerUnit, 1),
      native_cycles_per_unit: round(nativePerUnit, 1),
      utilisation: round(x.util, 4),
      pcpu_sharing: round(x.sharing, 3),
      terms,
    };
  });
  return {
    scenario: spec.scenario.name,
    profile: spec.profile.name,
    features: vmFeatureSetLabel(features, spec.profile.arch, spec.scenario.vmType),
    pcpus: virt.pcpus,
    total: {
      efficiency: busyOfWork > 0 ? round(workAtNative / busyOfWork, 6) : null,
      throughput_units_per_s: round(units * f, 3),
      native_throughput_units_per_s: round(nativeUnits * f, 3),
    },
    vms,
  };
}

function round(x: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}
