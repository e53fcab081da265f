// The run's random streams: one per (VM, vCPU, event class) for the guest's
// own sequence (common random numbers across feature sets), and per vCPU for
// wall-clock classes, exit costs, exit decisions, IPI targets, unit sizes and
// aggregated batches; per VM for arrivals. Streams are named by their path
// under the seed, so adding one never shifts another.
import type { BuiltModel } from './model.js';
import type { EngineLayout } from './layout.js';
import { StreamBank } from './random.js';

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

  constructor(model: BuiltModel, layout: EngineLayout) {
    const { nV, maxClass, maxWall } = layout;
    const vms = model.vms;
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
    vms.forEach((w, vm) => {
      this.arrivalStreams[vm] = this.rng.add(seed, 'vm', vm, 'arrivals');
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
}
