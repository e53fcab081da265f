// The multi-fidelity capacity search (src/experiment/capacity-search.ts) and its
// run bank (capacity-runs.ts): bare-metal VMs shared across counts give the same
// summaries as a bare-metal run per count, and the search gives the exact
// search's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { runPointJob } from '../../src/experiment/job.js';
import { CapacityRuns } from '../../src/experiment/capacity-runs.js';
import { capacitySearch, parseSla, withCount } from '../../src/experiment/capacity.js';
import { multiFidelitySearch } from '../../src/experiment/capacity-search.js';

test('bare-metal VMs run once and shared across counts give the summaries of a bare-metal run per count', async () => {
  for (const workload of ['network-server', 'spinlock-job', 'kernel-build']) {
    const r = resolveScenario(workload, { pcpus: 4, scheduler: 'fair', vms: 1, vcpus: 2, durationSec: 0.02, warmupSec: 0.002 });
    const features = parseFeatureSet('modern');
    const runs = new CapacityRuns(r, features, 'vms', 1);
    // Counts in an order that grows the shared bare-metal VMs twice, then reads a smaller count.
    await runs.runs(2, 2);
    await runs.runs(5, 2);
    const shared = await runs.runs(3, 2);
    await runs.close();
    for (let k = 0; k < 2; k++) {
      const scenario = withCount(r, 'vms', 3);
      const alone = runPointJob({ runIdPrefix: `capacity.n3.r${k}`, spec: { scenario: { ...scenario, seed: scenario.seed + k }, file: r.file, workloads: r.workloads, profile: r.profile }, featureSets: [features] }).summaries[0];
      const pick = (s: typeof alone) => JSON.stringify({ total: { ...s.total, exits: undefined }, vms: s.vms });
      assert.equal(pick(shared[k]), pick(alone), `${workload}, replication ${k}`);
    }
  }
});

test("the multi-fidelity search gives the exact search's answer (efficiency and throughput SLAs, and one the estimate cannot read)", async () => {
  const cases: Array<[string, string]> = [['network-server', 'efficiency>=89%'], ['kernel-build', 'throughput_units_per_s>=150'], ['oltp-database', 'p99_latency_us<=5000']];
  for (const [workload, sla] of cases) {
    const r = resolveScenario(workload, { pcpus: 4, scheduler: 'fair', vms: 1, vcpus: 2, durationSec: 0.05, warmupSec: 0.005 });
    const f = parseFeatureSet('modern');
    const slas = [parseSla(sla)];
    const exact = capacitySearch(r, f, slas, { vary: 'vms', max: 12, replications: 2 });
    const mf = await multiFidelitySearch(r, f, slas, { vary: 'vms', max: 12, replications: 2, workers: 1 });
    assert.ok(exact.max > 0 && exact.max < 12, `${workload} ${sla}: the boundary lies inside the range searched (${exact.max})`);
    assert.equal(mf.max, exact.max, `${workload} ${sla}: multi-fidelity ${mf.max}, exact ${exact.max}`);
    assert.deepEqual(mf.atMax?.metrics, exact.atMax?.metrics, 'the same runs decide: the same figures at the answer');
    assert.equal(mf.search, 'multi-fidelity');
    if (sla.startsWith('p99')) assert.equal(mf.estimated, null, 'no estimate of a latency percentile');
  }
});

test('an open workload that cannot keep up with its arrivals fails every SLA; a closed one is judged on its SLAs alone', async () => {
  const { judge, openWorkloadsOf, SERVED_SHARE_MIN } = await import('../../src/experiment/capacity.js');
  const vm = (workload: string, throughput: number, native: number, dropped: number) => ({ workload, efficiency: 0.95, throughput_units_per_s: throughput, native_throughput_units_per_s: native, dropped_arrivals: dropped, unit_latency_us: { p50: 1, p95: 2, p99: 3 } });
  const run = (...vms: ReturnType<typeof vm>[]) => ({ vms, duration_s: 1 }) as never;
  const sla = [parseSla('efficiency>=90%')];
  const open = new Set(['web']);
  // Efficiency 95% everywhere: only the served share decides.
  assert.equal(judge(4, [run(vm('web', 1000, 1000, 0))], sla, open).fits, true);
  const queued = judge(5, [run(vm('web', 600, 1000, 0))], sla, open);
  assert.ok(600 / 1000 < SERVED_SHARE_MIN);
  assert.equal(queued.fits, false);
  assert.match(queued.failed, /saturated \(served 60\.0% of bare metal's units\/s\)/);
  const dropping = judge(5, [run(vm('web', 1000 * SERVED_SHARE_MIN + 1, 1000, 7))], sla, open);
  assert.match(dropping.failed, /dropped 7 arrivals/);
  // A stable queue's lag within the window (94% served, nothing dropped) is not saturation.
  assert.equal(judge(5, [run(vm('web', 940, 1000, 0))], sla, open).fits, true);
  // The same figures for a closed workload's VM (its throughput is below bare metal's by its efficiency): no saturation test.
  assert.equal(judge(5, [run(vm('batch', 600, 1000, 0))], sla, open).fits, true);
  const r = resolveScenario('network-server', { pcpus: 4, scheduler: 'fair', durationSec: 0.2, warmupSec: 0.02 });
  assert.deepEqual([...openWorkloadsOf(r)], ['network-server']);
  // End to end, with a fair scheduler: the host stops where the VMs stop keeping up, not at --max.
  const found = await multiFidelitySearch(r, parseFeatureSet('modern'), sla, { vary: 'vms', max: 16, replications: 2, workers: 1 });
  assert.ok(found.max < 16, `an answer below --max (${found.max})`);
  const above = found.evaluations.find((e) => e.n === found.max + 1 && !e.fits);
  assert.ok(above && /saturated/.test(above.failed), `the count above fails as saturated (${above?.failed})`);
});

test('capacity: --vms is refused (the search sets the count); with the pinned scheduler the answer says it is the pCPU count', async () => {
  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/exitsim.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const vms = cli('capacity', 'cpu-bound', '--sla', 'efficiency>=90%', '--vms', '8');
  assert.equal(vms.status, 2);
  assert.match(vms.stderr, /--vms: expected no --vms with capacity --vary vms .* found 8/);
  const pinned = cli('capacity', 'cpu-bound', '--sla', 'efficiency>=90%', '--max', '4', '--duration', '0.05', '--warmup', '0.005');
  assert.equal(pinned.status, 0, pinned.stderr);
  assert.match(pinned.stdout, /3: pinned: 6 vCPUs on 4 pCPUs/);
  assert.match(pinned.stdout, /note: the pinned scheduler gives each vCPU a pCPU of its own.*--scheduler fair or round-robin/s);
});
