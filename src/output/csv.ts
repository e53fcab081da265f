// CSV for papers (SPEC §7): runs.csv (one row per run), vms.csv (one row per
// run × VM) and exits.csv (one row per run × exit reason), joined by run_id;
// snake_case columns with units in their names.
import { stringify } from 'csv-stringify/sync';
import { CATEGORY_NAMES } from '../exits/cost.js';
import type { RunSummary, VmSummary } from '../metrics/summarize.js';

/** A text cell a spreadsheet would run as a formula gets a leading quote. */
function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function cell(x: unknown): string | number {
  if (x === null || x === undefined) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? x : '';
  return safeText(String(x));
}

function toCsv(header: string[], rows: unknown[][]): string {
  return stringify([header, ...rows.map((r) => r.map(cell))], { record_delimiter: '\n' });
}

/** Extra leading columns per run (a study's point, replication and parameter values). */
export interface LeadColumns {
  header: string[];
  values: (runIndex: number) => unknown[];
}

const NO_LEAD: LeadColumns = { header: [], values: () => [] };

const FIGURES = [
  'units', 'throughput_units_per_s', 'native_throughput_units_per_s', 'efficiency', 'host_cycles_per_unit',
  'native_cycles_per_unit', 'exit_count', 'dropped_arrivals',
] as const;

export function runsCsv(runs: RunSummary[], lead: LeadColumns = NO_LEAD): string {
  const header = [
    'run_id', ...lead.header, 'scenario', 'profile', 'features', 'features_canonical', 'vm_type', 'seed', 'duration_s', 'warmup_s', 'pcpus', 'vcpus', 'frequency_hz',
    ...FIGURES, 'exits_per_s', ...CATEGORY_NAMES.map((c) => `${c}_cycles`), 'guest_events',
  ];
  const rows = runs.map((r, i) => [
    r.run_id, ...lead.values(i), r.scenario, r.profile, r.features, r.features_canonical, r.vm_type, r.seed, r.duration_s, r.warmup_s, r.pcpus, r.total.vcpus, r.frequency_hz,
    ...FIGURES.map((f) => r.total[f]), r.total.exit_count / r.duration_s,
    ...CATEGORY_NAMES.map((c) => r.total.cycles_by_stage[c]), r.guest_events,
  ]);
  return toCsv(header, rows);
}

export function vmsCsv(runs: RunSummary[]): string {
  // Joined to runs.csv by run_id.
  const header = [
    'run_id', 'vm', 'workload', 'vcpus', ...FIGURES, 'exit_cycles_p50', 'exit_cycles_p95', 'exit_cycles_p99',
    'unit_latency_us_p50', 'unit_latency_us_p95', 'unit_latency_us_p99', ...CATEGORY_NAMES.map((c) => `${c}_cycles`),
  ];
  const rows: unknown[][] = [];
  for (const r of runs) {
    for (const vm of r.vms as VmSummary[]) {
      rows.push([
        r.run_id, vm.vm, vm.workload, vm.vcpus, ...FIGURES.map((f) => vm[f]),
        vm.exit_cycles.p50, vm.exit_cycles.p95, vm.exit_cycles.p99,
        vm.unit_latency_us.p50, vm.unit_latency_us.p95, vm.unit_latency_us.p99,
        ...CATEGORY_NAMES.map((c) => vm.cycles_by_stage[c]),
      ]);
    }
  }
  return toCsv(header, rows);
}

export function exitsCsv(runs: RunSummary[]): string {
  const header = [
    'run_id', 'exit_reason', 'count', 'rate_per_s', 'total_cycles', 'min_cycles', 'mean_cycles', 'max_cycles', 'stddev_cycles', 'blocked_cycles', 'min_blocked_cycles', 'max_blocked_cycles',
  ];
  // Every reason that any run of the set produced gets a row in every run, zero where a run had none:
  // a mean over replications then counts the zeros (left out, EXTERNAL_INTERRUPT seen in 1 of 3
  // replications averaged three times too high). Statistics of no exits are empty, not zero.
  const reasons = [...new Set(runs.flatMap((r) => Object.keys(r.total.exits)))];
  const rows: unknown[][] = [];
  for (const r of runs) {
    const have = Object.entries(r.total.exits);
    for (const [name, e] of [...have, ...reasons.filter((n) => !(n in r.total.exits)).map((n) => [n, undefined] as const)]) {
      if (e === undefined) rows.push([r.run_id, name, 0, 0, 0, null, null, null, null, 0, null, null]);
      else rows.push([r.run_id, name, e.count, e.rate_per_s, e.cycles, e.min_cycles, e.mean_cycles, e.max_cycles, e.stddev_cycles, e.blocked_cycles, e.min_blocked_cycles, e.max_blocked_cycles]);
    }
  }
  return toCsv(header, rows);
}
