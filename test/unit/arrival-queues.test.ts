import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrivalQueues } from '../../src/engine/arrival-queues.js';

test('ArrivalQueues: first in, first out per VM, wrapping around; a full queue refuses', () => {
  const q = new ArrivalQueues(2, 3);
  for (const t of [1, 2, 3]) assert.equal(q.push(0, t), true);
  assert.equal(q.push(0, 4), false, 'full');
  assert.equal(q.push(1, 9), true, 'another VM has its own queue');
  assert.equal(q.shift(0), 1);
  assert.equal(q.push(0, 5), true, 'wraps around');
  assert.deepEqual([q.shift(0), q.shift(0), q.shift(0)], [2, 3, 5]);
  assert.equal(q.length[0], 0);
  assert.equal(q.shift(1), 9);
});
