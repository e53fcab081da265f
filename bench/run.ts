// npm run bench: simulated guest events per wall second (SPEC §10's count),
// simulated seconds per wall second and peak RSS, for fixed scenarios. Prints a
// table and writes bench/results.json. Figures, not assertions.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scenario } from '../src/config/schema.js';
import { loadProfile, loadWorkload } from '../src/config/load.js';
import { buildModel } from '../src/model/build.js';
import { Simulation } from '../src/engine/simulation.js';
import { parseFeatureSet } from '../src/exits/features.js';
import { table } from '../src/output/text.js';
import { expandSweep } from '../src/experiment/sweep-spec.js';
import { pointJobOf, runStudy } from '../src/experiment/study.js';
import { singlePointSweep } from '../src/experiment/sweep-spec.js';
import { resolveScenario } from '../src/experiment/scenario.js';
import { runPointJob } from '../src/experiment/job.js';
import { LiveRun } from '../src/experiment/live.js';

interface Case {
  name: string;
  scenario: unknown;
  features: string;
}

const MIXED_64 = [
  { workload: 'network-server', vcpus: 4, count: 4 },
  { workload: 'oltp-database', vcpus: 4, count: 4 },
  { workload: 'kernel-build', vcpus: 4, count: 4 },
  { workload: 'spinlock-job', vcpus: 4, count: 4 },
];

const CASES: Case[] = [
  {
    name: 'tiny (1 pinned vCPU, cpu-bound)',
    scenario: { name: 'tiny', host: { pcpus: 1 }, vms: [{ workload: 'cpu-bound', vcpus: 1 }], durationSec: 20 },
    features: 'modern',
  },
  {
    name: 'kernel-build 64 pinned vCPUs',
    scenario: { name: 'kb64', host: { pcpus: 64 }, vms: [{ workload: 'kernel-build', vcpus: 4, count: 16 }], durationSec: 1 },
    features: 'modern',
  },
  {
    name: 'mixed 64 vCPUs on 32 pCPUs, fair',
    scenario: {
      name: 'mixed64',
      host: { pcpus: 32, scheduler: 'fair' },
      vms: MIXED_64,
      durationSec: 0.5,
    },
    features: 'modern',
  },
  {
    name: 'mixed 64 vCPUs on 32 pCPUs, none',
    scenario: {
      name: 'mixed64none',
      host: { pcpus: 32, scheduler: 'fair' },
      vms: MIXED_64,
      durationSec: 0.5,
    },
    features: 'none',
  },
];

const rows: Array<Array<string | number>> = [];
const results: Array<Record<string, unknown>> = [];
let peakRss = process.memoryUsage().rss;
for (const c of CASES) {
  const scenario = Scenario.parse(c.scenario);
  const workloads = new Map(scenario.vms.map((v) => [v.workload, loadWorkload(v.workload)]));
  const profile = loadProfile(scenario.host.profile).profile;
  const model = buildModel({ scenario, scenarioFile: c.name, workloads, profile, features: parseFeatureSet(c.features), nativeMode: false });
  const sim = new Simulation(model);
  const t0 = process.hrtime.bigint();
  // Run in slices to sample RSS while it runs.
  sim.start();
  const slice = Math.ceil(model.endCycles / 20);
  for (let t = slice; t < model.endCycles + slice; t += slice) {
    sim.runUntil(t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const raw = sim.finish();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const simSeconds = model.endCycles / model.frequencyHz;
  const vcpus = scenario.vms.reduce((a, v) => a + v.vcpus * v.count, 0);
  const r = {
    scenario: c.name,
    vcpus,
    features: c.features,
    simulated_s: simSeconds,
    wall_s: Number(wall.toFixed(3)),
    guest_events: raw.guestEvents,
    guest_events_per_wall_s: Math.round(raw.guestEvents / wall),
    heap_events_per_wall_s: Math.round(raw.heapEvents / wall),
    simulated_s_per_wall_s: Number((simSeconds / wall).toFixed(4)),
    peak_rss_mb: Number((peakRss / 2 ** 20).toFixed(1)),
  };
  results.push(r);
  rows.push([r.scenario, r.vcpus, r.features, r.simulated_s, r.wall_s, r.guest_events.toLocaleString('en-US'), r.guest_events_per_wall_s.toLocaleString('en-US'), r.heap_events_per_wall_s.toLocaleString('en-US'), r.simulated_s_per_wall_s, r.peak_rss_mb]);
}
process.stdout.write(
  table(['scenario', 'vCPUs', 'features', 'sim s', 'wall s', 'guest events', 'guest events/s', 'loop events/s', 'sim s / wall s', 'peak RSS MB'], rows) + '\n',
);
// Sweep scaling: the same study on 1 and on 2 worker threads (the CSV is identical; only wall time differs).
const sweep = expandSweep(
  {
    name: 'bench-sweep',
    base: { name: 'bench-sweep', host: { pcpus: 4 }, vms: [{ workload: 'kernel-build', vcpus: 2, count: 2 }], durationSec: 0.5 },
    parameters: [{ path: 'seed', values: [1, 101, 201, 301, 401, 501, 601, 701] }],
    featureSets: ['none', 'modern'],
    replications: 2,
  },
  'bench',
);
const sweepWall: Record<number, number> = {};
for (const workers of [1, 2]) {
  const t0 = process.hrtime.bigint();
  await runStudy(sweep, { workers, replications: 2 });
  sweepWall[workers] = Number(process.hrtime.bigint() - t0) / 1e9;
}
const speedup = sweepWall[1] / sweepWall[2];
process.stdout.write(`\nsweep of ${sweep.points.length * 2} jobs: ${sweepWall[1].toFixed(2)} s on 1 worker, ${sweepWall[2].toFixed(2)} s on 2 workers: speed-up ${speedup.toFixed(2)}x\n`);

// TUI overhead: the same runs plain, and as a live run publishing 10 frames a
// second (snapshot + summaries + the structured clone postMessage makes).
const live = resolveScenario('kernel-build', { durationSec: 2, warmupSec: 0.1 });
const liveJob = pointJobOf(singlePointSweep(live, [parseFeatureSet('none'), parseFeatureSet('modern')]), { key: 'p0000-r000', point: 0, replication: 0, seed: 1 });
const plainWall: number[] = [];
const liveWall: number[] = [];
let frames = 0;
for (let k = 0; k < 3; k++) {
  let t0 = process.hrtime.bigint();
  runPointJob(liveJob);
  plainWall.push(Number(process.hrtime.bigint() - t0) / 1e9);
  t0 = process.hrtime.bigint();
  await new LiveRun(liveJob, 0, 100, (f) => {
    structuredClone(f);
    frames++;
  }).run();
  liveWall.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
const tuiOverhead = median(liveWall) / median(plainWall) - 1;
process.stdout.write(`live (TUI) run of kernel-build none+modern: ${median(plainWall).toFixed(2)} s plain, ${median(liveWall).toFixed(2)} s live at 10 frames/s (${Math.round(frames / 3)} frames): overhead ${(tuiOverhead * 100).toFixed(1)}%\n`);

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results.json');
fs.writeFileSync(out + '.tmp', JSON.stringify({ node: process.version, results, sweep: { jobs: sweep.points.length * 2, wall_s_1_worker: sweepWall[1], wall_s_2_workers: sweepWall[2], speedup_2_workers: speedup }, tui: { plain_wall_s: median(plainWall), live_wall_s: median(liveWall), overhead: tuiOverhead } }, null, 2) + '\n');
fs.renameSync(out + '.tmp', out);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
