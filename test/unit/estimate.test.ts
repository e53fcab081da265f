// The analytic estimate (src/estimate/): closed forms it must reproduce exactly,
// directions it must get right, agreement with the exact engine within the band
// it quotes, and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { profile, simulate, workload } from '../helpers.js';
import { specOf, type InlineCase } from '../../src/experiment/inline.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { estimateRun } from '../../src/estimate/analytic.js';
import { erlangC, mg1Wait, coalescedRate } from '../../src/estimate/queueing.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';
import { ERROR_BANDS } from '../../src/estimate/error-bands.js';
import { quotedBand } from '../../src/estimate/band.js';
import { resolveScenario } from '../../src/request/scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
const estimateOf = (c: InlineCase) => estimateRun(specOf(c), parseFeatureSet(c.features));

function oneKind(ratePerGuestSec: number, pcpus = 1, vcpus = 1, scheduler: 'pinned' | 'fair' = 'pinned', hostTickHz = 0): InlineCase {
  return {
    scenario: { name: 'analytic', host: { pcpus, hostTickHz, scheduler }, vms: [{ workload: 'analytic', vcpus }], durationSec: 0.5 },
    workloads: [workload({ name: 'analytic', description: 'one CPUID kind', sources: ['test'], kind: 'closed', unitName: 'unit', cyclesPerUnit: 1_000_000, events: [{ kind: 'cpuid', perGuestSec: ratePerGuestSec, nativeCycles: 0, source: 'test' }] })],
    profile: profile('sapphire-rapids'),
    features: 'modern',
  };
}

test('one event kind at a known rate and cost: the estimate is the closed form 1/(1+λc/f) (SPEC §10)', () => {
  const c = oneKind(200_000);
  const p = c.profile;
  const cost = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'cpuid', 'kernel'));
  const f = p.frequencyGHz.value * 1e9;
  const e = estimateOf(c);
  assert.ok(Math.abs((e.total.efficiency as number) - 1 / (1 + (200_000 * cost) / f)) < 2e-6, `${e.total.efficiency} vs ${1 / (1 + (200_000 * cost) / f)}`);
  // Throughput: one vCPU, units of 1 M cycles plus λ·c per guest second of exits.
  assert.ok(Math.abs(e.total.native_throughput_units_per_s - f / 1_000_000) < 1e-3);
});

test('the estimate of the analytic case is within 0.1% of the exact engine', () => {
  const c = oneKind(100_000);
  const exact = simulate(c).total.efficiency as number;
  const est = estimateOf(c).total.efficiency as number;
  assert.ok(Math.abs(est - exact) / exact < 1e-3, `estimate ${est} vs exact ${exact}`);
});

test('time sharing: two busy vCPUs on one pCPU halve each one\'s throughput and cost switches; more exits cost more', () => {
  const dedicated = estimateOf(oneKind(50_000, 2, 2, 'fair', 250));
  const shared = estimateOf(oneKind(50_000, 1, 2, 'fair', 250));
  assert.ok(shared.total.throughput_units_per_s < 0.51 * dedicated.total.throughput_units_per_s);
  assert.ok((shared.total.efficiency as number) < (dedicated.total.efficiency as number), 'switches between vCPUs cost cycles');
  assert.ok(shared.vms[0].terms.host > dedicated.vms[0].terms.host);
  assert.ok((estimateOf(oneKind(100_000)).total.efficiency as number) < (estimateOf(oneKind(50_000)).total.efficiency as number));
});

test('queueing formulas: Erlang C, Pollaczek–Khinchine and the dead-time counter at known points', () => {
  assert.ok(Math.abs(erlangC(1, 0.5) - 0.5) < 1e-12, 'M/M/1: P(wait) = ρ');
  assert.ok(Math.abs(erlangC(2, 1) - 1 / 3) < 1e-12, 'M/M/2 at a = 1: 1/3');
  assert.equal(erlangC(2, 2), 1);
  assert.ok(Math.abs(mg1Wait(0.5, 1, 1) - 1) < 1e-12, 'M/M/1 at ρ = 0.5: Wq = 1');
  assert.ok(Math.abs(mg1Wait(0.5, 1, 0) - 0.5) < 1e-12, 'M/D/1 waits half as long');
  assert.equal(mg1Wait(1, 1, 0), Infinity);
  assert.ok(Math.abs(coalescedRate(1, 1) - 0.5) < 1e-12);
});

test('the estimate agrees with the exact engine within the band it quotes (a dedicated and an overcommitted case)', () => {
  for (const [wl, o] of [['kernel-build', { pcpus: 4, vms: 2, vcpus: 2, scheduler: 'pinned' as const }], ['network-server', { pcpus: 4, vms: 4, vcpus: 2, scheduler: 'fair' as const }]] as const) {
    const r = resolveScenario(wl, { ...o, durationSec: 0.3, warmupSec: 0.03 });
    const features = parseFeatureSet('modern');
    const est = estimateRun(r, features).total.efficiency as number;
    const r2 = spawnSync(process.execPath, [bin, 'run', wl, '--pcpus', '4', '--vms', String(o.vms), '--vcpus', String(o.vcpus), '--scheduler', o.scheduler, '--duration', '0.3', '--warmup', '0.03', '--features', 'modern', '--json'], { cwd: root, encoding: 'utf8' });
    assert.equal(r2.status, 0, r2.stderr);
    const exact = JSON.parse(r2.stdout).total.efficiency as number;
    const band = quotedBand(r);
    assert.ok(Math.abs(est - exact) * 100 <= band.pp, `${wl}: estimate ${est} vs exact ${exact}, band ±${band.pp} pp`);
  }
});

test('the bands cover every class of docs/estimate.md, and the doc shows the same worst errors', () => {
  assert.equal(ERROR_BANDS.length, 8, 'three kinds and mixed, each dedicated and overcommitted');
  const doc = fs.readFileSync(path.join(root, 'docs', 'estimate.md'), 'utf8');
  for (const b of ERROR_BANDS) assert.ok(doc.includes(`| ${b.cases} | ${b.worstErrorPp.toFixed(2)} |`), `${b.kind}/${b.regime} in the doc`);
});

test('exitsim estimate --json: total.efficiency and throughput as run --json has them, the band, labelled an estimate', () => {
  const r = exitsim('estimate', 'kernel-build', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.estimate, true);
  assert.ok(j.total.efficiency > 0.5 && j.total.efficiency < 1);
  assert.ok(j.total.throughput_units_per_s > 0);
  assert.ok(j.band.efficiency_pp >= 0.5);
  assert.ok(j.band.vm_efficiency_pp >= j.band.efficiency_pp, 'one VM is never estimated better than the total');
  assert.match(j.band.class, /closed, dedicated/);
  const text = exitsim('estimate', 'network-server', '--vms', '6', '--pcpus', '4', '--scheduler', 'fair', '--features', 'none', '--features', 'modern');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^ESTIMATE \(analytic, [\d.]+ ms; not a simulation\)/);
  assert.match(text.stdout, /error band ±[\d.]+ pp of the total efficiency, ±[\d.]+ pp of one VM's: open, overcommitted/);
  assert.equal((text.stdout.match(/^ESTIMATE/gm) ?? []).length, 2, 'one block per feature set');
});

test('exitsim estimate refuses what it cannot use and bad input, in one line, exit 2', () => {
  for (const args of [['estimate', 'no-such-workload'], ['estimate', 'kernel-build', '--replications', '3'], ['estimate', 'kernel-build', '--features', 'warp-drive'], ['estimate', 'kernel-build', '--vcpus', '0']]) {
    const r = exitsim(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('the run-cost estimate follows the events a run really draws: an idle or imported guest is not priced as if always busy', async () => {
  const { resolveScenario } = await import('../../src/request/scenario.js');
  const { buildRunModel } = await import('../../src/request/run-path.js');
  const { estimateGuestEvents } = await import('../../src/model/build.js');
  const { parseFeatureSet } = await import('../../src/exits/features.js');
  const { runPointJob } = await import('../../src/experiment/job.js');
  const { deriveWorkload } = await import('../../src/import/derive.js');
  const { readMeasurement } = await import('../../src/import/detect.js');
  const { loadProfile } = await import('../../src/config/load.js');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/import');
  const imported = deriveWorkload(readMeasurement(path.join(fixtures, 'perf-shadow-boot.txt')), { name: 'boot', features: parseFeatureSet('nehalem,-ept'), profile: loadProfile('nehalem').profile, durationSec: 10, vcpus: 2, unobserved: 'zero' }).workload;
  const cases: Array<[ReturnType<typeof resolveScenario>, string]> = [
    [resolveScenario('idle-guest', { durationSec: 2 }), 'modern'],
    [resolveScenario('network-server', { durationSec: 0.3 }), 'modern'],
    [resolveScenario('kernel-build', { durationSec: 0.3 }), 'none'],
    [
      { ...resolveScenario('cpu-bound', { durationSec: 1 }), workloads: new Map([['boot', { workload: imported, file: 'boot.json' }]]), scenario: { ...resolveScenario('cpu-bound', { durationSec: 1 }).scenario, host: { ...resolveScenario('cpu-bound').scenario.host, profile: 'nehalem', pcpus: 2 }, vms: [{ workload: 'boot', vcpus: 2, count: 1 }] }, profile: loadProfile('nehalem').profile },
      'nehalem,-ept',
    ],
  ];
  for (const [r, fs] of cases) {
    const f = parseFeatureSet(fs);
    const estimated = estimateGuestEvents(buildRunModel(r, f));
    const drawn = runPointJob({ runIdPrefix: 'cost', spec: { scenario: r.scenario, file: r.file, workloads: r.workloads, profile: r.profile }, featureSets: [f] }).guestEvents;
    // An upper bound, but within a small factor (it was 100–400× for idle and imported guests).
    assert.ok(estimated >= 0.9 * drawn / 2 && estimated <= 25 * drawn, `${r.scenario.vms[0].workload}: estimated ${estimated.toExponential(2)} vs ${drawn.toExponential(2)} drawn`);
  }
});
