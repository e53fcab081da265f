// Turns the raw counters of a virtualized run and its bare-metal twin into the
// figures users read (SPEC §7, §10): throughput, efficiency, exits by reason,
// cycles by stage, percentiles, and the per-pCPU accounting.
import type { VmType } from '../config/schema.js';
import { isConfidential } from '../exits/confidential.js';
import { confidentialOf, vmTypeOf, type ConfidentialTraits } from '../exits/vm-types/index.js';
import { CATEGORY_NAMES, CAT, N_CAT } from '../exits/cost.js';
import { EXIT_REASON_SLOTS, exitReasonName, isHltSlot } from '../exits/reasons.js';
import { CVM_EXIT_REASONS, cvmLeafText } from '../exits/cvm-codes.js';
import { HISTOGRAM_BUCKETS, histogramQuantiles } from '../engine/histogram.js';
import type { RawResult } from '../engine/simulation.js';

export interface ExitStats {
  count: number;
  rate_per_s: number;
  cycles: number;
  min_cycles: number;
  mean_cycles: number;
  max_cycles: number;
  /** Standard deviation of one round trip's cycles. */
  stddev_cycles: number;
  /** HLT: time the vCPU stayed blocked, kept apart from handler cycles. */
  blocked_cycles: number;
  /** HLT: the shortest and longest single blocked stretch (0 when none ended in the window). */
  min_blocked_cycles: number;
  max_blocked_cycles: number;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface VmSummary {
  vm: string;
  workload: string;
  vcpus: number;
  units: number;
  throughput_units_per_s: number;
  native_throughput_units_per_s: number;
  /** Bare-metal cycles per unit ÷ virtualized host cycles per unit; null when no unit finished. */
  efficiency: number | null;
  host_cycles_per_unit: number | null;
  native_cycles_per_unit: number | null;
  dropped_arrivals: number;
  exits: Record<string, ExitStats>;
  exit_count: number;
  cycles_by_stage: Record<string, number>;
  exit_cycles: Percentiles;
  unit_latency_us: Percentiles;
}

export interface RunSummary {
  run_id: string;
  scenario: string;
  profile: string;
  /** The feature set as the user gave it (tidied), else its canonical label. */
  features: string;
  /** What the VM ran with, canonically (a preset and changes; a TD's forced features included). */
  features_canonical: string;
  /** plain, nested, tdx, sev-es or sev-snp: the kind of guest the run's VMs are. */
  vm_type: VmType;
  seed: number;
  frequency_hz: number;
  duration_s: number;
  warmup_s: number;
  pcpus: number;
  total: Omit<VmSummary, 'vm' | 'workload' | 'vcpus' | 'exit_cycles' | 'unit_latency_us'> & { vcpus: number };
  vms: VmSummary[];
  /** Cycles by category for each pCPU; each row adds up to window_cycles exactly. */
  pcpu_cycles: Array<Record<string, number>>;
  window_cycles: number;
  guest_events: number;
  native_guest_events: number;
  /** Nested guests only: exits by level, as L0 sees them. */
  exits_by_level?: { l2_handled_in_l0: number; l2_reflected_to_l1: number; l1_own: number };
  /** Confidential VMs only: the host's exits split into the guest's requests (one TDCALL/VMGEXIT bucket in perf kvm stat) by sub-leaf, and direct exits. */
  confidential?: ConfidentialExits;
}

export interface ConfidentialExits {
  vm_type: 'tdx' | 'sev-es' | 'sev-snp';
  /** The exit that carries the guest's requests: TDCALL (VT-x reason 77) or VMGEXIT (#VMEXIT 0x403). */
  carrier: 'TDCALL' | 'VMGEXIT';
  /** Host exits that are requests (what perf kvm stat shows as one TDCALL or vmgexit line). */
  requests: number;
  /** Host exits the guest did not ask for (interrupts, private-memory faults, automatic exits). */
  direct_exits: number;
  /** The requests by sub-leaf, most frequent first: the TDVMCALL leaf or GHCB exit code. */
  requests_by_sub_leaf: Array<{ sub_leaf: string; leaf: string; count: number; share: number }>;
}

/** A confidential run's host exits: its requests by sub-leaf, and the rest. */
function confidentialExits(exits: Record<string, ExitStats>, total: number, vmType: ConfidentialExits['vm_type']): ConfidentialExits {
  const subs = CVM_EXIT_REASONS.filter((r) => (exits[r.name]?.count ?? 0) > 0).map((r) => ({ sub_leaf: r.name, leaf: cvmLeafText(r), count: exits[r.name].count }));
  const requests = subs.reduce((a, r) => a + r.count, 0);
  subs.sort((a, b) => b.count - a.count || a.sub_leaf.localeCompare(b.sub_leaf));
  return {
    vm_type: vmType,
    carrier: (confidentialOf(vmType) as ConfidentialTraits).carrier,
    requests,
    direct_exits: total - requests,
    requests_by_sub_leaf: subs.map((r) => ({ ...r, share: requests > 0 ? round(r.count / requests, 6) : 0 })),
  };
}

/**
 * A nested run's exits by level: every reflection ends in one L1 VMRESUME (VMRUN on SVM); L1's VMX/SVM
 * instructions (VMREAD/VMWRITE; VMLOAD/VMSAVE and CLGI/STGI without their virtual versions) are its own exits.
 */
function exitsByLevel(exits: Record<string, ExitStats>, total: number): NonNullable<RunSummary['exits_by_level']> {
  const count = (n: string) => exits[n]?.count ?? 0;
  const reflected = count('VMRESUME') + count('VMRUN');
  const l1Own = reflected + count('VMREAD') + count('VMWRITE') + count('VMLOAD') + count('VMSAVE') + count('CLGI') + count('STGI');
  return { l2_handled_in_l0: total - l1Own - reflected, l2_reflected_to_l1: reflected, l1_own: l1Own };
}

const QS = [0.5, 0.95, 0.99];

function percentiles(hist: Float64Array, offset: number, scale: number): Percentiles {
  const [p50, p95, p99] = histogramQuantiles(hist, offset, QS).map((x) => (Number.isFinite(x) ? round(x * scale, 3) : null));
  return { p50, p95, p99 };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/**
 * Host cycles a VM's work costs: everything but idle and halt polling. KVM
 * polls only while nothing else is runnable on the pCPU, so polling displaces
 * no work: it is idle capacity spent on wake-up latency (and power), booked
 * and reported apart as halt_poll.
 */
function busy(cycles: Float64Array, vm: number): number {
  let sum = 0;
  for (let c = 0; c < N_CAT; c++) if (c !== CAT.IDLE && c !== CAT.HALT_POLL) sum += cycles[vm * N_CAT + c];
  return sum;
}

function stageRecord(cycles: Float64Array, base: number): Record<string, number> {
  const out: Record<string, number> = {};
  CATEGORY_NAMES.forEach((name, c) => (out[name] = cycles[base + c]));
  return out;
}

function exitsOf(raw: RawResult, vms: number[], seconds: number): { exits: Record<string, ExitStats>; total: number } {
  const exits: Record<string, ExitStats> = {};
  let total = 0;
  for (let r = 0; r < EXIT_REASON_SLOTS; r++) {
    let count = 0;
    let cycles = 0;
    let min = Infinity;
    let max = 0;
    let sumSq = 0;
    for (const vm of vms) {
      const k = vm * EXIT_REASON_SLOTS + r;
      count += raw.exitCount[k];
      cycles += raw.exitCycles[k];
      sumSq += raw.exitSumSq[k];
      if (raw.exitMin[k] < min) min = raw.exitMin[k];
      if (raw.exitMax[k] > max) max = raw.exitMax[k];
    }
    if (count === 0) continue;
    total += count;
    let blocked = 0;
    let minBlocked = Infinity;
    let maxBlocked = 0;
    if (isHltSlot(r)) {
      for (const vm of vms) {
        blocked += raw.vmBlockedCycles[vm];
        minBlocked = Math.min(minBlocked, raw.vmBlockedMin[vm]);
        maxBlocked = Math.max(maxBlocked, raw.vmBlockedMax[vm]);
      }
    }
    exits[exitReasonName(r)] = {
      count,
      rate_per_s: round(count / seconds, 3),
      cycles,
      min_cycles: min,
      mean_cycles: round(cycles / count, 1),
      max_cycles: max,
      stddev_cycles: round(Math.sqrt(Math.max(0, sumSq / count - (cycles / count) ** 2)), 1),
      blocked_cycles: blocked,
      min_blocked_cycles: Number.isFinite(minBlocked) ? minBlocked : 0,
      max_blocked_cycles: maxBlocked,
    };
  }
  // Sorted by cycles, largest first, as perf kvm stat sorts by samples.
  const sorted = Object.fromEntries(Object.entries(exits).sort((a, b) => b[1].cycles - a[1].cycles || a[0].localeCompare(b[0])));
  return { exits: sorted, total };
}

export interface SummaryContext {
  runId: string;
  scenario: string;
  profile: string;
  /** The set's label: as the user gave it, else canonical. */
  features: string;
  /** The set the VM runs with, canonically. */
  featuresCanonical: string;
  seed: number;
  durationSec: number;
  warmupSec: number;
  vmNames: string[];
  vmWorkloads: string[];
  vmVcpus: number[];
  /** The scenario's VM type (exits by level for nested guests). */
  vmType?: VmType;
}

export function summarize(virt: RawResult, native: RawResult, ctx: SummaryContext): RunSummary {
  // At least one cycle, so a snapshot taken during warm-up gives 0, not NaN.
  const seconds = Math.max(virt.windowCycles, 1) / virt.frequencyHz;
  const vmsOut: VmSummary[] = [];
  let totalVirtBusy = 0;
  let totalNativeBusy = 0;
  let totalUnits = 0;
  let totalNativeUnits = 0;
  let totalDropped = 0;
  // Total efficiency values each VM's work at its own bare-metal cycles per unit: units of different
  // workloads (builds, requests) cannot be added into one per-unit ratio.
  let workAtNative = 0;
  let busyOfWork = 0;
  ctx.vmNames.forEach((name, vm) => {
    const units = virt.vmUnits[vm];
    const nativeUnits = native.vmUnits[vm];
    const virtBusy = busy(virt.vmCycles, vm);
    const nativeBusy = busy(native.vmCycles, vm);
    totalVirtBusy += virtBusy;
    totalNativeBusy += nativeBusy;
    totalUnits += units;
    totalNativeUnits += nativeUnits;
    totalDropped += virt.vmDropped[vm];
    const hostPerUnit = units > 0 ? virtBusy / units : null;
    const nativePerUnit = nativeUnits > 0 ? nativeBusy / nativeUnits : null;
    if (hostPerUnit && nativePerUnit) {
      workAtNative += units * nativePerUnit;
      busyOfWork += virtBusy;
    }
    const { exits, total } = exitsOf(virt, [vm], seconds);
    vmsOut.push({
      vm: name,
      workload: ctx.vmWorkloads[vm],
      vcpus: ctx.vmVcpus[vm],
      units,
      throughput_units_per_s: round(units / seconds, 3),
      native_throughput_units_per_s: round(nativeUnits / seconds, 3),
      efficiency: hostPerUnit && nativePerUnit ? round(nativePerUnit / hostPerUnit, 6) : null,
      host_cycles_per_unit: hostPerUnit === null ? null : round(hostPerUnit, 1),
      native_cycles_per_unit: nativePerUnit === null ? null : round(nativePerUnit, 1),
      dropped_arrivals: virt.vmDropped[vm],
      exits,
      exit_count: total,
      cycles_by_stage: stageRecord(virt.vmCycles, vm * N_CAT),
      exit_cycles: percentiles(virt.exitHistogram, vm * HISTOGRAM_BUCKETS, 1),
      unit_latency_us: percentiles(virt.latencyHistogram, vm * HISTOGRAM_BUCKETS, 1e6 / virt.frequencyHz),
    });
  });
  const allVms = ctx.vmNames.map((_, i) => i);
  const { exits, total } = exitsOf(virt, allVms, seconds);
  const stageTotals: Record<string, number> = {};
  for (const name of CATEGORY_NAMES) stageTotals[name] = 0;
  for (let p = 0; p < virt.pcpus; p++) CATEGORY_NAMES.forEach((name, c) => (stageTotals[name] += virt.pcpuCycles[p * N_CAT + c]));
  const hostPerUnit = totalUnits > 0 ? totalVirtBusy / totalUnits : null;
  const nativePerUnit = totalNativeUnits > 0 ? totalNativeBusy / totalNativeUnits : null;
  return {
    run_id: ctx.runId,
    scenario: ctx.scenario,
    profile: ctx.profile,
    features: ctx.features,
    features_canonical: ctx.featuresCanonical,
    vm_type: ctx.vmType ?? 'plain',
    seed: ctx.seed,
    frequency_hz: virt.frequencyHz,
    duration_s: ctx.durationSec,
    warmup_s: ctx.warmupSec,
    pcpus: virt.pcpus,
    total: {
      vcpus: ctx.vmVcpus.reduce((a, b) => a + b, 0),
      units: totalUnits,
      throughput_units_per_s: round(totalUnits / seconds, 3),
      native_throughput_units_per_s: round(totalNativeUnits / seconds, 3),
      efficiency: busyOfWork > 0 ? round(workAtNative / busyOfWork, 6) : null,
      host_cycles_per_unit: hostPerUnit === null ? null : round(hostPerUnit, 1),
      native_cycles_per_unit: nativePerUnit === null ? null : round(nativePerUnit, 1),
      dropped_arrivals: totalDropped,
      exits,
      exit_count: total,
      cycles_by_stage: stageTotals,
    },
    vms: vmsOut,
    pcpu_cycles: Array.from({ length: virt.pcpus }, (_, p) => stageRecord(virt.pcpuCycles, p * N_CAT)),
    window_cycles: virt.windowCycles,
    guest_events: virt.guestEvents,
    native_guest_events: native.guestEvents,
    ...(vmTypeOf(ctx.vmType).nested ? { exits_by_level: exitsByLevel(exits, total) } : {}),
    ...(isConfidential(ctx.vmType) ? { confidential: confidentialExits(exits, total, ctx.vmType) } : {}),
  };
}
