// accounting.ts: CycleAccounts books, clips to the window, flushes rows and episodes, records batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleAccounts, ES_COUNT, ES_CYCLES, ES_MAX, ES_MIN, ES_STRIDE } from '../../src/engine/accounting.js';
import { newRawResult } from '../../src/engine/result.js';
import { CAT, N_CAT } from '../../src/exits/cost.js';
import { EXIT_REASON_SLOTS } from '../../src/exits/reasons.js';
import type { BuiltModel } from '../../src/engine/model.js';

// A window [100, 1100) on 2 pCPUs, 1 VM, 2 vCPUs.
function setup() {
  const model = { nativeMode: false, frequencyHz: 1e9, endCycles: 1100, warmupCycles: 100, pcpus: 2, vms: [{}] } as unknown as BuiltModel;
  const out = newRawResult(model);
  return { out, acct: new CycleAccounts(out, 2, 100, 1100) };
}

test('CycleAccounts.book(p, vm, cat, from, to) clips to the window and books pCPU and VM (VM -1: pCPU only)', () => {
  const { out, acct } = setup();
  acct.book(0, 0, CAT.SPIN, 50, 150); // 50 cycles before the window
  acct.book(1, -1, CAT.IDLE, 1000, 2000); // past its end
  acct.book(0, 0, CAT.SPIN, 10, 90); // wholly before: nothing
  assert.equal(out.pcpuCycles[0 * N_CAT + CAT.SPIN], 50);
  assert.equal(out.vmCycles[CAT.SPIN], 50);
  assert.equal(out.pcpuCycles[1 * N_CAT + CAT.IDLE], 100);
  assert.equal(out.vmCycles[CAT.IDLE], 0);
});

test('CycleAccounts.bookVcpu books into the vCPU row; flushVcpu adds the row to pCPU and VM and clears it', () => {
  const { out, acct } = setup();
  acct.bookVcpu(1, CAT.GUEST, 0, 400); // clipped to [100, 400)
  acct.bookVcpu(1, CAT.INDIRECT_2D_WALK, 400, 450);
  assert.equal(out.pcpuCycles[N_CAT + CAT.GUEST], 0, 'nothing reaches the pCPU before the flush');
  acct.flushVcpu(1, 1, 0);
  assert.equal(out.pcpuCycles[N_CAT + CAT.GUEST], 300);
  assert.equal(out.vmCycles[CAT.INDIRECT_2D_WALK], 50);
  acct.flushVcpu(1, 1, 0);
  assert.equal(out.pcpuCycles[N_CAT + CAT.GUEST], 300, 'a second flush adds nothing');
});

test('CycleAccounts.bookEpisode books an episode in stage order from its start, clipped at the window edge', () => {
  const { out, acct } = setup();
  acct.episode[CAT.EXIT_RECORD] = 40;
  acct.episode[CAT.HANDLER_KERNEL] = 100;
  acct.episode[CAT.ENTRY] = 60;
  acct.episodeStart[0] = 1000; // [1000, 1200): the window ends at 1100
  acct.bookEpisode(0, 0, 0);
  assert.equal(out.pcpuCycles[CAT.EXIT_RECORD], 40);
  assert.equal(out.pcpuCycles[CAT.HANDLER_KERNEL], 60);
  assert.equal(out.pcpuCycles[CAT.ENTRY], 0);
  assert.ok(acct.episode.every((x) => x === 0), 'the episode row is cleared');
});

test('CycleAccounts.bookEntry books switch, entry and refill back to back', () => {
  const { out, acct } = setup();
  acct.bookEntry(1, 0, 200, 30, 50, 20);
  assert.equal(out.pcpuCycles[N_CAT + CAT.HOST_SCHED], 30);
  assert.equal(out.pcpuCycles[N_CAT + CAT.ENTRY], 50);
  assert.equal(out.pcpuCycles[N_CAT + CAT.INDIRECT_TLB_REFILL], 20);
});

test('CycleAccounts.syncExitStats copies the interleaved statistics and the histogram to the result', () => {
  const { out, acct } = setup();
  const k = 10 * ES_STRIDE;
  acct.exitStats[k + ES_COUNT] = 4;
  acct.exitStats[k + ES_CYCLES] = 8000;
  acct.exitStats[k + ES_MIN] = 1900;
  acct.exitStats[k + ES_MAX] = 2100;
  acct.exitHistogram[17] = 4;
  acct.syncExitStats();
  assert.equal(out.exitCount[10], 4);
  assert.equal(out.exitCycles[10], 8000);
  assert.equal(out.exitMin[10], 1900);
  assert.equal(out.exitMax[10], 2100);
  assert.equal(out.exitMin[EXIT_REASON_SLOTS - 1], Infinity, 'untouched reasons keep min = ∞');
  assert.equal(out.exitHistogram[17], 4);
});

test('exits of the warm-up go to their own block and never reach the result', () => {
  const { out, acct } = setup();
  const w = acct.warmupStatsVm;
  assert.equal(w, 1, 'the block after the last VM');
  acct.exitStats[(w * EXIT_REASON_SLOTS + 10) * ES_STRIDE + ES_COUNT] = 7;
  acct.exitHistogram[acct.exitHistogram.length - 1] = 7;
  acct.syncExitStats();
  assert.equal(out.exitCount.reduce((a, b) => a + b, 0), 0);
  assert.equal(out.exitHistogram.reduce((a, b) => a + b, 0), 0);
});
