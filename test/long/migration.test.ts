import { test } from 'node:test';
import assert from 'node:assert/strict';

// exitsim migrate as a user runs it, on the case: an integration suite (each run simulates
// every pre-copy round), kept out of npm test's five minutes.
test('exitsim migrate end to end: the three tracking modes on an 8-vCPU, 24 GiB guest over 10 GbE (issue 33), the fields it names, and auto-converge', async () => {
  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/exitsim.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'migrate', 'oltp-database', ...args], { encoding: 'utf8' });
  const common = ['--vcpus', '8', '--guest-memory', '24GiB', '--dirty-rate', '800MB/s', '--bandwidth', '10Gbit', '--json'];
  const by: Record<string, { total_time_s: number; downtime_ms: number; rounds: number; converged: boolean; guest_efficiency_during: number; guest_efficiency_before: number; exits_by_reason: Record<string, number>; timeline: unknown[]; transferred_gib: number }> = {};
  for (const mode of ['bitmap', 'ring', 'pml']) {
    const r = run(...common, '--dirty-tracking', mode);
    assert.equal(r.status, 0, r.stderr);
    by[mode] = JSON.parse(r.stdout);
    const m = by[mode];
    assert.equal(m.converged, true);
    assert.ok(m.downtime_ms <= 300, `${mode}: downtime ${m.downtime_ms} ms`);
    assert.equal(m.timeline.length, m.rounds);
    assert.ok(m.transferred_gib >= 24);
  }
  // Write protection costs the guest a fault per page it dirties; PML one exit per 512; the ring adds its full exits.
  assert.ok(by.bitmap.guest_efficiency_during < by.bitmap.guest_efficiency_before - 0.05);
  assert.ok(by.pml.guest_efficiency_during > by.bitmap.guest_efficiency_during + 0.05);
  // The ring takes the same write-protect faults, and a full-ring exit per 4,096 pages on top: a little more.
  assert.ok(Math.abs(by.ring.guest_efficiency_during - by.bitmap.guest_efficiency_during) < 0.01);
  assert.ok(by.ring.total_time_s < by.bitmap.total_time_s, 'no set-up write protection, no bitmap syncs');
  assert.ok(by.pml.exits_by_reason.PML_FULL > 0 && (by.pml.exits_by_reason.EPT_VIOLATION ?? 0) < by.bitmap.exits_by_reason.EPT_VIOLATION / 100);
  // Above the link's rate it never converges without auto-converge, and does with it.
  const fast = ['--guest-memory', '24GiB', '--dirty-rate', '2GB/s', '--bandwidth', '10Gbit', '--json'];
  assert.equal(JSON.parse(run(...fast).stdout).converged, false);
  assert.equal(JSON.parse(run(...fast, '--auto-converge').stdout).converged, true);
});
