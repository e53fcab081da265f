import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';
import { stageMeans, totalCycles } from '../../src/exits/cost.js';

// One pinned vCPU, one virtio notify per unit, constant costs: the user-space path pays the VMM's
// per-request work in the vCPU thread; ioeventfd moves it off the vCPU (closed forms, SPEC §10).
const p = profile('westmere', (x) => {
  x.stageCv.value = 0;
  x.handlerCv.value = 0;
});
const f = p.frequencyGHz.value * 1e9;
const SERVICE = 50_000;
const GUEST = 400_000;
const w = workload({
  name: 'blk', description: 'one virtio-blk notify per unit', sources: ['test'], kind: 'closed', unitName: 'request', cyclesPerUnit: GUEST,
  devices: [{ name: 'vblk', kind: 'virtio', bus: 'pio', vmmServiceCycles: SERVICE, source: 'test' }],
  events: [{ kind: 'io', device: 'vblk', perUnit: 1, distribution: 'constant', nativeCycles: 0, source: 'test' }],
});
const run = (features: string) =>
  simulate({ scenario: { name: 'blk', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'blk', vcpus: 1 }], durationSec: 0.3, seed: 1 }, workloads: [w], profile: p, features });

test('ioeventfd: the notify is a kernel exit and the VMM\'s per-request work leaves the vCPU thread; without it the vCPU pays both', () => {
  const on = run('nehalem');
  const off = run('nehalem,-ioeventfd');
  const cOn = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'io-kernel', 'kernel'));
  const cOff = totalCycles(stageMeans(p, DEFAULT_MSR_LISTS, 'io-user', 'user')) + SERVICE;
  const expectOn = f / (GUEST + cOn);
  const expectOff = f / (GUEST + cOff);
  assert.ok(Math.abs(on.total.throughput_units_per_s / expectOn - 1) < 0.01, `ioeventfd: ${on.total.throughput_units_per_s} vs ${expectOn}`);
  assert.ok(Math.abs(off.total.throughput_units_per_s / expectOff - 1) < 0.01, `user space: ${off.total.throughput_units_per_s} vs ${expectOff}`);
  assert.equal(on.total.exits.IO_INSTRUCTION.count > 0, true);
});

const rr = (whileWaiting: 'spin' | 'idle') =>
  workload({
    name: 'rr', description: 'one request at a time', sources: ['test'], kind: 'closed', unitName: 'transaction', cyclesPerUnit: 10_000,
    devices: [{ name: 'nic', kind: 'virtio', bus: 'pio', completionLatencyUs: 20, source: 'test' }],
    events: [{ kind: 'io', device: 'nic', perUnit: 1, distribution: 'constant', waitsForInterrupt: true, whileWaiting, source: 'test' }],
  });
const runRr = (whileWaiting: 'spin' | 'idle', features: string) =>
  simulate({ scenario: { name: 'rr', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'rr', vcpus: 1 }], durationSec: 0.2, seed: 2 }, workloads: [rr(whileWaiting)], profile: p, features });

test('a unit that waits idle halts for every reply (HLT per transaction); one that spins never halts', () => {
  const idle = runRr('idle', 'nehalem');
  const spin = runRr('spin', 'nehalem');
  const units = idle.total.throughput_units_per_s * 0.2;
  const hlt = idle.total.exits.HLT?.count ?? 0;
  assert.ok(Math.abs(hlt / units - 1) < 0.05, `${hlt} HLT exits for ${units} transactions`);
  assert.equal(spin.total.exits.HLT?.count ?? 0, 0);
});

test('halt polling shortens a latency-bound transaction whose thread blocks (no block and wake-up on the host)', () => {
  const polled = runRr('idle', 'nehalem,halt-polling');
  const blocked = runRr('idle', 'nehalem');
  assert.ok(polled.total.throughput_units_per_s > blocked.total.throughput_units_per_s, `${polled.total.throughput_units_per_s} vs ${blocked.total.throughput_units_per_s}`);
});

test('whileWaiting belongs to waiting io and timer-program events', () => {
  assert.throws(
    () => workload({ name: 'x', description: 'x', sources: ['t'], kind: 'closed', unitName: 'u', cyclesPerUnit: 1000, events: [{ kind: 'cpuid', perUnit: 1, whileWaiting: 'idle', source: 't' }] }),
    /whileWaiting/,
  );
});
