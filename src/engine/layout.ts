// Where everything of a run sits: vCPU numbering (VM by VM), the widest VM's
// class, wall and device counts, and the timer heap's slot ranges — one slot
// per vCPU activity, per (vCPU, wall-clock class), per (vCPU, device), per pCPU
// tick, per VM's arrivals, the warm-up's end, per vCPU one-shot LAPIC timer, per vCPU an IPI leaving
// KVM's handler, and per vCPU an awaited IPI's acknowledgement (new ranges go last, so the slots
// before them keep their numbers: ties between equal times go by slot).
import type { BuiltModel } from './model.js';

export class EngineLayout {
  /** vCPUs in all. */
  readonly nV: number;
  readonly maxClass: number;
  readonly maxWall: number;
  readonly maxDev: number;
  // Slot ranges of the timer heap: [0, wallBase) vCPU activity, then walls, devices, ticks, arrivals, warm-up.
  readonly wallBase: number;
  readonly devBase: number;
  readonly tickBase: number;
  readonly arrivalBase: number;
  readonly warmupSlot: number;
  /** First of the vCPUs' one-shot LAPIC timer slots. */
  readonly lapicBase: number;
  /** First of the vCPUs' "IPI sent by KVM's handler" slots (an ICR write that exited). */
  readonly ipiBase: number;
  /** First of the vCPUs' "the target has handled my IPI" slots (a sender that waits). */
  readonly ackBase: number;
  /** Per vCPU: its VM. */
  readonly vmOf: Int32Array;
  /** Per VM (and one past the last): its first vCPU. */
  readonly firstVcpuOfVm: Int32Array;
  /** Per vCPU: its VM's guest-clock class count. */
  readonly classCountOf: Int32Array;

  constructor(model: BuiltModel) {
    const vms = model.vms;
    let nV = 0;
    let maxClass = 1;
    let maxWall = 1;
    let maxDev = 1;
    for (const vm of vms) {
      nV += vm.vcpus;
      maxClass = Math.max(maxClass, vm.classCount);
      maxWall = Math.max(maxWall, vm.wallCount);
      maxDev = Math.max(maxDev, vm.deviceCount);
    }
    this.nV = nV;
    this.maxClass = maxClass;
    this.maxWall = maxWall;
    this.maxDev = maxDev;
    this.wallBase = nV;
    this.devBase = this.wallBase + nV * maxWall;
    this.tickBase = this.devBase + nV * maxDev;
    this.arrivalBase = this.tickBase + model.pcpus;
    this.warmupSlot = this.arrivalBase + vms.length;
    this.lapicBase = this.warmupSlot + 1;
    this.ipiBase = this.lapicBase + nV;
    this.ackBase = this.ipiBase + nV;
    this.vmOf = new Int32Array(nV);
    this.firstVcpuOfVm = new Int32Array(vms.length + 1);
    this.classCountOf = new Int32Array(nV);
    let v = 0;
    vms.forEach((w, vm) => {
      this.firstVcpuOfVm[vm] = v;
      for (let j = 0; j < w.vcpus; j++, v++) {
        this.vmOf[v] = vm;
        this.classCountOf[v] = w.classCount;
      }
    });
    this.firstVcpuOfVm[vms.length] = v;
  }

  /** Timer slots in all. */
  get slotCount(): number {
    return this.ackBase + this.nV;
  }
}
