// npm run bench: the fixed suite of issue 7. Per scenario: simulated guest
// events per wall second (SPEC §10's count), simulated seconds per wall second
// and peak RSS; simple-64 beside the bare typed-array loop of bench/peers/;
// exact vs aggregated mode; sweep scaling; the live view's overhead. Prints a
// table and writes bench/results.json. Figures only — no assertions.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MSR_LISTS, Scenario, Workload, type Profile } from '../src/config/schema.js';
import { loadProfile, loadWorkload } from '../src/config/load.js';
import { buildRunModel } from '../src/request/run-path.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { Simulation } from '../src/engine/simulation.js';
import { parseFeatureSet } from '../src/exits/features.js';
import { hardwareRoundTripCycles } from '../src/exits/cost.js';
import { table } from '../src/output/text.js';
import { singlePointSweep } from '../src/experiment/sweep-spec.js';
import { pointJobOf } from '../src/experiment/study.js';
import { resolveScenario } from '../src/request/scenario.js';
import { runPointJob } from '../src/experiment/job.js';
import { LiveRun } from '../src/experiment/live.js';
import { CALIBRATE_CASES, calibrateRun, type CalibrateRun } from './calibrate.js';
import { MIGRATION_MODES, SPLIT_CASES, migrationRun, splitRun, type MigrationBench, type SplitBench } from './migration.js';
import type { TrackingMode } from '../src/migration/tracking.js';
import { CAPACITY_CASE, capacityRun, estimateVsExact, projectedSpeedup, sweepProfile, type CapacityRun, type SweepProfile } from './time-to-answer.js';
// @ts-expect-error — the peer is plain JavaScript on purpose
import { bareLoop } from '../../bench/peers/bare-loop.mjs';

const SHIPPED = ['kernel-build', 'network-server', 'oltp-database', 'cpu-bound', 'idle-guest', 'windows-desktop', 'spinlock-job'];

interface Case {
  name: string;
  scenario: unknown;
  features: string;
  workloads?: Workload[];
  profile?: Profile;
  aggregate?: boolean;
}

interface Result {
  scenario: string;
  vcpus: number;
  features: string;
  mode: string;
  simulated_s: number;
  wall_s: number;
  guest_events: number;
  guest_events_per_wall_s: number;
  loop_events_per_wall_s: number;
  simulated_s_per_wall_s: number;
  peak_rss_mb: number;
  rss_mb_at: number[];
}

/** The simple-64 model of issue 7 in exitsim's terms: one exit kind of a fixed 1,500 cycles. */
function simple64(): Case {
  const profile = structuredClone(loadProfile('sapphire-rapids').profile);
  profile.stageCv.value = 0;
  profile.handlerCv.value = 0;
  const f = profile.frequencyGHz.value * 1e9;
  const handler = 1500 - hardwareRoundTripCycles(profile, DEFAULT_MSR_LISTS);
  const w = Workload.parse({
    name: 'simple-64', description: 'exponential gaps of mean 20,000 cycles, each event an exit of 1,500 cycles', sources: ['issue 7'],
    kind: 'closed', unitName: 'unit', cyclesPerUnit: 1e12,
    events: [{ kind: 'raw-exit', reason: 'VMCALL', handlerCycles: handler, nativeCycles: 0, perGuestSec: f / 20000, source: 'issue 7' }],
  });
  return {
    name: 'simple-64', features: 'none', workloads: [w], profile,
    scenario: { name: 'simple-64', host: { pcpus: 64, hostTickHz: 0 }, vms: [{ workload: 'simple-64', vcpus: 1, count: 64 }], durationSec: 2e9 / f },
  };
}

const datacenterVms = SHIPPED.map((w, i) => ({ workload: w, vcpus: 4, count: i < 6 ? 7 : 6 })); // 48 VMs × 4 vCPUs
const datacenter = (durationSec: number, aggregate = false): Case => ({
  name: `datacenter${durationSec > 1 ? ` ×${durationSec}` : ''}${aggregate ? ' (aggregate)' : ''}`,
  features: 'modern', aggregate,
  scenario: { name: 'datacenter', host: { pcpus: 64, scheduler: 'fair' }, vms: datacenterVms, durationSec },
});

const CASES: Case[] = [
  {
    name: 'tiny', features: 'modern',
    workloads: [Workload.parse({ name: 'tiny', description: 'one CPUID kind', sources: ['bench'], kind: 'closed', unitName: 'u', cyclesPerUnit: 1e6, events: [{ kind: 'cpuid', perGuestSec: 100000, nativeCycles: 0, source: 'bench' }] })],
    scenario: { name: 'tiny', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'tiny', vcpus: 1 }], durationSec: 20 },
  },
  simple64(),
  datacenter(1),
  // The same host on AMD: the SVM world switch and AVIC cost the loop nothing extra (issue 19).
  { name: 'datacenter (genoa)', features: 'modern', scenario: { name: 'datacenter', host: { pcpus: 64, scheduler: 'fair', profile: 'genoa' }, vms: datacenterVms, durationSec: 1 } },
  // And on arm64 (issue 34): WFE trapping and the IPI plan apart from device interrupts, same loop.
  { name: 'datacenter (graviton3)', features: 'modern', scenario: { name: 'datacenter', host: { pcpus: 64, scheduler: 'fair', profile: 'graviton3' }, vms: datacenterVms, durationSec: 1 } },
  // The same host's VMs as TDs and as nested guests: plans with no-transition steps (#VE, the TDX module, L1).
  { name: 'datacenter (tdx)', features: 'modern', scenario: { name: 'datacenter', host: { pcpus: 64, scheduler: 'fair' }, vms: datacenterVms, durationSec: 1, vmType: 'tdx' } },
  { name: 'datacenter (nested)', features: 'modern', scenario: { name: 'datacenter', host: { pcpus: 64, scheduler: 'fair' }, vms: datacenterVms, durationSec: 1, vmType: 'nested' } },
  { name: 'overcommit, no PLE', features: 'modern,-ple', scenario: { name: 'overcommit', host: { pcpus: 16, scheduler: 'fair' }, vms: [{ workload: 'spinlock-job', vcpus: 4, count: 16 }], durationSec: 0.5 } },
  { name: 'overcommit, PLE', features: 'modern', scenario: { name: 'overcommit', host: { pcpus: 16, scheduler: 'fair' }, vms: [{ workload: 'spinlock-job', vcpus: 4, count: 16 }], durationSec: 0.5 } },
  datacenter(10),
  datacenter(10, true),
];

function runCase(c: Case): Result {
  const scenario = Scenario.parse(c.scenario);
  const workloads = new Map<string, { workload: Workload; file: string }>(
    (c.workloads ?? []).map((w) => [w.name, { workload: w, file: w.name }]),
  );
  for (const vm of scenario.vms) if (!workloads.has(vm.workload)) workloads.set(vm.workload, loadWorkload(vm.workload));
  const profile = c.profile ?? loadProfile(scenario.host.profile).profile;
  const model = buildRunModel({ scenario, file: c.name, workloads, profile }, parseFeatureSet(c.features), { aggregate: c.aggregate });
  global.gc?.();
  const sim = new Simulation(model);
  const t0 = process.hrtime.bigint();
  sim.start();
  // Run in tenths to sample memory as simulated time grows.
  const rss: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let k = 1; k <= 10; k++) {
    sim.runUntil(Math.round((model.endCycles * k) / 10));
    const now = process.memoryUsage().rss;
    peak = Math.max(peak, now);
    rss.push(Number((now / 2 ** 20).toFixed(1)));
  }
  const raw = sim.finish();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const simSeconds = model.endCycles / model.frequencyHz;
  return {
    scenario: c.name,
    vcpus: scenario.vms.reduce((a, v) => a + v.vcpus * v.count, 0),
    features: c.features,
    mode: c.aggregate ? 'aggregate' : 'exact',
    simulated_s: Number(simSeconds.toPrecision(4)),
    wall_s: Number(wall.toFixed(3)),
    guest_events: raw.guestEvents,
    guest_events_per_wall_s: Math.round(raw.guestEvents / wall),
    loop_events_per_wall_s: Math.round(raw.heapEvents / wall),
    simulated_s_per_wall_s: Number((simSeconds / wall).toFixed(4)),
    peak_rss_mb: Number((peak / 2 ** 20).toFixed(1)),
    rss_mb_at: rss,
  };
}

// Each case runs in a process of its own, as a user's run does: code that
// one case made hot must not tax (or help) the next. `--case NAME` is that
// child; it prints its Result as JSON.
const caseArg = process.argv.indexOf('--case');
if (caseArg >= 0) {
  const name = process.argv[caseArg + 1];
  if (name.startsWith('aggregate:')) {
    // One shipped workload on its default host for 30 simulated seconds, exact then aggregated.
    const [, workload, features] = name.split(':');
    const r = resolveScenario(workload, { durationSec: 30, warmupSec: 0.1 });
    const row: Record<string, number> = {};
    for (const aggregate of [false, true]) {
      const model = buildRunModel(r, parseFeatureSet(features), { aggregate });
      const t0 = process.hrtime.bigint();
      const raw = new Simulation(model).run();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      row[aggregate ? 'aggregate_wall_s' : 'exact_wall_s'] = wall;
      row[aggregate ? 'aggregate_loop_events' : 'exact_loop_events'] = raw.heapEvents;
      if (!aggregate) row.guest_events = raw.guestEvents;
    }
    process.stdout.write(JSON.stringify(row) + '\n');
  } else if (name.startsWith('capacity:')) {
    process.stdout.write(JSON.stringify(await capacityRun(name === 'capacity:exact' ? 'exact' : 'multi-fidelity', 2)) + '\n');
  } else if (name === 'estimate') {
    process.stdout.write(JSON.stringify(estimateVsExact()) + '\n');
  } else if (name.startsWith('split:')) {
    const [, vcpus, mmu, eager] = name.split(':');
    process.stdout.write(JSON.stringify(splitRun(Number(vcpus), mmu as 'tdp' | 'legacy', eager === 'eager')) + '\n');
  } else if (name.startsWith('migrate:')) {
    process.stdout.write(JSON.stringify(migrationRun(name.slice('migrate:'.length) as TrackingMode)) + '\n');
  } else if (name.startsWith('calibrate:')) {
    process.stdout.write(JSON.stringify(calibrateRun(name.slice('calibrate:'.length))) + '\n');
  } else if (name.startsWith('sweep:')) {
    const [, workers, duration] = name.split(':');
    process.stdout.write(JSON.stringify(await sweepProfile(Number(workers), Number(duration))) + '\n');
  } else if (name === 'bare-loop') {
    const t0 = process.hrtime.bigint();
    const bare = bareLoop();
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ events: bare.events, wall_s: wall }) + '\n');
  } else {
    const c = CASES.find((k) => k.name === name);
    if (!c) throw new Error(`no bench case ${name}; cases: ${CASES.map((k) => k.name).join(', ')}`);
    process.stdout.write(JSON.stringify(runCase(c)) + '\n');
  }
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
function inChild<T>(name: string): T {
  const r = spawnSync(process.execPath, ['--expose-gc', self, '--case', name], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench case ${name} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

const results: Result[] = CASES.map((c) => {
  const r = inChild<Result>(c.name);
  process.stderr.write(`  ${c.name}: ${r.guest_events_per_wall_s.toLocaleString('en-US')} guest events/s\n`);
  return r;
});

// simple-64 against the bare loop of bench/peers/: alternately, three times
// each, medians compared — a busy machine slows both alike.
const simpleRates: number[] = [];
const bareRates: number[] = [];
let bareEvents = 0;
for (let k = 0; k < 3; k++) {
  simpleRates.push(k === 0 ? (results.find((r) => r.scenario === 'simple-64') as Result).guest_events_per_wall_s : inChild<Result>('simple-64').guest_events_per_wall_s);
  const b = inChild<{ events: number; wall_s: number }>('bare-loop');
  bareRates.push(b.events / b.wall_s);
  bareEvents = b.events;
}
const med3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
const bareRate = med3(bareRates);
const s64 = { guest_events_per_wall_s: Math.round(med3(simpleRates)) };
const ratio = s64.guest_events_per_wall_s / bareRate;

const fmt = (x: number) => x.toLocaleString('en-US');
process.stdout.write(
  table(
    ['scenario', 'vCPUs', 'features', 'mode', 'sim s', 'wall s', 'guest events', 'guest events/s', 'loop events/s', 'sim s / wall s', 'peak RSS MB'],
    results.map((r) => [r.scenario, r.vcpus, r.features, r.mode, r.simulated_s, r.wall_s, fmt(r.guest_events), fmt(r.guest_events_per_wall_s), fmt(r.loop_events_per_wall_s), r.simulated_s_per_wall_s, r.peak_rss_mb]),
  ) + '\n',
);
process.stdout.write(
  `\nsimple-64: exitsim ${fmt(s64.guest_events_per_wall_s)} events/s; bare typed-array loop (bench/peers/bare-loop.mjs) ${fmt(Math.round(bareRate))} events/s ` +
    `(${fmt(bareEvents)} events; medians of 3 alternating runs each): exitsim runs at ${(ratio * 100).toFixed(1)}% of the bare-loop limit\n`,
);
// Aggregated mode per shipped workload: what it buys depends on how many of a
// workload's events interact (locks, device timers, wall-clock timers and
// interrupts stay exact): the loop-event ratio is the most it could buy.
interface AggRow { guest_events: number; exact_wall_s: number; aggregate_wall_s: number; exact_loop_events: number; aggregate_loop_events: number }
const aggRows = SHIPPED.flatMap((w) => ['none', 'modern'].map((features) => ({ workload: w, features, ...inChild<AggRow>(`aggregate:${w}:${features}`) })));
process.stdout.write('\naggregated mode, each shipped workload on its default host, 30 simulated s:\n');
process.stdout.write(
  table(
    ['workload', 'features', 'guest events', 'exact wall s', 'aggregate wall s', 'speed-up', 'loop events exact', 'loop events aggregate', 'loop-event ratio'],
    aggRows.map((r) => [r.workload, r.features, fmt(r.guest_events), r.exact_wall_s.toFixed(3), r.aggregate_wall_s.toFixed(3), `${(r.exact_wall_s / r.aggregate_wall_s).toFixed(2)}x`, fmt(r.exact_loop_events), fmt(r.aggregate_loop_events), `${(r.exact_loop_events / r.aggregate_loop_events).toFixed(1)}x`]),
  ) + '\n',
);
const long = results.find((r) => r.scenario === 'datacenter ×10' && r.mode === 'exact') as Result;
const longAgg = results.find((r) => r.mode === 'aggregate') as Result;
process.stdout.write(`long (datacenter, 10 s simulated): RSS by tenth of the run ${long.rss_mb_at.join(', ')} MB; aggregated mode ${(long.wall_s / longAgg.wall_s).toFixed(2)}x faster (${longAgg.wall_s} s vs ${long.wall_s} s)\n`);

// Time to answer (issue 18): capacity with exact runs only vs the multi-fidelity search, the
// estimate vs an exact run, and sweep scaling per worker count with a per-job profile.
const capExact = inChild<CapacityRun>('capacity:exact');
const capMf = inChild<CapacityRun>('capacity:mf');
const capacity = {
  exact_only_wall_s: capExact.wall_s, multi_fidelity_wall_s: capMf.wall_s, speedup: capExact.wall_s / capMf.wall_s, same_answer: capExact.max === capMf.max,
  answer: capMf.max, exact_only_simulations: capExact.simulations, multi_fidelity_simulations: capMf.simulations, workers: 2,
  exact_only_evaluations: capExact.evaluations, multi_fidelity_evaluations: capMf.evaluations,
};
const c = CAPACITY_CASE;
process.stdout.write(
  `\ncapacity of ${c.pcpus} pCPUs (${c.scheduler}), VMs of ${c.workload} × ${c.vcpus} vCPUs, ${c.sla}, --max ${c.max}, ${c.replications} replications, ${c.durationSec} s simulated:\n` +
    `  exact runs only: ${capExact.wall_s.toFixed(2)} s (${capExact.simulations} simulations) → ${capExact.max}\n` +
    `  multi-fidelity (2 workers): ${capMf.wall_s.toFixed(2)} s (${capMf.simulations} simulations) → ${capMf.max}; speed-up ${capacity.speedup.toFixed(2)}x, same answer: ${capacity.same_answer}\n`,
);
// exitsim calibrate on the shipped published logs, cold: the time a user waits, and how far the fitted
// profile reproduces, predicts (held back) and predicts each fitted test without it (left out).
const calibrations = CALIBRATE_CASES.map((k) => inChild<CalibrateRun>(`calibrate:${k}`));
process.stdout.write(
  '\ncalibrate on the published logs of test/fixtures/kvm-unit-tests (cold, one process each):\n' +
    table(
      ['log', 'base', 'wall s', 'simulated tests', 'fitted', 'worst fitted-to error %', 'worst held-back error %', 'worst left-out error %'],
      calibrations.map((k) => [k.log, k.base, k.wall_s.toFixed(2), k.simulations, k.fitted, k.worst_reproduced_pct.toFixed(2), k.worst_held_back_pct === null ? '-' : k.worst_held_back_pct.toFixed(2), k.worst_left_out_pct.toFixed(2)]),
    ) + '\n',
);
// exitsim migrate on the issue's case (8 vCPUs, 24 GiB, 800 MB/s, 10 GbE), per tracking mode, cold.
const migrations = MIGRATION_MODES.map((m) => inChild<MigrationBench>(`migrate:${m}`));
const pctOf = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
process.stdout.write(
  '\nmigrate oltp-database, 8 vCPUs, 24 GiB, 800 MB/s dirtied, 10 GbE (cold, one process each):\n' +
    table(['tracking', 'wall s', 'migration s', 'set-up s', 'bulk round s', 'later rounds s', 'syncs s', 'downtime ms', 'rounds', 'guest efficiency before', 'during'], migrations.map((m) => [m.mode, m.wall_s.toFixed(2), m.total_time_s.toFixed(2), m.time_s.setup.toFixed(3), m.time_s.bulk_round.toFixed(2), m.time_s.later_rounds.toFixed(2), m.time_s.syncs.toFixed(3), m.downtime_ms.toFixed(1), m.rounds, pctOf(m.guest_efficiency_before), pctOf(m.guest_efficiency_during)])) + '\n',
);
// The first round on 1 GiB pages, split eagerly (set-up work) or lazily (the guest's faults, on the MMU lock).
const splits = SPLIT_CASES.map(([v, mmu, eager]) => inChild<SplitBench>(`split:${v}:${mmu}:${eager ? 'eager' : 'lazy'}`));
process.stdout.write(
  '\nfirst round of migrating cpu-bound, 1 GiB per vCPU on 1 GiB pages, its memory its working set (cold, one process each):\n' +
    table(['vCPUs', 'MMU', 'split', 'wall s', 'set-up s', 'guest before', 'first round', 'stall per vCPU s', 'lock wait cycles'], splits.map((x) => [x.vcpus, x.mmu, x.eager ? 'eager' : 'lazy', x.wall_s.toFixed(2), x.setup_s.toFixed(3), pctOf(x.efficiency_before), pctOf(x.first_round_efficiency), x.stall_s.toFixed(3), x.lock_wait_cycles])) + '\n',
);
const est = inChild<ReturnType<typeof estimateVsExact>>('estimate');
const estimate = { wall_s: est.wall_s, exact_wall_s: est.exact_wall_s, worst_error_pp: est.worst_error_pp, estimate_efficiency: est.estimate_efficiency, exact_efficiency: est.exact_efficiency };
process.stdout.write(`estimate of that host at 38 VMs: ${(est.wall_s * 1000).toFixed(1)} ms against ${est.exact_wall_s.toFixed(2)} s for one exact run of 1 simulated s (${(est.estimate_efficiency * 100).toFixed(2)}% vs ${(est.exact_efficiency * 100).toFixed(2)}%); worst error on the table of docs/estimate.md ${est.worst_error_pp.toFixed(2)} pp\n`);
// Sweep scaling: the bench sweep of 16 jobs (0.5 simulated s each, as before) and the same with 8×
// longer jobs, on 1 and 2 workers, each in a fresh process; the profile says where the time goes.
const sweepRows: SweepProfile[] = [];
for (const duration of [0.5, 4]) for (const workers of [1, 2]) sweepRows.push({ ...inChild<SweepProfile>(`sweep:${workers}:${duration}`), duration_s: duration } as SweepProfile & { duration_s: number });
const one = sweepRows[0];
const speedup = one.wall_s / sweepRows[1].wall_s;
const longSpeedup = sweepRows[2].wall_s / sweepRows[3].wall_s;
process.stdout.write(
  '\nsweep of 16 point jobs (kernel-build, none + modern + bare metal):\n' +
    table(
      ['sim s per job', 'workers', 'wall s', 'Σ job s', 'Σ loop s', 'outside loops s', 'slowest job s', 'median job s'],
      sweepRows.map((r) => [(r as SweepProfile & { duration_s: number }).duration_s, r.workers, r.wall_s.toFixed(2), r.job_s.toFixed(2), r.loop_s.toFixed(2), (r.job_s - r.loop_s).toFixed(2), r.first_job_s.toFixed(2), r.later_job_mean_s.toFixed(3)]),
    ) +
    `\nspeed-up on 2 workers: ${speedup.toFixed(2)}x (0.5 s jobs), ${longSpeedup.toFixed(2)}x (4 s jobs); projected from the 1-worker profile (serial main thread, one warm-up per worker): ` +
    [2, 4, 8, 16].map((w) => `${w} workers ${projectedSpeedup(one, w).toFixed(2)}x / ${projectedSpeedup(sweepRows[2], w).toFixed(2)}x`).join(', ') + '\n',
);
const sweepWall = { 1: one.wall_s, 2: sweepRows[1].wall_s };
// TUI overhead: the same runs plain, and as a live run publishing 10 frames a
// second (snapshot + summaries + the structured clone postMessage makes).
const live = resolveScenario('kernel-build', { durationSec: 2, warmupSec: 0.1 });
const liveJob = pointJobOf(singlePointSweep(live, [parseFeatureSet('none'), parseFeatureSet('modern')]), { key: 'p0000-r000', point: 0, replication: 0, seed: 1 });
const plainWall: number[] = [];
const liveWall: number[] = [];
for (let k = 0; k < 3; k++) {
  let l0 = process.hrtime.bigint();
  runPointJob(liveJob);
  plainWall.push(Number(process.hrtime.bigint() - l0) / 1e9);
  l0 = process.hrtime.bigint();
  await new LiveRun(liveJob, 0, 100, (frame) => void structuredClone(frame)).run();
  liveWall.push(Number(process.hrtime.bigint() - l0) / 1e9);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
const tuiOverhead = median(liveWall) / median(plainWall) - 1;
process.stdout.write(`live (TUI) run of kernel-build none+modern: ${median(plainWall).toFixed(2)} s plain, ${median(liveWall).toFixed(2)} s live at 10 frames/s: overhead ${(tuiOverhead * 100).toFixed(1)}%\n`);

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results.json');
const json = {
  node: process.version,
  results,
  simple64_vs_bare_loop: { exitsim_events_per_s: s64.guest_events_per_wall_s, bare_events_per_s: Math.round(bareRate), ratio, exitsim_runs: simpleRates, bare_runs: bareRates.map(Math.round) },
  aggregate_by_workload: aggRows,
  sweep: {
    jobs: one.jobs, wall_s_1_worker: sweepWall[1], wall_s_2_workers: sweepWall[2], speedup_2_workers: speedup, speedup_2_workers_long_jobs: longSpeedup,
    profile: sweepRows, projected_speedup: Object.fromEntries([2, 4, 8, 16].map((w) => [w, { short_jobs: projectedSpeedup(one, w), long_jobs: projectedSpeedup(sweepRows[2], w) }])),
  },
  capacity,
  estimate,
  calibrate: calibrations,
  migrate: migrations,
  migrate_first_round_1g: splits,
  tui: { plain_wall_s: median(plainWall), live_wall_s: median(liveWall), overhead: tuiOverhead },
};
writeFileAtomic(out, JSON.stringify(json, null, 2) + '\n');
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
