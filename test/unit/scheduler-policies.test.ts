// scheduler/policies.ts and halt-poll.ts: each decision on small literal states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FairPolicy, PinnedPolicy, RoundRobinPolicy, POLICY_FAIR, POLICY_PINNED, POLICY_ROUND_ROBIN, schedulerPolicy } from '../../src/scheduler/policies.js';
import { nextPollWindow } from '../../src/scheduler/halt-poll.js';

test('schedulerPolicy(id, …) builds the policy the model names', () => {
  assert.ok(schedulerPolicy(POLICY_PINNED, 2, 2, 100) instanceof PinnedPolicy);
  assert.ok(schedulerPolicy(POLICY_ROUND_ROBIN, 2, 4, 100) instanceof RoundRobinPolicy);
  assert.ok(schedulerPolicy(POLICY_FAIR, 2, 4, 100) instanceof FairPolicy);
});

test('PinnedPolicy: a vCPU lives on its own pCPU, never gives way, never migrates', () => {
  const p = new PinnedPolicy(4, 4, 100);
  assert.equal(p.home(3), 3);
  assert.equal(p.placeWakee(2), 2);
  p.queues.push(1, 1);
  p.queues.push(1, 2);
  assert.equal(p.sliceOver(), false);
  assert.equal(p.migrates, false);
  assert.equal(p.pickNext(0), -1, 'an empty queue is not refilled from another');
});

test('RoundRobinPolicy: FIFO per pCPU, an idle pCPU steals the head of the longest queue, a slice ends only with someone waiting', () => {
  const p = new RoundRobinPolicy(2, 4, 100);
  p.queues.push(0, 0);
  p.queues.push(0, 1);
  p.queues.push(0, 2);
  assert.equal(p.pickNext(0), 0);
  assert.equal(p.pickNext(1), 1, 'stolen from pCPU 0');
  assert.equal(p.sliceOver(0, 150), true);
  assert.equal(p.sliceOver(0, 50), false);
  assert.equal(p.sliceOver(1, 500), false, 'nobody waits on pCPU 1');
});

test('RoundRobinPolicy.placeWakee: back where it ran, unless that pCPU is busy and another is idle with an empty queue', () => {
  const p = new RoundRobinPolicy(3, 4, 100);
  const cur = Int32Array.from([5, -1, 7]);
  assert.equal(p.placeWakee(0, 0, cur, 1), 1);
  assert.equal(p.placeWakee(0, 2, Int32Array.from([5, 6, 7]), 0), 2, 'no idle pCPU: its own');
  assert.equal(p.placeWakee(1, -1, Int32Array.from([-1, -1, -1]), 3), 1, 'never ran: v mod pCPUs');
});

test('FairPolicy: the least virtual runtime runs next; a sleeper rejoins at most one slice behind the queue', () => {
  const p = new FairPolicy(1, 3, 100);
  p.charge(0, 500);
  p.charge(1, 200);
  p.queues.push(0, 0);
  p.queues.push(0, 1);
  assert.equal(p.pickNext(0), 1);
  p.queues.push(0, 1);
  // vCPU 2 slept (vruntime 0): it rejoins at min(500, 200) - 100 = 100.
  p.placeWakee(2, 0, Int32Array.from([-1]), 1);
  assert.equal(p.vruntime[2], 100);
});

test('nextPollWindow: grows from the start value by doubling up to the maximum; a long halt resets it; no polling leaves it', () => {
  assert.equal(nextPollWindow(0, 5, 100, 10), 10);
  assert.equal(nextPollWindow(10, 5, 100, 10), 20);
  assert.equal(nextPollWindow(80, 5, 100, 10), 100);
  assert.equal(nextPollWindow(100, 5, 100, 10), 100);
  assert.equal(nextPollWindow(40, 150, 100, 10), 0);
  assert.equal(nextPollWindow(0, 5, 0, 10), 0);
});
