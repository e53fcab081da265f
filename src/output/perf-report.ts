// `exitsim report`: a simulated run printed in `perf kvm stat report` layout
// (20-character name column), so it can be diffed against a measurement with
// the tools people know — and imported back (issue 6's round trip).
import { ARCHITECTURES } from '../exits/arch/index.js';
import { ResultSet } from '../io/result-set.js';
import type { Arch } from '../exits/arch/index.js';
import { InputError } from '../config/errors.js';
import { loadProfile } from '../config/load.js';
import { cvmExitOfSlot, exitReasonPerfName, parseExitReason } from '../exits/reasons.js';

/**
 * The name perf prints for an exit of a run on `profileName`: on an AMD (SVM) profile perf kvm stat
 * prints lower-case SVM names (npf, io, msr, interrupt, hypercall); on Intel the VT-x names as they are.
 */
function perfName(exitReason: string, profileName: string): string {
  let arch: Arch;
  try {
    arch = loadProfile(profileName).profile.arch;
  } catch {
    return exitReason; // a profile file that is gone: the names as exitsim wrote them
  }
  const slot = parseExitReason(exitReason, arch);
  return slot === undefined ? exitReason : exitReasonPerfName(slot);
}

interface ExitRow {
  run_id: string;
  exit_reason: string;
  count: string;
  total_cycles: string;
  min_cycles: string;
  max_cycles: string;
  stddev_cycles?: string;
  blocked_cycles: string;
  min_blocked_cycles?: string;
  max_blocked_cycles?: string;
}

const us = (x: number) => `${x.toFixed(2)}us`;

/** An exits.csv row as numbers (blocked extremes undefined when the file predates them). */
interface ExitFigures {
  name: string;
  count: number;
  totalCycles: number;
  minCycles: number;
  maxCycles: number;
  stddevCycles?: number;
  blockedCycles: number;
  minBlocked?: number;
  maxBlocked?: number;
}

function numeric(e: ExitRow): ExitFigures {
  const opt = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    name: e.exit_reason,
    count: Number(e.count),
    totalCycles: Number(e.total_cycles),
    minCycles: Number(e.min_cycles),
    maxCycles: Number(e.max_cycles),
    stddevCycles: opt(e.stddev_cycles),
    blockedCycles: Number(e.blocked_cycles || 0),
    minBlocked: opt(e.min_blocked_cycles),
    maxBlocked: opt(e.max_blocked_cycles),
  };
}

function archOf(profileName: string): Arch {
  try {
    return loadProfile(profileName).profile.arch;
  } catch {
    return 'vmx'; // a profile file that is gone: VT-x names
  }
}

/** TDCALL or VMGEXIT for a confidential VM's request sub-leaf (TDVMCALL_IO, VMGEXIT_MSR), else undefined. */
function carrierOf(exitReason: string, arch: Arch): string | undefined {
  const slot = parseExitReason(exitReason, arch);
  const cvm = slot === undefined ? undefined : cvmExitOfSlot(slot);
  return cvm === undefined ? undefined : cvm.carrier === 'TDCALL' ? 'TDCALL' : 'vmgexit';
}

/** Several rows as one (perf's single TDCALL line): counts and cycles added, extremes kept, deviations pooled. */
function pooled(name: string, rows: ExitFigures[]): ExitFigures {
  const count = rows.reduce((a, e) => a + e.count, 0);
  const totalCycles = rows.reduce((a, e) => a + e.totalCycles, 0);
  const mean = totalCycles / count;
  const hasSd = rows.every((e) => e.stddevCycles !== undefined);
  // Var = E[x²] − mean²: each row's E[x²] is its variance plus its mean squared.
  const squares = rows.reduce((a, e) => a + e.count * ((e.stddevCycles ?? 0) ** 2 + (e.totalCycles / e.count) ** 2), 0);
  const blocked = rows.filter((e) => e.blockedCycles > 0);
  return {
    name,
    count,
    totalCycles,
    minCycles: Math.min(...rows.map((e) => e.minCycles)),
    maxCycles: Math.max(...rows.map((e) => e.maxCycles)),
    stddevCycles: hasSd ? Math.sqrt(Math.max(0, squares / count - mean * mean)) : undefined,
    blockedCycles: rows.reduce((a, e) => a + e.blockedCycles, 0),
    minBlocked: blocked.length > 0 && blocked.every((e) => e.minBlocked !== undefined) ? Math.min(...blocked.map((e) => e.minBlocked as number)) : undefined,
    maxBlocked: blocked.length > 0 && blocked.every((e) => e.maxBlocked !== undefined) ? Math.max(...blocked.map((e) => e.maxBlocked as number)) : undefined,
  };
}

/** One line of perf kvm stat report, as figures (times in µs). */
export interface PerfRow {
  exit: string;
  samples: number;
  samples_pct: number;
  time_pct: number;
  min_time_us: number;
  max_time_us: number;
  avg_time_us: number;
  /** Relative standard error of the mean, in percent (perf's "( +- x% )"). */
  rsd_pct: number;
}

/** The rows of perf kvm stat report, most frequent first, and the table's totals. */
function perfRows(rows: ExitFigures[], f: number, nameOf: (name: string) => string): { rows: PerfRow[]; totalSamples: number; totalTimeUs: number; bounded: boolean } {
  const time = (e: ExitFigures) => ((e.totalCycles + e.blockedCycles) / f) * 1e6;
  const totalSamples = rows.reduce((a, e) => a + e.count, 0);
  const totalTime = rows.reduce((a, e) => a + time(e), 0);
  const sorted = [...rows].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  let bounded = false;
  const out = sorted.map((e) => {
    const n = e.count;
    // A halted exit's time is its round trip plus the stretch it stayed blocked; exitsim keeps the
    // extremes of each apart, so Min/Max add them (bounds of the true extremes, said below the table).
    const hasBlocked = e.blockedCycles > 0 && e.maxBlocked !== undefined;
    if (hasBlocked) bounded = true;
    const mean = e.totalCycles / n;
    return {
      exit: nameOf(e.name),
      samples: n,
      samples_pct: (n / totalSamples) * 100,
      time_pct: (time(e) / totalTime) * 100,
      min_time_us: ((e.minCycles + (hasBlocked ? (e.minBlocked ?? 0) : 0)) / f) * 1e6,
      max_time_us: ((e.maxCycles + (hasBlocked ? (e.maxBlocked ?? 0) : 0)) / f) * 1e6,
      avg_time_us: time(e) / n,
      rsd_pct: mean > 0 && e.stddevCycles !== undefined ? (e.stddevCycles / Math.sqrt(n) / mean) * 100 : 0,
    };
  });
  return { rows: out, totalSamples, totalTimeUs: totalTime, bounded };
}

/** Rows in perf kvm stat report's layout (20-character name column), most frequent first. */
function perfTable(rows: ExitFigures[], f: number, nameOf: (name: string) => string): { lines: string[]; bounded: boolean } {
  const t = perfRows(rows, f, nameOf);
  const lines = ['', `${'VM-EXIT'.padStart(20)}    Samples  Samples%     Time%    Min Time    Max Time         Avg time`, ''];
  for (const r of t.rows) {
    lines.push(
      `${r.exit.padStart(20)} ${String(r.samples).padStart(10)} ${`${r.samples_pct.toFixed(2)}%`.padStart(9)} ${`${r.time_pct.toFixed(2)}%`.padStart(9)} ` +
        `${us(r.min_time_us).padStart(11)} ${us(r.max_time_us).padStart(11)} ${us(r.avg_time_us).padStart(11)} ( +- ${r.rsd_pct.toFixed(2).padStart(6)}% )`,
    );
  }
  lines.push('');
  lines.push(`Total Samples:${t.totalSamples}, Total events handled time:${t.totalTimeUs.toFixed(2)}us.`);
  return { lines, bounded: t.bounded };
}

/** A run's readable name: its workloads and features (and replication when a folder has several). */
function runNames(runs: Record<string, string>[], vms: Record<string, string>[]): Map<string, { name: string; tokens: Set<string> }> {
  const replicated = runs.some((r) => Number(r.replication ?? 0) > 0);
  // A folder whose runs differ in CPU or VM type (a study pairing them) names those too.
  const profiles = new Set(runs.map((r) => r.profile)).size > 1;
  const vmTypes = new Set(runs.map((r) => r.vm_type ?? 'plain')).size > 1;
  const out = new Map<string, { name: string; tokens: Set<string> }>();
  for (const run of runs) {
    const workloads = [...new Set(vms.filter((v) => v.run_id === run.run_id).map((v) => v.workload))];
    const parts = [workloads.length > 0 ? workloads.join('+') : run.scenario];
    if (profiles) parts.push(run.profile);
    if (vmTypes) parts.push(run.vm_type ?? 'plain');
    parts.push(run.features);
    if (replicated) parts.push(`r${run.replication}`);
    out.set(run.run_id, { name: parts.join('/'), tokens: new Set([run.scenario, ...workloads, workloads.join('+'), run.profile, run.vm_type ?? 'plain', run.features, `r${run.replication ?? 0}`]) });
  }
  return out;
}

/** `--run`: a run id, or a name of /-separated parts (workload, scenario, features, rN), each of which the run must have. */
function selects(id: string, names: Map<string, { name: string; tokens: Set<string> }>, wanted: string): boolean {
  if (wanted === id || wanted === names.get(id)!.name) return true;
  const tokens = names.get(id)!.tokens;
  return wanted.split('/').every((t) => tokens.has(t));
}

export function perfReport(dir: string, runSelector?: string, json = false): string {
  // The manifest is written last: without it the set of files was cut short (a kill while writing).
  const set = ResultSet.open(dir);
  const runs = set.csv('runs.csv', { columns: ['run_id', 'scenario', 'profile', 'features', 'frequency_hz', 'duration_s', 'vcpus'], numbers: ['frequency_hz', 'duration_s', 'vcpus', 'halt_poll_cycles'], optional: ['halt_poll_cycles'] });
  const exits = set.csv('exits.csv', {
    columns: ['run_id', 'exit_reason', 'count', 'total_cycles', 'min_cycles', 'max_cycles', 'blocked_cycles'],
    numbers: ['count', 'total_cycles', 'min_cycles', 'max_cycles', 'blocked_cycles', 'stddev_cycles', 'min_blocked_cycles', 'max_blocked_cycles'].filter((c) => c),
    optional: ['stddev_cycles', 'min_blocked_cycles', 'max_blocked_cycles', 'blocked_cycles', 'min_cycles', 'max_cycles'],
  }) as unknown as ExitRow[];
  const vms = set.has('vms.csv') ? set.csv('vms.csv', { columns: ['run_id'] }) : [];
  const names = runNames(runs, vms);
  const chosen = runs.filter((r) => runSelector === undefined || selects(r.run_id, names, runSelector));
  if (chosen.length === 0) {
    const examples = [...names.values()].map((n) => n.name);
    throw new InputError(dir, '--run', `a run of runs.csv by name (${examples.slice(0, 4).join(', ')}${examples.length > 4 ? ', …' : ''}), by part of one (a workload, a feature set) or by run id`, JSON.stringify(runSelector));
  }
  const out: string[] = [];
  const records: unknown[] = [];
  for (const run of chosen) {
    const f = Number(run.frequency_hz);
    const arch = archOf(run.profile);
    const all = exits.filter((e) => e.run_id === run.run_id && Number(e.count) > 0).map(numeric); // zero rows say a reason did not occur
    // perf kvm stat's HLT time runs from the exit to the next entry: KVM's halt polling included
    // (kvm_vcpu_halt polls before it blocks). exitsim books polling apart (halt_poll_cycles), so it
    // is added back here, to the HLT exits that did it.
    const poll = Number(run.halt_poll_cycles ?? 0);
    const hltName = ARCHITECTURES[arch].exits.hlt; // HLT on x86, WFx on arm64
    const hlt = all.find((e) => e.name === hltName);
    if (hlt && poll > 0) hlt.blockedCycles += poll;
    // perf kvm stat counts a TD's every TDG.VP.VMCALL as TDCALL and an SEV-ES guest's every request as
    // vmgexit: the table shows that one line; the breakdown by sub-leaf follows it.
    const subLeaves = all.filter((e) => carrierOf(e.name, arch) !== undefined);
    const carriers = [...new Set(subLeaves.map((e) => carrierOf(e.name, arch) as string))];
    const rows = [...all.filter((e) => carrierOf(e.name, arch) === undefined), ...carriers.map((c) => pooled(c, subLeaves.filter((e) => carrierOf(e.name, arch) === c)))];
    if (json) {
      const t = perfRows(rows, f, (name) => (carriers.includes(name) ? name : perfName(name, run.profile)));
      records.push({
        run_id: run.run_id, name: names.get(run.run_id)!.name, scenario: run.scenario, profile: run.profile, features: run.features, duration_s: Number(run.duration_s), vcpus: Number(run.vcpus),
        exits: t.rows, total_samples: t.totalSamples, total_time_us: t.totalTimeUs,
        ...(carriers.length > 0 ? { sub_leaves: Object.fromEntries(carriers.map((c) => [c, perfRows(subLeaves.filter((e) => carrierOf(e.name, arch) === c), f, (name) => name).rows])) } : {}),
      });
      continue;
    }
    out.push(`# exitsim run ${names.get(run.run_id)!.name} (${run.run_id}): scenario ${run.scenario}, profile ${run.profile}, features ${run.features}, ${run.duration_s} s simulated on ${run.vcpus} vCPUs`);
    out.push('Analyze events for all VMs, all VCPUs:');
    const table = perfTable(rows, f, (name) => (carriers.includes(name) ? name : perfName(name, run.profile)));
    out.push(...table.lines);
    if (table.bounded) out.push(`# ${hltName}: Min/Max Time = the round trip's extreme + the blocked stretch's extreme (exitsim tracks the two apart: a lower and an upper bound).`);
    for (const c of carriers) {
      out.push('');
      out.push(`# ${c} by sub-leaf (exitsim: perf kvm stat shows one ${c} line; on a real host only the ${c === 'TDCALL' ? 'kvm_tdvmcall' : 'kvm_vmgexit_enter'} tracepoint tells them apart)`);
      out.push(...perfTable(subLeaves.filter((e) => carrierOf(e.name, arch) === c), f, (name) => name).lines);
    }
    out.push('');
  }
  return json ? JSON.stringify(records, null, 2) + '\n' : out.join('\n');
}
