import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { InputError } from '../../src/config/errors.js';
import { validate, loadProfile, packageRoot, shippedWorkloadNames } from '../../src/config/load.js';
import { Profile, Scenario, Workload } from '../../src/config/schema.js';
import { estimateGuestEvents } from '../../src/model/build.js';
import { buildRunModel } from '../../src/request/run-path.js';
import { Simulation } from '../../src/engine/simulation.js';
import { parseFeatureSet, FeatureParseError } from '../../src/exits/features.js';
import { parseMeasurement } from '../../src/import/detect.js';
import { deriveWorkload } from '../../src/import/derive.js';
import { expandSweep, SweepFile } from '../../src/experiment/sweep-spec.js';
import { parseSla } from '../../src/experiment/capacity.js';
import { parseShard } from '../../src/experiment/study.js';
import { summarize } from '../../src/metrics/summarize.js';
import { N_CAT } from '../../src/exits/cost.js';

// Random and mutated inputs to every parser and validator: each is accepted and
// simulates without error (and without NaN), or refused with an InputError.
const root = packageRoot();
const profile = loadProfile('sapphire-rapids').profile;
const workloads = shippedWorkloadNames().map((n) => JSON.parse(fs.readFileSync(path.join(root, 'workloads', `${n}.json`), 'utf8')));

const oddValue = fc.oneof(
  fc.constantFrom(-1, 0, 1e308, -1e-9, 0.5, 1, 2, 1e6, 'x', '', null, true, [], {}, 'NaN', 'Infinity'),
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.string({ maxLength: 6 }),
);

function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const out: Array<Array<string | number>> = [prefix];
  for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

function mutate(base: unknown, pick: number, value: unknown, op: number): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  const ps = paths(copy).filter((p) => p.length > 0);
  const p = ps[pick % ps.length];
  let cur = copy as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = p[p.length - 1];
  if (op === 0) delete cur[last];
  else if (op === 1) cur[`${String(last)}x`] = value;
  else cur[last] = value;
  return copy;
}

function expectRefusal(err: unknown): void {
  if (!(err instanceof InputError || err instanceof FeatureParseError)) throw err;
  assert.ok(err.message.length > 10 && !/undefined/.test(err.message), err.message);
}

function noNaN(value: unknown, where = ''): void {
  if (typeof value === 'number') assert.ok(!Number.isNaN(value), `NaN at ${where}`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) noNaN(v, `${where}.${k}`);
}

/** Build, simulate 2 ms on a small host, summarize: no throw, no NaN, accounting adds up. */
function simulateBriefly(w: Workload): void {
  const vcpus = 2;
  const scenario = Scenario.parse({ name: 'prop', host: { pcpus: 2 }, vms: [{ workload: w.name, vcpus }], durationSec: 0.002, seed: 1 });
  const map = new Map([[w.name, { workload: w, file: 'prop.json' }]]);
  let model;
  try {
    model = buildRunModel({ scenario, file: 'prop', workloads: map, profile }, parseFeatureSet('modern'));
  } catch (err) {
    expectRefusal(err);
    return;
  }
  if (estimateGuestEvents(model) > 2e6) return; // the CLI refuses or warns about such runs before starting
  const raw = new Simulation(model).run();
  const native = new Simulation(buildRunModel({ scenario, file: 'prop', workloads: map, profile }, 0, { nativeMode: true })).run();
  for (let p = 0; p < raw.pcpus; p++) {
    let sum = 0;
    for (let c = 0; c < N_CAT; c++) sum += raw.pcpuCycles[p * N_CAT + c];
    assert.equal(sum, raw.windowCycles);
  }
  const s = summarize(raw, native, { runId: 'p', scenario: 'prop', profile: profile.name, features: 'modern', featuresCanonical: 'modern', seed: 1, durationSec: 0.002, warmupSec: 0, vmNames: [w.name], vmWorkloads: [w.name], vmVcpus: [vcpus] });
  noNaN(s);
}

test('mutated workloads: accepted and simulated without error or NaN, or refused with an InputError', () => {
  fc.assert(
    fc.property(fc.nat(workloads.length - 1), fc.nat(10_000), oddValue, fc.nat(4), (wi, pick, value, op) => {
      const data = mutate(workloads[wi], pick, value, op);
      let w: Workload;
      try {
        w = validate(Workload, data, 'mutated.json');
      } catch (err) {
        expectRefusal(err);
        return;
      }
      simulateBriefly(w);
    }),
    { numRuns: 250, seed: 42 },
  );
});

test('random scenarios and profiles: validated or refused, never a crash', () => {
  const scenarioBase = { name: 's', host: { pcpus: 4, profile: 'sapphire-rapids', scheduler: 'fair' }, vms: [{ workload: 'cpu-bound', vcpus: 2, count: 2 }], durationSec: 0.01 };
  fc.assert(
    fc.property(fc.nat(1000), oddValue, fc.nat(4), (pick, value, op) => {
      try {
        validate(Scenario, mutate(scenarioBase, pick, value, op), 'scenario.yaml');
      } catch (err) {
        expectRefusal(err);
      }
      try {
        validate(Profile, mutate(profile, pick, value, op), 'profile.json');
      } catch (err) {
        expectRefusal(err);
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('mutated measurement files: parsed into finite counts, or refused naming the line', () => {
  const dir = path.join(root, 'test', 'fixtures');
  const samples = [
    ...fs.readdirSync(path.join(dir, 'real-exits')).map((f) => path.join(dir, 'real-exits', f)),
    ...fs.readdirSync(path.join(dir, 'import')).filter((f) => f.endsWith('.txt')).map((f) => path.join(dir, 'import', f)),
  ].map((f) => fs.readFileSync(f, 'utf8').split('\n'));
  const lineMutation = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat(200) }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat(200) }),
    fc.record({ kind: fc.constant('digits' as const), at: fc.nat(200), digit: fc.nat(9) }),
    fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(200), text: fc.string({ maxLength: 40 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(200), keep: fc.nat(60) }),
  );
  fc.assert(
    fc.property(fc.nat(samples.length - 1), fc.array(lineMutation, { maxLength: 4 }), (si, muts) => {
      const lines = [...samples[si]];
      for (const m of muts) {
        const at = m.at % Math.max(1, lines.length);
        if (m.kind === 'drop') lines.splice(at, 1);
        else if (m.kind === 'dup') lines.splice(at, 0, lines[at] ?? '');
        else if (m.kind === 'digits') lines[at] = (lines[at] ?? '').replace(/\d/, String(m.digit));
        else if (m.kind === 'garbage') lines.splice(at, 0, m.text);
        else lines[at] = (lines[at] ?? '').slice(0, m.keep);
      }
      try {
        const meas = parseMeasurement(lines.join('\n'), 'mutated.txt');
        for (const e of meas.exits) assert.ok(Number.isFinite(e.count) && e.count >= 0);
        const d = deriveWorkload(meas, { name: 'm', features: parseFeatureSet('apicv'), profile: loadProfile('skylake-sp').profile, durationSec: 1, vcpus: 2, unobserved: 'zero' });
        noNaN(d.workload);
      } catch (err) {
        expectRefusal(err);
        if (err instanceof InputError) assert.match(err.message, /mutated\.txt/);
      }
    }),
    { numRuns: 300, seed: 3 },
  );
});

test('random sweep files: expanded or refused', () => {
  const base = { name: 'p', base: 'cpu-bound', parameters: [{ path: 'host.pcpus', values: [1, 2] }], featureSets: ['modern'], replications: 1 };
  fc.assert(
    fc.property(fc.nat(1000), oddValue, fc.nat(4), (pick, value, op) => {
      try {
        expandSweep(validate(SweepFile, mutate(base, pick, value, op), 'sweep.yaml'), 'sweep.yaml');
      } catch (err) {
        expectRefusal(err);
      }
    }),
    { numRuns: 150, seed: 11 },
  );
});

test('random flag values: parsed or refused', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (text) => {
      for (const parse of [parseFeatureSet, parseSla, parseShard] as Array<(t: string) => unknown>) {
        try {
          parse(text);
        } catch (err) {
          expectRefusal(err);
        }
      }
    }),
    { numRuns: 500, seed: 5 },
  );
});

test('random workloads, features and hosts: the timer shortcuts give byte-identical results to one timer event per happening', () => {
  const kinds = ['page-fault', 'first-touch', 'cr3-write', 'invlpg', 'msr-read', 'msr-write', 'cpuid', 'rdtsc', 'tpr-write', 'timer-program', 'ipi-send', 'io'] as const;
  const event = fc.record({
    kind: fc.constantFrom(...kinds),
    perUnit: fc.double({ min: 0.5, max: 300, noNaN: true }),
    distribution: fc.constantFrom('exponential', 'exponential', 'constant', 'lognormal', 'empirical'),
    nativeCycles: fc.constantFrom(0, 50, 300, 2000),
    msr: fc.constantFrom('IA32_TSC_DEADLINE', 'IA32_FS_BASE', 'IA32_SPEC_CTRL'),
  });
  const shape = fc.record({
    events: fc.array(event, { minLength: 1, maxLength: 6 }),
    open: fc.boolean(),
    lock: fc.boolean(),
    vcpus: fc.integer({ min: 1, max: 4 }),
    vms: fc.integer({ min: 1, max: 3 }),
    pcpus: fc.integer({ min: 1, max: 4 }),
    scheduler: fc.constantFrom('round-robin', 'fair'),
    features: fc.constantFrom('none', 'nehalem', 'apicv', 'modern', 'modern,-ple'),
    seed: fc.integer({ min: 1, max: 1000 }),
  });
  fc.assert(
    fc.property(shape, (s) => {
      const w = Workload.parse({
        name: 'shortcut', description: 'random', sources: ['test'], kind: s.open ? 'open' : 'closed', unitName: 'u',
        cyclesPerUnit: 200_000, cyclesPerUnitCv: 0.3, ...(s.open ? { arrivalsPerSec: 4000 } : {}),
        tlb: { missesPerUnit: 50, pageSize: '4K', pageWalkCacheHitRate: 0.9, refillCyclesAfterFlush: 1000, source: 'test' },
        ...(s.lock ? { spinlock: { acquiresPerUnit: 20, holdCycles: 3000, source: 'test' } } : {}),
        devices: [{ name: 'disk', kind: 'virtio', bus: 'mmio', completionLatencyUs: 20, source: 'test' }],
        events: [
          ...s.events.map(({ msr, ...e }) => ({
            ...e, source: 'test',
            ...(e.kind === 'msr-read' || e.kind === 'msr-write' ? { msr } : {}),
            ...(e.kind === 'io' ? { device: 'disk' } : {}),
            ...(e.distribution === 'lognormal' ? { cv: 0.7 } : {}),
            ...(e.distribution === 'empirical' ? { empiricalGaps: [0.2, 1, 3] } : {}),
          })),
          { kind: 'timer', perWallSec: 250, distribution: 'constant', source: 'test' },
        ],
      });
      const scenario = Scenario.parse({ name: 'shortcuts', host: { pcpus: s.pcpus, scheduler: s.scheduler }, vms: [{ workload: 'shortcut', vcpus: s.vcpus, count: s.vms }], durationSec: 0.01, warmupSec: 0.002, seed: s.seed });
      const model = () => buildRunModel({ scenario, file: 'prop', workloads: new Map([['shortcut', { workload: w, file: 'prop.json' }]]), profile }, parseFeatureSet(s.features));
      const { heapEvents: _a, ...fast } = new Simulation(model()).run();
      const { heapEvents: _b, ...reference } = new Simulation(model(), { timerShortcuts: false }).run();
      assert.deepEqual(fast, reference);
    }),
    { numRuns: 60, seed: 7 },
  );
});
