// The run's random streams: one per (VM, vCPU, event class) for the guest's
// own sequence (common random numbers across feature sets), and per vCPU for
// wall-clock classes, exit costs, exit decisions, IPI targets, unit sizes and
// aggregated batches; per VM for arrivals. Streams are named by their path
// under the seed, so adding one never shifts another.
import type { BuiltModel, VmModel } from './model.js';
import type { EngineLayout } from './layout.js';
import { DIST_EXPONENTIAL, StreamBank } from './random.js';
import { classGap, exponentialCycles, lognormal, roundPositive, wallGap } from './draws.js';

export class EngineStreams {
  readonly rng: StreamBank;
  /** [v * maxClass + c] */
  readonly classStreams: Int32Array;
  /** [v * maxWall + k] */
  readonly wallStreams: Int32Array;
  readonly costStreams: Int32Array;
  readonly decisionStreams: Int32Array;
  readonly targetStreams: Int32Array;
  readonly unitStreams: Int32Array;
  readonly aggStreams: Int32Array;
  /** Per VM. */
  readonly arrivalStreams: Int32Array;
  private readonly maxClass: number;
  private readonly maxWall: number;

  constructor(model: BuiltModel, layout: EngineLayout) {
    const { nV, maxClass, maxWall } = layout;
    const vms = model.vms;
    this.maxClass = maxClass;
    this.maxWall = maxWall;
    this.rng = new StreamBank(nV * (maxClass + maxWall + 5) + vms.length);
    this.classStreams = new Int32Array(nV * maxClass);
    this.wallStreams = new Int32Array(nV * maxWall);
    this.costStreams = new Int32Array(nV);
    this.decisionStreams = new Int32Array(nV);
    this.targetStreams = new Int32Array(nV);
    this.unitStreams = new Int32Array(nV);
    this.aggStreams = new Int32Array(nV);
    this.arrivalStreams = new Int32Array(vms.length);
    const seed = model.seed;
    let v = 0;
    vms.forEach((w, index) => {
      const vm = index + model.firstVmIndex;
      this.arrivalStreams[index] = this.rng.add(seed, 'vm', vm, 'arrivals');
      for (let j = 0; j < w.vcpus; j++, v++) {
        for (let c = 0; c < w.classCount; c++) this.classStreams[v * maxClass + c] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'class', c);
        for (let k = 0; k < w.wallCount; k++) this.wallStreams[v * maxWall + k] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'wall', k);
        this.costStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'cost');
        this.decisionStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'decision');
        this.targetStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'ipi-target');
        this.unitStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'unit');
        this.aggStreams[v] = this.rng.add(seed, 'vm', vm, 'vcpu', j, 'aggregate');
      }
    });
  }

  // The draws the state machine makes, each from its own stream (draws.ts has the samplers).

  /** vCPU v's next gap of guest-clock class c (compute cycles). */
  classGap(v: number, w: VmModel, c: number): number {
    const stream = this.classStreams[v * this.maxClass + c];
    // The common case written out here (one call fewer on the hottest draw): draws.ts's classGap.
    if (w.classDist[c] === DIST_EXPONENTIAL) return roundPositive(-w.classMeanGap[c] * Math.log(1 - this.rng.next(stream)));
    return classGap(this.rng, stream, w, c);
  }

  /** vCPU v's next gap of wall-clock class k (wall cycles). */
  wallGap(v: number, w: VmModel, k: number): number {
    return wallGap(this.rng, this.wallStreams[v * this.maxWall + k], w, k);
  }

  /** The next gap between VM vm's arrivals (wall cycles). */
  arrivalGap(vm: number, meanCycles: number): number {
    return exponentialCycles(this.rng, this.arrivalStreams[vm], meanCycles);
  }

  /** How long vCPU v will hold the lock of class c (cycles): drawn from the class's own stream. */
  lockHold(v: number, c: number, meanCycles: number): number {
    return exponentialCycles(this.rng, this.classStreams[v * this.maxClass + c], meanCycles);
  }

  /** The size of vCPU v's next unit of work (cycles). */
  unitSize(v: number, w: VmModel): number {
    return w.unitSigma > 0 ? roundPositive(lognormal(this.rng, this.unitStreams[v], w.unitMu, w.unitSigma)) : w.cyclesPerUnit;
  }

  /** Another vCPU of the `n` of vCPU v's VM (first vCPU `first`), uniformly: an IPI's target. */
  ipiTarget(v: number, first: number, n: number): number {
    const target = first + Math.floor(this.rng.next(this.targetStreams[v]) * (n - 1));
    return target >= v ? target + 1 : target;
  }
}
