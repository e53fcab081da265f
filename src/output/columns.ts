// The data dictionary: every column of every CSV exitsim writes, with its unit and meaning.
// docs/outputs.md is generated from it (npm run outputs-doc), and a test reads the header of each
// file a real run writes and fails if a column is missing here or listed here but never written.
import { CATEGORIES, CATEGORY_NAMES } from '../exits/categories.js';

export interface Column {
  /** The column name; `{stage}` stands for each pCPU-cycle stage, `param_*` for a study's parameters. */
  name: string;
  unit: string;
  meaning: string;
}

// What each category means, and what it is on SVM where the two architectures' world switches differ.
const STAGE_MEANING: Record<string, string> = Object.fromEntries(CATEGORIES.map((c) => [c.column, 'svm' in c.archName ? `${c.meaning} (on AMD SVM: ${c.archName.svm})` : c.meaning]));

const stageColumns = (suffix: string, unit: string, what: string): Column[] =>
  CATEGORY_NAMES.map((c) => ({ name: `${c}_${suffix}`, unit, meaning: `${what}: ${STAGE_MEANING[c]}` }));

const PARAM: Column = { name: 'param_*', unit: 'as the parameter', meaning: "a study parameter's value at this point; the name is the parameter path with every run of other characters made '_' (vms[0].workload → param_vms_0_workload)" };

const FIGURES: Column[] = [
  { name: 'units', unit: 'units', meaning: "work units completed in the measured window (the workload's unitName; fractional: the unit in progress counts its share)" },
  { name: 'throughput_units_per_s', unit: 'units/s', meaning: 'units per simulated second, virtualized' },
  { name: 'native_throughput_units_per_s', unit: 'units/s', meaning: 'units per simulated second of the same scenario on bare metal' },
  { name: 'efficiency', unit: 'fraction (0–1)', meaning: 'bare-metal cycles per unit ÷ virtualized host cycles per unit (SPEC §10); above 1 only by the noise of one run. Screens show it ×100 as %' },
  { name: 'host_cycles_per_unit', unit: 'cycles/unit', meaning: 'pCPU cycles spent on behalf of the VM(s) per unit, virtualized' },
  { name: 'native_cycles_per_unit', unit: 'cycles/unit', meaning: 'pCPU cycles per unit on bare metal' },
  { name: 'exit_count', unit: 'exits', meaning: 'VM exits in the window' },
  { name: 'dropped_arrivals', unit: 'requests', meaning: 'arrivals of an open workload refused because its queue was full' },
];

const CI = (name: string, unit: string, what: string): Column[] => [
  { name: `${name}_mean`, unit, meaning: `${what}: mean over replications` },
  { name: `${name}_ci95_halfwidth`, unit, meaning: `${what}: half-width of the 95% confidence interval of the mean (Student t); empty with one replication` },
];

export const CSV_COLUMNS: Record<string, { what: string; columns: Column[] }> = {
  'runs.csv': {
    what: 'one row per run (a scenario under one feature set and seed); written by run/compare --out, study, sweep, merge, rerun',
    columns: [
      { name: 'run_id', unit: 'text', meaning: 'the run: joins runs.csv, vms.csv and exits.csv' },
      { name: 'point', unit: 'index', meaning: "a study's point (0-based), in sweep order" },
      { name: 'replication', unit: 'index', meaning: 'replication at that point (0-based); seed = the point\'s seed + replication' },
      PARAM,
      { name: 'scenario', unit: 'text', meaning: 'scenario name' },
      { name: 'profile', unit: 'text', meaning: 'CPU profile (exitsim list profiles)' },
      { name: 'features', unit: 'text', meaning: 'feature set as the user wrote it (--features or the sweep file, lower case, no spaces); else as features_canonical' },
      { name: 'features_canonical', unit: 'text', meaning: 'the feature set the VM runs with, as a preset and changes (modern,-ipiv): a TD always has APICv, an SEV guest never AVIC' },
      { name: 'vm_type', unit: 'text', meaning: 'the kind of guest: plain, nested (an L2 guest), tdx (an Intel TD), sev-es or sev-snp' },
      { name: 'seed', unit: 'integer', meaning: 'random seed of the run' },
      { name: 'duration_s', unit: 's', meaning: 'measured window, simulated seconds (after warm-up)' },
      { name: 'warmup_s', unit: 's', meaning: 'simulated warm-up, discarded' },
      { name: 'pcpus', unit: 'pCPUs', meaning: 'host pCPUs' },
      { name: 'vcpus', unit: 'vCPUs', meaning: 'vCPUs of all VMs (vms.csv: of this VM)' },
      { name: 'frequency_hz', unit: 'Hz', meaning: "the profile's clock: cycles per second" },
      ...FIGURES,
      { name: 'exits_per_s', unit: 'exits/s', meaning: 'VM exits per simulated second, all VMs' },
      ...stageColumns('cycles', 'cycles', 'pCPU cycles in the window'),
      { name: 'guest_events', unit: 'events', meaning: 'guest events simulated (warm-up included): the cost of the run' },
    ],
  },
  'vms.csv': {
    what: 'one row per run × VM; joined to runs.csv by run_id',
    columns: [
      { name: 'run_id', unit: 'text', meaning: 'the run (runs.csv)' },
      { name: 'vm', unit: 'text', meaning: 'the VM: workload#n' },
      { name: 'workload', unit: 'text', meaning: 'its workload' },
      { name: 'vcpus', unit: 'vCPUs', meaning: "this VM's vCPUs" },
      ...FIGURES,
      { name: 'exit_cycles_p50', unit: 'cycles', meaning: 'median cost of one exit round trip (histogram, 2% bins)' },
      { name: 'exit_cycles_p95', unit: 'cycles', meaning: '95th percentile of an exit round trip' },
      { name: 'exit_cycles_p99', unit: 'cycles', meaning: '99th percentile of an exit round trip' },
      { name: 'unit_latency_us_p50', unit: 'µs', meaning: 'median time from a unit\'s arrival (open) or start (closed) to its completion' },
      { name: 'unit_latency_us_p95', unit: 'µs', meaning: '95th percentile of unit latency' },
      { name: 'unit_latency_us_p99', unit: 'µs', meaning: '99th percentile of unit latency' },
      ...stageColumns('cycles', 'cycles', "this VM's pCPU cycles in the window"),
    ],
  },
  'exits.csv': {
    what: 'one row per run × exit reason; every reason any run of the file produced appears in every run (zero counts included, so that means over replications are right)',
    columns: [
      { name: 'run_id', unit: 'text', meaning: 'the run (runs.csv)' },
      { name: 'exit_reason', unit: 'text', meaning: 'exit reason: a VT-x basic exit reason, or an SVM #VMEXIT name on an AMD profile (exitsim list exit-reasons [--arch svm])' },
      { name: 'count', unit: 'exits', meaning: 'exits of this reason in the window; 0 when the run had none' },
      { name: 'rate_per_s', unit: 'exits/s', meaning: 'per simulated second' },
      { name: 'total_cycles', unit: 'cycles', meaning: 'all round trips of this reason, stage by stage (exit, handler, entry)' },
      { name: 'min_cycles', unit: 'cycles', meaning: 'cheapest round trip; empty when count is 0' },
      { name: 'mean_cycles', unit: 'cycles', meaning: 'mean round trip; empty when count is 0' },
      { name: 'max_cycles', unit: 'cycles', meaning: 'dearest round trip; empty when count is 0' },
      { name: 'stddev_cycles', unit: 'cycles', meaning: 'standard deviation of one round trip; empty when count is 0' },
      { name: 'blocked_cycles', unit: 'cycles', meaning: 'HLT only: cycles the vCPU stayed halted, apart from the round trips' },
      { name: 'min_blocked_cycles', unit: 'cycles', meaning: 'HLT only: the shortest single halted stretch that ended in the window' },
      { name: 'max_blocked_cycles', unit: 'cycles', meaning: 'HLT only: the longest single halted stretch that ended in the window' },
    ],
  },
  'summary.csv': {
    what: 'one row per study point × feature set: means and 95% CIs over replications',
    columns: [
      { name: 'point', unit: 'index', meaning: "the study's point" },
      PARAM,
      { name: 'features', unit: 'text', meaning: 'feature set as the user wrote it (as in runs.csv)' },
      { name: 'features_canonical', unit: 'text', meaning: "the set the point's VMs run with, canonically (as in runs.csv)" },
      { name: 'replications', unit: 'runs', meaning: 'replications the figures are over' },
      ...CI('efficiency', 'fraction (0–1)', 'efficiency (runs.csv)'),
      ...CI('throughput_units_per_s', 'units/s', 'throughput, all VMs'),
      ...CI('exits_per_s', 'exits/s', 'exit rate, all VMs'),
      ...CI('host_cycles_per_unit', 'cycles/unit', 'host cycles per unit'),
      ...stageColumns('share_mean', 'fraction (0–1)', "mean share of the window's pCPU cycles"),
    ],
  },
  'comparisons.csv': {
    what: 'one row per study point × feature set other than the baseline: paired differences against the baseline (same seeds)',
    columns: [
      { name: 'point', unit: 'index', meaning: "the study's point" },
      PARAM,
      { name: 'baseline', unit: 'text', meaning: 'the baseline feature set (the first)' },
      { name: 'features', unit: 'text', meaning: 'the feature set compared' },
      { name: 'replications', unit: 'runs', meaning: 'paired replications' },
      ...CI('efficiency_diff_pp', 'percentage points', 'efficiency minus the baseline\'s'),
      ...CI('efficiency_diff_pct', '%', 'efficiency relative to the baseline\'s (b/a − 1)'),
    ],
  },
  'capacity.csv': {
    what: 'one row per feature set × count tried by exitsim capacity',
    columns: [
      { name: 'features', unit: 'text', meaning: 'feature set as the user wrote it (--features), else canonical' },
      { name: 'features_canonical', unit: 'text', meaning: 'the feature set, canonically' },
      { name: 'vary', unit: 'text', meaning: 'what grew: vms or vcpus' },
      { name: 'n', unit: 'VMs or vCPUs', meaning: 'the count tried' },
      { name: 'replications', unit: 'runs', meaning: 'replications at this count (more at the boundary re-check)' },
      { name: 'fits', unit: 'true/false', meaning: 'every VM met every SLA (worst VM, mean over replications)' },
      { name: 'failed', unit: 'text', meaning: 'the SLAs missed and the worst VM\'s value' },
      { name: 'efficiency_worst_vm_mean', unit: 'fraction (0–1)', meaning: "the worst VM's efficiency, mean over replications" },
      { name: 'max_fitting', unit: 'VMs or vCPUs', meaning: 'the answer: the most that fit, for this feature set' },
    ],
  },
  'sensitivity.csv': {
    what: 'one row per perturbed parameter of exitsim sensitivity',
    columns: [
      { name: 'parameter', unit: 'text', meaning: 'the cost or rate perturbed (file: field)' },
      { name: 'efficiency_minus', unit: 'fraction (0–1)', meaning: 'efficiency with the parameter lowered by delta_pct' },
      { name: 'efficiency_base', unit: 'fraction (0–1)', meaning: 'efficiency unperturbed (same seed)' },
      { name: 'efficiency_plus', unit: 'fraction (0–1)', meaning: 'efficiency with the parameter raised by delta_pct' },
      { name: 'swing_pp', unit: 'percentage points', meaning: '|plus − minus| × 100: the ranking key' },
      { name: 'delta_pct', unit: '%', meaning: 'the perturbation' },
    ],
  },
  'timeline.csv': {
    what: "one row per pre-copy round of exitsim migrate (the guest's run in the engine at that round's dirty-tracking rate)",
    columns: [
      { name: 'round', unit: 'index', meaning: 'the round (1: the bulk round, all of memory)' },
      { name: 'phase', unit: 'text', meaning: 'pre-copy (the guest on the source, its writes logged) or post-copy (on the destination, the rest of its pages following)' },
      { name: 'start_s', unit: 's', meaning: 'when it started, from the start of the migration' },
      { name: 'duration_s', unit: 's', meaning: 'how long it took: pages sent × page size ÷ bandwidth' },
      { name: 'sync_s', unit: 's', meaning: 'the bitmap sync after the round (scan and re-protect): host work before the next round starts' },
      { name: 'pages_sent', unit: 'pages (4 KiB)', meaning: 'pages sent in the round' },
      { name: 'pages_dirtied', unit: 'pages (4 KiB)', meaning: 'distinct pages the guest dirtied during it: the next round\'s to send' },
      { name: 'first_touch_faults', unit: 'faults', meaning: 'pages of lazily split huge pages the guest touched for the first time in the round: a full fault each' },
      { name: 'huge_pages_split', unit: 'pages', meaning: 'huge pages zapped on the guest\'s first write to them in the round (lazy splitting)' },
      { name: 'lock_wait_cycles', unit: 'cycles', meaning: 'mean wait of a slow fault on the MMU lock in the round' },
      { name: 'migration_thread_cores', unit: 'cores', meaning: 'the migration thread\'s CPU in the round: sending, and the bitmap sync' },
      { name: 'steal_pct', unit: '%', meaning: 'share of the busy vCPUs\' pCPU time the migration thread took when the host had no spare pCPU for it' },
      { name: 'remote_faults', unit: 'faults', meaning: 'post-copy: touches of pages not on the destination yet, each blocking a vCPU for a round trip' },
      { name: 'throttle_pct', unit: '%', meaning: "auto-converge's throttle of the guest during the round" },
      { name: 'guest_efficiency', unit: 'fraction (0–1)', meaning: "the guest's efficiency during the round, its dirty-tracking exits included (throttling aside)" },
      { name: '*_per_s', unit: 'exits/s', meaning: 'one column per exit reason the guest took during some round (EPT_VIOLATION_per_s, …): its rate in this round' },
    ],
  },
  'migration-study.csv': {
    what: 'one row per point of a migration study (exitsim migrate STUDY.yaml): a tracking mode, a dirty rate and a bandwidth',
    columns: [
      { name: 'dirty_tracking', unit: 'text', meaning: 'the dirty-tracking mode (bitmap, bitmap-manual, pml, ring)' },
      { name: 'dirty_rate', unit: 'text', meaning: 'the dirty rate as the study gives it (calc-dirty-rate: distinct pages over 1 s)' },
      { name: 'bandwidth', unit: 'text', meaning: 'the migration link as the study gives it' },
      { name: 'converged', unit: 'true/false', meaning: 'whether the pre-copy converged before the round limit or the timeout' },
      { name: 'total_time_s', unit: 's', meaning: 'set-up, every round and its sync, and the downtime (or until it gave up)' },
      { name: 'downtime_ms', unit: 'ms', meaning: 'the guest stopped: the last sync, the last pages and the device state (0 when it did not converge)' },
      { name: 'rounds', unit: 'count', meaning: 'pre-copy rounds, the bulk round included' },
      { name: 'transferred_gib', unit: 'GiB', meaning: 'bytes sent over the link' },
      { name: 'guest_efficiency_before', unit: 'fraction (0–1)', meaning: "the guest's efficiency outside a migration" },
      { name: 'guest_efficiency_during', unit: 'fraction (0–1)', meaning: "the guest's efficiency over the pre-copy rounds, weighted by their duration" },
    ],
  },
  'microbench.csv': {
    what: 'one row per kvm-unit-tests vmexit test simulated by exitsim microbench',
    columns: [
      { name: 'test', unit: 'text', meaning: 'the kvm-unit-tests x86/vmexit.c test' },
      { name: 'cycles_per_iteration', unit: 'cycles', meaning: 'simulated cycles per iteration, as the test prints them' },
      { name: 'exits_per_iteration', unit: 'exits', meaning: 'VM exits per iteration' },
      { name: 'exit_reasons', unit: 'text', meaning: 'the reasons of those exits' },
      { name: 'published_cycles_per_iteration', unit: 'cycles', meaning: 'a published figure for the same test, profile and features; empty if none' },
      { name: 'published_source', unit: 'text', meaning: "that figure's source" },
      { name: 'other_published', unit: 'text', meaning: 'further published figures for it, "cycles (source)" separated by ";"' },
      { name: 'profile', unit: 'text', meaning: 'CPU profile' },
      { name: 'features', unit: 'text', meaning: 'feature set' },
    ],
  },
};

/** Whether `column` of `file` is in the dictionary (a `param_*` column matches the pattern). */
export function documented(file: string, column: string): boolean {
  return (CSV_COLUMNS[file]?.columns ?? []).some((c) => c.name === column || (c.name === 'param_*' && column.startsWith('param_')) || (c.name === '*_per_s' && column.endsWith('_per_s')));
}

export function outputsDoc(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const sections = Object.entries(CSV_COLUMNS).map(
    ([file, { what, columns }]) => `## ${file}\n\n${what}.\n\n| column | unit | meaning |\n|---|---|---|\n${columns.map((c) => `| \`${c.name}\` | ${esc(c.unit)} | ${esc(c.meaning)} |`).join('\n')}\n`,
  );
  return `# Output files: the data dictionary

Generated by \`npm run outputs-doc\` from \`src/output/columns.ts\`; a test writes every file from real
runs and fails if a column is missing here or listed here but never written. Numbers are plain
(no thousands separators, \`.\` decimal point); an empty cell is a missing value (NA); text cells a
spreadsheet would run as a formula get a leading \`'\`. Fractions are 0–1 (\`efficiency\` 0.9711 is
the 97.11% the screens show). Every result folder has a \`manifest.json\` (version, git commit, Node,
the command, every input embedded; \`exitsim rerun\` repeats it), written last.

${sections.join('\n')}`;
}
