// A/B speed of two builds of the engine (e.g. before and after a refactor):
//   node bench/ab.mjs DIST_A DIST_B [rounds]        (AB_ONLY=text: only scenarios whose name has it)
// Each DIST is a built tree: the folder holding src/ after `npm run build` (e.g. dist), inside a
// checkout (its profiles/ and workloads/ beside). Both builds are loaded into one process and run
// the same scenarios alternately (A B, B A, A B, …, after a warm-up run each), so the machine's
// drift hits both alike; prints the median and minimum wall time of each and B's change in %.
// Figures only: no assertion (speed is not a test). It calls buildModel directly, so it works on
// builds from before the run path existed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [distA, distB, roundsArg] = process.argv.slice(2);
if (!distA || !distB) {
  console.error('usage: node bench/ab.mjs DIST_A DIST_B [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 15);

const CASES = [
  { name: 'kernel-build none', workload: 'kernel-build', features: 'none', o: { durationSec: 6 } },
  { name: 'kernel-build modern', workload: 'kernel-build', features: 'modern', o: { durationSec: 10 } },
  { name: 'network-server apicv', workload: 'network-server', features: 'apicv', o: { durationSec: 3 } },
  { name: 'oltp-database nehalem', workload: 'oltp-database', features: 'nehalem', o: { durationSec: 4 } },
  { name: 'idle-guest modern', workload: 'idle-guest', features: 'modern', o: { durationSec: 20 } },
  { name: 'spinlock-job nehalem rr 2p', workload: 'spinlock-job', features: 'nehalem', o: { durationSec: 3, pcpus: 2, scheduler: 'round-robin' } },
  { name: 'windows-desktop none fair 2p', workload: 'windows-desktop', features: 'none', o: { durationSec: 4, pcpus: 2, scheduler: 'fair' } },
  { name: 'windows-desktop none aggregate', workload: 'windows-desktop', features: 'none', o: { durationSec: 20 }, aggregate: true },
  // npm run bench's simple-64: 64 pinned vCPUs, one exit kind of a fixed 1,500 cycles.
  { name: 'simple-64', simple64: true, features: 'none' },
  // npm run bench's data centre: 64 pCPUs (fair), 48 VMs × 4 vCPUs of the shipped workloads.
  { name: 'datacenter 64p 192v fair', scenario: datacenter(0.5), features: 'modern' },
];

function datacenter(durationSec) {
  const shipped = ['kernel-build', 'network-server', 'oltp-database', 'cpu-bound', 'idle-guest', 'windows-desktop', 'spinlock-job'];
  const file = path.join(os.tmpdir(), `exitsim-ab-datacenter-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ name: 'datacenter', host: { pcpus: 64, scheduler: 'fair' }, vms: shipped.map((w, i) => ({ workload: w, vcpus: 4, count: i < 6 ? 7 : 6 })), durationSec }));
  process.on('exit', () => fs.rmSync(file, { force: true }));
  return file;
}

async function engine(dist) {
  const load = (p) => import(pathToFileURL(path.resolve(dist, p)).href);
  // (The scenario resolver moved from experiment/ to request/ in issue 29: either build loads.)
  const scenarioModule = fs.existsSync(path.resolve(dist, 'src/request/scenario.js')) ? 'src/request/scenario.js' : 'src/experiment/scenario.js';
  const [{ resolveScenario }, { buildModel }, { Simulation }, { parseFeatureSet }, schema, { loadProfile }, { hardwareRoundTripCycles }] = await Promise.all([
    load(scenarioModule),
    load('src/model/build.js'),
    load('src/engine/simulation.js'),
    load('src/exits/features.js'),
    load('src/config/schema.js'),
    load('src/config/load.js'),
    load('src/exits/cost.js'),
  ]);
  const simple64 = () => {
    const profile = structuredClone(loadProfile('sapphire-rapids').profile);
    profile.stageCv.value = 0;
    profile.handlerCv.value = 0;
    const f = profile.frequencyGHz.value * 1e9;
    const handler = 1500 - hardwareRoundTripCycles(profile, schema.DEFAULT_MSR_LISTS);
    const workload = schema.Workload.parse({
      name: 'simple-64', description: 'bench', sources: ['issue 7'], kind: 'closed', unitName: 'unit', cyclesPerUnit: 1e12,
      events: [{ kind: 'raw-exit', reason: 'VMCALL', handlerCycles: handler, nativeCycles: 0, perGuestSec: f / 20000, source: 'issue 7' }],
    });
    const scenario = schema.Scenario.parse({ name: 'simple-64', host: { pcpus: 64, hostTickHz: 0 }, vms: [{ workload: 'simple-64', vcpus: 1, count: 64 }], durationSec: 2e9 / f });
    return { scenario, file: 'simple-64', workloads: new Map([['simple-64', { workload, file: 'simple-64' }]]), profile };
  };
  return (c) => {
    const r = c.simple64 ? simple64() : resolveScenario(c.scenario ?? c.workload, c.o ?? {});
    const f = r.profile.frequencyGHz.value * 1e9;
    const model = buildModel({ scenario: r.scenario, scenarioFile: r.file, workloads: r.workloads, profile: r.profile, features: parseFeatureSet(c.features), nativeMode: false, aggregateBatchCycles: c.aggregate ? Math.round(f * 0.01) : 0 });
    const t0 = process.hrtime.bigint();
    const raw = new Simulation(model).run();
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, events: raw.guestEvents };
  };
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const A = await engine(distA);
const B = await engine(distB);
console.log(`A = ${distA}\nB = ${distB}\n${rounds} alternating rounds per scenario; wall seconds\n`);
console.log('scenario                         A median  B median  B vs A   A min   B min  B vs A   events/s (B)');
// AB_ONLY=text keeps the scenarios whose name contains it.
for (const c of CASES.filter((x) => !process.env.AB_ONLY || x.name.includes(process.env.AB_ONLY))) {
  A(c); // warm-up
  B(c);
  const ta = [];
  const tb = [];
  let events = 0;
  for (let k = 0; k < rounds; k++) {
    const order = k % 2 === 0 ? [A, B] : [B, A];
    for (const run of order) {
      const r = run(c);
      (run === A ? ta : tb).push(r.seconds);
      if (run === B) events = r.events;
    }
  }
  const [ma, mb, na, nb] = [median(ta), median(tb), sorted(ta)[0], sorted(tb)[0]];
  const pct = (b, a) => `${(((b - a) / a) * 100).toFixed(1)}%`.padStart(7);
  console.log(`${c.name.padEnd(31)} ${ma.toFixed(3).padStart(8)}  ${mb.toFixed(3).padStart(8)}  ${pct(mb, ma)}  ${na.toFixed(3)}  ${nb.toFixed(3)} ${pct(nb, na)}   ${(events / mb / 1e6).toFixed(2)} M`);
}
