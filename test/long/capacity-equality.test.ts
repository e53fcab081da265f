// Issue 18's capacity-equality test: on every shipped workload, under no
// features and under modern, the multi-fidelity search finds the answer the
// search with exact runs only finds. SLAs sit a few points under what one VM
// gets, so every search has a boundary to find (or finds none, the same way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { capacitySearch, parseSla } from '../../src/experiment/capacity.js';
import { multiFidelitySearch } from '../../src/experiment/capacity-search.js';
import { estimateRun } from '../../src/estimate/analytic.js';
import { ACCURACY_WORKLOADS } from '../../src/validation/estimate-accuracy.js';

test('multi-fidelity capacity = exact-only capacity on every shipped workload (4 pCPUs, fair, up to 16 VMs of 2 vCPUs)', async () => {
  const rows: string[] = [];
  let interior = 0;
  for (const workload of ACCURACY_WORKLOADS) {
    for (const preset of ['none', 'modern']) {
      const r = resolveScenario(workload, { pcpus: 4, scheduler: 'fair', vms: 1, vcpus: 2, durationSec: 0.1, warmupSec: 0.01 });
      const f = parseFeatureSet(preset);
      const sla = `efficiency>=${Math.floor((estimateRun(r, f).total.efficiency as number) * 100 - 3)}%`;
      const slas = [parseSla(sla)];
      const exact = capacitySearch(r, f, slas, { vary: 'vms', max: 16, replications: 3 });
      const mf = await multiFidelitySearch(r, f, slas, { vary: 'vms', max: 16, replications: 3, workers: 2 });
      rows.push(`${workload} ${preset} ${sla}: exact ${exact.max} (${exact.simulations} simulations), multi-fidelity ${mf.max} (${mf.simulations})`);
      if (exact.max > 0 && exact.max < 16) interior++;
      assert.equal(mf.max, exact.max, rows.join('\n'));
      assert.deepEqual(mf.atMax?.metrics, exact.atMax?.metrics, `${workload} ${preset}: the same figures at the answer`);
    }
  }
  assert.ok(interior >= 8, `most searches have a boundary inside the range (${interior} of 14):\n${rows.join('\n')}`);
});
