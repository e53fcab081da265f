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
