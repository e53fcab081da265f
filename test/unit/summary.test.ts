import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveScenario } from '../../src/request/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test('total efficiency of a mixed host lies between its VMs\' (each VM\'s work valued at its own bare-metal cycles per unit)', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-mix-'));
  const f = path.join(d, 'mix.json');
  fs.writeFileSync(
    f,
    JSON.stringify({
      name: 'mix', host: { pcpus: 3, scheduler: 'fair' }, // overcommitted: closed VMs get less CPU than on bare metal
      vms: [{ workload: 'kernel-build', vcpus: 2, count: 1 }, { workload: 'network-server', vcpus: 2, count: 2 }, { workload: 'cpu-bound', vcpus: 2, count: 1 }],
      durationSec: 0.2, warmupSec: 0.02, seed: 4,
    }),
  );
  const out = await runScenario(resolveScenario(f), [parseFeatureSet('nehalem')], { workers: 1 });
  const s = out.summaries[0];
  const per = s.vms.map((v) => v.efficiency as number);
  const total = s.total.efficiency as number;
  assert.ok(total >= Math.min(...per) - 1e-9 && total <= Math.max(...per) + 1e-9, `total ${total} within [${Math.min(...per)}, ${Math.max(...per)}]`);
  assert.ok(total <= 1.01, 'never far above 100% (only noise between the bare-metal and virtualized draws)');
});
