// `exitsim migrate`: one VM's live migration, round by round (src/migration/): how long it takes, how
// long the guest is down, and what the dirty tracking costs the guest meanwhile.
import { Option, type Command } from 'commander';
import { migrate, type MigrationOptions, type MigrationResult } from '../../migration/run.js';
import { QEMU_DEFAULTS, deviceStateBytes } from '../../migration/precopy.js';
import { TRACKING_MODES, type TrackingMode } from '../../migration/tracking.js';
import { MMU_FIGURES, MMU_KINDS } from '../../migration/mmu.js';
import { DEFAULT_HOST_KERNEL, hostKernelChoices } from '../../migration/host-kernel.js';
import { parseBandwidth, parseDurationSec } from '../../migration/units.js';
import { guestMemory } from '../../migration/guest.js';
import { loadMigrationStudy, looksLikeMigrationStudy } from '../../migration/study.js';
import { readDataFile } from '../../config/load.js';
import { evacuate, type Evacuation, type EvacuationVm } from '../../migration/evacuate.js';
import { InputError } from '../../config/errors.js';
import { writeResultFiles } from '../../io/atomic.js';
import { stringify } from 'csv-stringify/sync';
import { table } from '../../output/text.js';
import { figureFiles } from '../../output/figures.js';
import { migrationFigure, migrationStudyFigure, type MigrationStudyRow } from '../../output/migration.js';
import { CLI, addCommon, checkCsvTarget, featureSetsOf, intFlag, resolve, type CommonOptions } from '../options.js';

interface MigrateOptions extends CommonOptions {
  guestMemory?: string;
  dirtyRate?: string;
  hotSet?: string;
  workingSet?: string;
  bandwidth?: string;
  downtimeLimit?: string;
  dirtyTracking: TrackingMode;
  autoConverge?: boolean;
  maxRounds: number;
  timeout?: string;
  pageSize?: '4K' | '2M' | '1G';
  eagerSplit: 'on' | 'off';
  /** Set when the user typed --eager-split (its default follows the host kernel). */
  eagerSplitGiven?: boolean;
  mmu?: 'tdp' | 'legacy';
  hostKernel: string;
  evacuate?: string;
  live?: boolean;
  postcopyAfter?: number;
}

/** Tracking works in 4 KiB pages: KVM splits huge pages for dirty logging (eager or on first write). */
const PAGE_BYTES = 4096;

/** The request a migrate command line makes: its scenario, and one VM's migration at a bandwidth. */
function prepare(file: string, o: MigrateOptions) {
  const r = resolve(file, o);
  const [features] = featureSetsOf(o, r, [r.scenario.features]);
  // What the host kernel offers: each mode and MMU since the Linux that brought it.
  const { mmu, eagerSplit } = hostKernelChoices(o.hostKernel, o.dirtyTracking, o.mmu, o.eagerSplit === 'on', o.eagerSplitGiven ?? false);
  const link = o.bandwidth === undefined ? QEMU_DEFAULTS.maxBandwidthBytesPerSec : parseBandwidth('--bandwidth', o.bandwidth);
  const downtimeLimitSec = o.downtimeLimit === undefined ? QEMU_DEFAULTS.downtimeLimitSec : parseDurationSec('--downtime-limit', o.downtimeLimit);
  const timeoutSec = o.timeout === undefined ? 3600 : parseDurationSec('--timeout', o.timeout);
  const concurrency = o.evacuate === undefined ? undefined : parseConcurrency(o.evacuate);
  // One VM migrates: entry `i` of the scenario, alone on its host's pCPUs.
  const guests = r.scenario.vms.map((vm) => guestMemory(r.workloads.get(vm.workload)!.workload, r.profile, o, PAGE_BYTES));
  const optionsFor = (i: number, bandwidthBytesPerSec: number, precopyOnly: boolean) => {
    const g = guests[i];
    const spec = { ...r, scenario: { ...r.scenario, vms: [{ ...r.scenario.vms[i], count: 1 }] } };
    return { spec, options: {
      memoryBytes: g.memoryBytes, pageBytes: PAGE_BYTES, dirtyRate: g.dirtyRate, hotBytes: g.hotBytes, hotShare: g.hotShare,
      bandwidthBytesPerSec, downtimeLimitSec, autoConverge: o.autoConverge ?? false, maxRounds: o.maxRounds, timeoutSec, setupSec: 0, mode: o.dirtyTracking, mmu,
      deviceStateBytes: deviceStateBytes(r.scenario.vms[i].vcpus), workingSetBytes: g.workingSetBytes,
      windowSec: 0.3, backingPageBytes: g.backingPageBytes, eagerSplit, precopyOnly, postcopyAfterRounds: o.postcopyAfter,
    } satisfies MigrationOptions };
  };
  const migrateVm = (i: number, bandwidthBytesPerSec: number, precopyOnly: boolean) => {
    const { spec, options } = optionsFor(i, bandwidthBytesPerSec, precopyOnly);
    return migrate(spec, features, options);
  };
  return { r, features, link, concurrency, guests, migrateVm, optionsFor };
}

async function migrateCommand(file: string, o: MigrateOptions): Promise<void> {
  const study = /\.(json|ya?ml)$/i.test(file) && looksLikeMigrationStudy(readDataFile(file));
  // The live view watches one migration's rounds; a study or an evacuation is many migrations.
  if (o.live && (study || o.evacuate !== undefined)) throw new InputError(CLI, '--live', 'one migration to watch (not a study, not --evacuate)', study ? `a migration study, ${file}` : `--evacuate ${o.evacuate}`);
  if (study) return studyCommand(file, o);
  const { r, features, link, concurrency, guests, migrateVm, optionsFor } = prepare(file, o);
  if (concurrency !== undefined) {
    // Every VM of the host, in the scenario's order; identical VMs at the same bandwidth migrate alike.
    const cache = new Map<string, MigrationResult>();
    const vms: EvacuationVm[] = r.scenario.vms.flatMap((vm, i) => Array.from({ length: vm.count }, (_, k) => ({
      name: vm.count > 1 ? `${vm.workload}#${k + 1}` : vm.workload,
      migrate: (bw: number) => {
        const key = `${i}:${bw}`;
        if (!cache.has(key)) cache.set(key, migrateVm(i, bw, true));
        return cache.get(key)!;
      },
    })));
    const plans = concurrency.map((k) => evacuate(vms, link, Math.min(k, vms.length)));
    if (o.json) process.stdout.write(JSON.stringify({ evacuation: plans }, null, 2) + '\n');
    else process.stdout.write(evacuationText(plans, r.scenario.name, link, (r.profile.frequencyGHz.value * 1e9) / MMU_FIGURES.migrationThreadCyclesPerByte.value));
    return;
  }
  const g = guests[0];
  const workload = r.workloads.get(r.scenario.vms[0].workload)!.workload;
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['timeline.csv', 'timeline.svg', 'timeline.pdf', 'timeline.vl.json']);
  let res: MigrationResult;
  if (o.live) {
    // The engine runs in a worker thread; the view shows each round as it finishes.
    const { spec, options } = optionsFor(0, link, false);
    const title = `exitsim migrate — ${workload.name} on ${r.profile.name}: ${fmtGiB(g.memoryBytes)} GiB over ${((link * 8) / 1e9).toFixed(1)} Gbit/s, ${o.dirtyTracking}`;
    const plain = o.json || !process.stdout.isTTY || !process.stdin.isTTY || process.env.CI === 'true';
    const { runMigrationPlain, runMigrationTui } = await import('../../tui/migration.js');
    const live = { spec, features, options, title };
    const done = plain ? await runMigrationPlain(live, (x) => (o.json ? process.stderr.write(x) : process.stdout.write(x))) : await runMigrationTui(live);
    if (!done) return; // quit before the end: nothing to write
    if (!o.json && !o.out) return;
    res = done;
  } else res = migrateVm(0, link, false);
  if (o.out) {
    const name = r.workloads.get(r.scenario.vms[0].workload)?.workload.name ?? r.scenario.vms[0].workload;
    writeResultFiles(o.out, { 'timeline.csv': timelineCsv(res), ...(await figureFiles('timeline', migrationFigure(res, `${name} on ${r.profile.name}: migrating ${fmtGiB(g.memoryBytes)} GiB at ${Math.round((res.dirty_pages_per_s * PAGE_BYTES) / 1e6)} MB/s dirtied over ${o.bandwidth ?? '128MiB/s'}, ${o.dirtyTracking}`))) }, { force: o.force ?? false });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ ...res, sources: g.sources }, null, 2) + '\n');
    return;
  }
  process.stdout.write(migrationText(res, workload.name, r.profile.name, `guest: ${fmtGiB(g.memoryBytes)} GiB (${g.sources.memory}); dirty rate ${Math.round((res.dirty_pages_per_s * PAGE_BYTES) / 1e6)} MB/s (${g.sources.dirty_rate}); working set: ${g.sources.working_set}; backing pages ${fmtBytes(g.backingPageBytes)} (${g.sources.page_size})`));
}

const fmtGiB = (bytes: number) => +(bytes / 2 ** 30).toFixed(2);

/** --evacuate's list of concurrencies: "1", "1,2,4". */
function parseConcurrency(text: string): number[] {
  const parts = text.split(',').map((x) => x.trim());
  if (parts.some((x) => !/^[1-9][0-9]{0,3}$/.test(x))) throw new InputError(CLI, '--evacuate', 'how many VMs migrate at a time, a whole number from 1 or a list (e.g. 1,2,4)', `'${text}'`);
  return [...new Set(parts.map(Number))];
}

function evacuationText(plans: Evacuation[], scenario: string, link: number, threadBytesPerSec: number): string {
  const gbit = (x: number) => `${((x * 8) / 1e9).toFixed(2)} Gbit/s`;
  const lines = [`evacuating ${scenario}: ${plans[0].vms} VMs over one ${gbit(link)} link, each VM's migration alone on the host's pCPUs`];
  if (threadBytesPerSec < link) lines.push(`one migration thread sends at most ${gbit(threadBytesPerSec)}: a VM alone cannot fill this link`);
  lines.push('');
  lines.push(table(['at a time', 'waves', 'bandwidth each', 'total time', 'worst downtime', 'not converging'], plans.map((p) => [p.concurrent, p.waves.length, gbit(p.waves[0].bandwidth_each_bytes_per_s), `${p.total_time_s.toFixed(1)} s`, `${p.worst_downtime_ms.toFixed(1)} ms`, p.not_converged.length === 0 ? 'none' : `${p.not_converged.length}: ${p.not_converged.slice(0, 3).join(', ')}${p.not_converged.length > 3 ? ', …' : ''}`])));
  return lines.join('\n') + '\n';
}

/** A migration study: every point of its grid, as `exitsim migrate` runs one; a table, and with --out a CSV and a figure. */
async function studyCommand(file: string, o: MigrateOptions): Promise<void> {
  const { study, points } = loadMigrationStudy(file);
  const m = study.migration;
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['migration-study.csv', 'migration-study.svg', 'migration-study.pdf', 'migration-study.vl.json']);
  const rows: MigrationStudyRow[] = points.map((pt) => {
    const given: MigrateOptions = {
      ...o, vcpus: m.vcpus ?? o.vcpus, pcpus: m.pcpus ?? o.pcpus, profile: m.profile ?? o.profile, features: m.features !== undefined ? [m.features] : o.features, guestMemory: m.guestMemory ?? o.guestMemory,
      workingSet: m.workingSet ?? o.workingSet, pageSize: m.pageSize ?? o.pageSize, eagerSplit: m.eagerSplit ?? o.eagerSplit, eagerSplitGiven: m.eagerSplit !== undefined || o.eagerSplitGiven,
      mmu: m.mmu ?? o.mmu, downtimeLimit: m.downtimeLimit ?? o.downtimeLimit, autoConverge: m.autoConverge ?? o.autoConverge, hostKernel: m.hostKernel ?? o.hostKernel,
      dirtyTracking: pt.dirtyTracking, dirtyRate: pt.dirtyRate, bandwidth: pt.bandwidth, evacuate: undefined,
    };
    const res = prepare(m.workload, given).migrateVm(0, parseBandwidth(`${file}: parameters.bandwidth`, pt.bandwidth), false);
    return { dirty_tracking: pt.dirtyTracking, dirty_rate: pt.dirtyRate, bandwidth: pt.bandwidth, converged: res.converged, total_time_s: res.total_time_s, downtime_ms: res.downtime_ms, rounds: res.rounds, transferred_gib: res.transferred_gib, guest_efficiency_before: res.guest_efficiency_before, guest_efficiency_during: res.guest_efficiency_during };
  });
  if (o.out) writeResultFiles(o.out, { 'migration-study.csv': stringify([Object.keys(rows[0]), ...rows.map((x) => Object.values(x).map((v) => (v === null ? '' : v)))], { record_delimiter: '\n' }), ...(await figureFiles('migration-study', migrationStudyFigure(rows, `${study.name}: ${study.description}`))) }, { force: o.force ?? false });
  if (o.json) {
    process.stdout.write(JSON.stringify({ study: study.name, points: rows }, null, 2) + '\n');
    return;
  }
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
  process.stdout.write(`${study.name}: ${study.description}\n\n` + table(['tracking', 'dirty rate', 'bandwidth', 'total', 'downtime', 'rounds', 'efficiency before', 'during'], rows.map((x) => [x.dirty_tracking, x.dirty_rate, x.bandwidth, x.converged ? `${x.total_time_s.toFixed(1)} s` : `not converging (${x.total_time_s.toFixed(0)} s)`, x.converged ? `${x.downtime_ms.toFixed(0)} ms` : '—', x.rounds, pct(x.guest_efficiency_before), pct(x.guest_efficiency_during)])) + '\n');
}

function timelineCsv(res: MigrationResult): string {
  const reasons = [...new Set(res.timeline.flatMap((t) => Object.keys(t.exits_per_s)))].sort();
  return stringify([['round', 'phase', 'start_s', 'duration_s', 'sync_s', 'pages_sent', 'pages_dirtied', 'first_touch_faults', 'huge_pages_split', 'lock_wait_cycles', 'migration_thread_cores', 'steal_pct', 'remote_faults', 'throttle_pct', 'guest_efficiency', ...reasons.map((x) => `${x}_per_s`)], ...res.timeline.map((t) => [t.round, t.phase, t.start_s, t.duration_s, t.sync_s, t.pages_sent, t.pages_dirtied, t.first_touch_faults, t.huge_pages_split, t.lock_wait_cycles, t.migration_thread_cores, t.steal_pct, t.remote_faults, t.throttle_pct, t.guest_efficiency ?? '', ...reasons.map((x) => t.exits_per_s[x] ?? 0)])], { record_delimiter: '\n' });
}

const fmtBytes = (bytes: number) => (bytes >= 2 ** 30 ? `${bytes / 2 ** 30}G` : bytes >= 2 ** 20 ? `${bytes / 2 ** 20}M` : `${bytes / 2 ** 10}K`);

function migrationText(res: MigrationResult, workload: string, profile: string, guest: string): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
  const ms = (x: number) => `${(x * 1000).toFixed(1)} ms`;
  const pc = res.timeline.find((t) => t.phase === 'post-copy');
  const sec = (x: number) => `${x.toFixed(2)} s`;
  const head = res.converged
    ? `${workload} on ${profile}: migrated in ${res.total_time_s.toFixed(2)} s, down ${res.downtime_ms.toFixed(1)} ms, ${res.rounds} rounds, ${res.transferred_gib.toFixed(2)} GiB sent`
    : `${workload} on ${profile}: NOT CONVERGING — stopped at the ${res.stop} after ${res.rounds} rounds, ${res.total_time_s.toFixed(1)} s, ${res.transferred_gib.toFixed(2)} GiB sent (--auto-converge throttles the guest; a faster link or a longer --downtime-limit helps)`;
  return [
    head,
    guest,
    `guest efficiency ${pct(res.guest_efficiency_before)} before, ${pct(res.guest_efficiency_during)} during the pre-copy rounds${res.final_throttle_pct > 0 ? ` (throttled to ${100 - res.final_throttle_pct}% at the end)` : ''}`,
    `where the time goes: set-up ${ms(res.time_s.setup)}, bulk round ${sec(res.time_s.bulk_round)}, ${res.rounds - 1} later rounds ${sec(res.time_s.later_rounds)}, bitmap syncs ${ms(res.time_s.syncs)}, downtime ${ms(res.time_s.downtime)}${res.stop === 'post-copy' ? `, post-copy ${sec(res.time_s.postcopy)}` : ''}`,
    ...(res.stop === 'post-copy' ? [`post-copy after round ${res.rounds}: ${pc!.pages_sent.toLocaleString('en-US')} pages followed the guest; ${pc!.remote_faults.toLocaleString('en-US')} remote faults blocked its vCPUs ${pc!.first_touch_stall_s.toFixed(3)} s each (a ${MMU_FIGURES.remoteFaultRoundTripUs.value} µs round trip, an estimate, plus the page on the wire); guest ${pct(pc!.guest_efficiency)} meanwhile`] : []),
    `migration thread: ${res.timeline[0].migration_thread_cores.toFixed(2)} cores while sending the bulk round; ${res.timeline[0].steal_pct > 0 ? `no spare pCPU: it took ${res.timeline[0].steal_pct.toFixed(1)}% of the busy vCPUs' time` : 'a spare pCPU took it'}${res.bandwidth_limited_by === 'migration thread' ? `; one thread sends at most ${((res.bandwidth_bytes_per_s * 8) / 1e9).toFixed(1)} Gbit/s, below the link` : ''}`,
    `dirty tracking (${res.mmu === 'shadow' ? 'shadow paging' : `${res.mmu === 'tdp' ? 'TDP' : 'legacy'} MMU`}):`,
    ...res.tracking.map((t) => `  ${t.reason}: ${t.what} — ${t.handlerCycles} cycles (${t.source})`),
    '',
    table(['round', 'phase', 'start s', 'duration s', 'pages sent', 'pages dirtied', 'first touches', 'lock wait', 'throttle', 'guest efficiency'], res.timeline.map((t) => [t.round, t.phase, t.start_s.toFixed(2), t.duration_s.toFixed(3), t.pages_sent, t.pages_dirtied, t.first_touch_faults, t.lock_wait_cycles, `${t.throttle_pct}%`, pct(t.guest_efficiency)])),
    '',
    `exits during the rounds: ${Object.entries(res.exits_by_reason).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`,
    'not modelled: zero pages (sent as a flag by QEMU), multifd, compression; the guest slowed by the steal or by remote faults still writes at its full rate',
  ].join('\n') + '\n';
}

export function register(program: Command): void {
  const cmd = program
    .command('migrate')
    .argument('<workload-or-scenario>')
    .description("one VM's live migration (QEMU pre-copy over KVM dirty tracking): total time, downtime, rounds, and what the tracking costs the guest, round by round")
    .option('--guest-memory <size>', "the guest's memory, e.g. 24GiB (default: the workload's memory section)")
    .option('--dirty-rate <rate>', "distinct pages dirtied per second as QEMU's calc-dirty-rate measures it, e.g. 800MB/s or 200000pages/s (default: the workload's, per busy vCPU, else one page per page fault)")
    .option('--hot-set <size:share>', 'a hot set and the share of writes on it, e.g. 1GiB:90% (default: writes uniform over memory)')
    .option('--working-set <size>', "memory the guest keeps touching, reads too: with lazy splitting each of its 4K pages faults once after its huge page is zapped (default: the pages it writes)")
    .option('--bandwidth <rate>', `the migration link, e.g. 10Gbit or 1.25GB/s (default: QEMU's max-bandwidth, 128 MiB/s)`)
    .option('--downtime-limit <duration>', "QEMU's downtime-limit, e.g. 300ms (default: 300ms, QEMU's)")
    .addOption(new Option('--dirty-tracking <mode>', 'bitmap (write protection, KVM_GET_DIRTY_LOG), bitmap-manual (KVM_CLEAR_DIRTY_LOG), pml (Intel PML), ring (the per-vCPU dirty ring) (bitmap-manual is what QEMU picks on a current kernel)').choices([...TRACKING_MODES]).default('bitmap-manual'))
    .option('--auto-converge', "QEMU's auto-converge: throttle the guest 20%, then +10% per step, when it dirties faster than the link sends (default: off, QEMU's)")
    .option('--max-rounds <n>', 'rounds after which it stops and says it does not converge', intFlag('--max-rounds', 1, 100_000), 30)
    .option('--timeout <duration>', 'time after which it stops and says it does not converge (default: 1h)')
    .addOption(new Option('--page-size <size>', "the guest memory's backing pages; huge ones are split to 4K for dirty logging (default: the workload's, else 4K)").choices(['4K', '2M', '1G']))
    .addOption(new Option('--mmu <kind>', "KVM's MMU under EPT/NPT: tdp (faults under mmu_lock for read) or legacy (tdp_mmu=N: slow faults under it for write); shadow paging without ept (default: the host kernel's, tdp from Linux 5.15)").choices([...MMU_KINDS]))
    .option('--postcopy-after <rounds>', "switch to post-copy after this many pre-copy rounds unless it converged first (QEMU's postcopy-ram and migrate-start-postcopy): a short stop, then the rest follows the guest, on its demand or in the background (default: pre-copy only)", intFlag('--postcopy-after', 1, 100_000))
    .option('--live', 'watch the rounds as the engine runs them (full screen on a terminal, a line per round otherwise)')
    .option('--evacuate <k,...>', "evacuate the host instead: every VM of the scenario (or --vms copies) over the one link, K at a time sharing it; the total time and the worst downtime for each K (e.g. 1,2,4; default: off, one VM migrates)")
    .option('--host-kernel <version>', "the host's Linux: the tracking modes, the MMU and eager splitting it offers (the TDP MMU by default from 5.15, eager splitting from 5.19)", DEFAULT_HOST_KERNEL)
    .addOption(new Option('--eager-split <on|off>', "split huge pages when dirty logging starts (KVM's eager_page_split, on by default since Linux 5.19), or on the guest's first write to each").choices(['on', 'off']).default('on'));
  addCommon(cmd, false, ['--duration', '--warmup', '--quick', '--workers', '--replications', '--aggregate', '--allow-long', '--csv']);
  cmd.action((file: string, o: MigrateOptions) => migrateCommand(file, { ...o, eagerSplitGiven: cmd.getOptionValueSource('eagerSplit') === 'cli' }));
}
