// A/B speed of two builds of the engine (e.g. before and after a refactor):
//   node bench/ab.mjs DIST_A DIST_B [rounds]
// Each run is a fresh process (a warm-up run, then the timed one). Each DIST is a built tree (the folder holding src/ after `npm run build`, e.g. dist).
// Runs the same scenarios alternately A, B, A, B… and prints the median wall time
// of each and B's change in %. Figures only: no assertion (speed is not a test).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';


async function engine(dist) {
  const load = (p) => import(pathToFileURL(path.resolve(dist, p)).href);
  const [{ resolveScenario }, { buildModel }, { Simulation }, { parseFeatureSet }] = await Promise.all([
    load('src/experiment/scenario.js'),
    load('src/model/build.js'),
    load('src/engine/simulation.js'),
    load('src/exits/features.js'),
  ]);
  return { resolveScenario, buildModel, Simulation, parseFeatureSet };
}

const CASES = [
  { name: 'kernel-build none', workload: 'kernel-build', features: 'none', o: { durationSec: 8 } },
  { name: 'kernel-build modern', workload: 'kernel-build', features: 'modern', o: { durationSec: 8 } },
  { name: 'network-server apicv', workload: 'network-server', features: 'apicv', o: { durationSec: 4 } },
  { name: 'oltp-database nehalem', workload: 'oltp-database', features: 'nehalem', o: { durationSec: 4 } },
  { name: 'spinlock-job nehalem rr 2p', workload: 'spinlock-job', features: 'nehalem', o: { durationSec: 4, pcpus: 2, scheduler: 'round-robin' } },
  { name: 'windows-desktop none fair 2p', workload: 'windows-desktop', features: 'none', o: { durationSec: 4, pcpus: 2, scheduler: 'fair' } },
  { name: 'windows-desktop none aggregate', workload: 'windows-desktop', features: 'none', o: { durationSec: 20 }, aggregate: true },
];

function runOnce(e, c) {
  const r = e.resolveScenario(c.workload, c.o);
  const f = r.profile.frequencyGHz.value * 1e9;
  const model = e.buildModel({ scenario: r.scenario, scenarioFile: r.file, workloads: r.workloads, profile: r.profile, features: e.parseFeatureSet(c.features), nativeMode: false, aggregateBatchCycles: c.aggregate ? Math.round(f * 0.01) : 0 });
  const t0 = process.hrtime.bigint();
  const raw = new e.Simulation(model).run();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, events: raw.guestEvents };
}

const [distA, distB, roundsArg] = process.argv.slice(2);
if (distA === '--one') {
  // Child: one warm-up run, then the timed one, in a fresh process (no JIT or GC state shared with the other build).
  const e = await engine(distB);
  const c = CASES[Number(roundsArg)];
  runOnce(e, c);
  const r = runOnce(e, c);
  console.log(JSON.stringify(r));
  process.exit(0);
}
if (!distA || !distB) {
  console.error('usage: node bench/ab.mjs DIST_A DIST_B [rounds]');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rounds = Number(roundsArg ?? 7);
const self = fileURLToPath(import.meta.url);
function timed(dist, i) {
  const r = spawnSync(process.execPath, [self, '--one', dist, String(i)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
console.log(`A = ${distA}\nB = ${distB}\n${rounds} alternating rounds per scenario, median wall seconds\n`);
console.log('scenario                          A (s)    B (s)   B vs A   events/s (B)');
for (const [i, c] of CASES.entries()) {
  const ta = [];
  const tb = [];
  let events = 0;
  for (let k = 0; k < rounds; k++) {
    ta.push(timed(distA, i).seconds);
    const b = timed(distB, i);
    tb.push(b.seconds);
    events = b.events;
  }
  const ma = median(ta);
  const mb = median(tb);
  console.log(`${c.name.padEnd(32)} ${ma.toFixed(3).padStart(6)}   ${mb.toFixed(3).padStart(6)}   ${(((mb - ma) / ma) * 100).toFixed(1).padStart(5)}%   ${(events / mb / 1e6).toFixed(2)} M`);
}
