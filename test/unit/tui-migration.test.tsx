import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { MigrationView, roundLine } from '../../src/tui/migration.js';
import type { MigrationRound } from '../../src/migration/run.js';

// exitsim migrate --live: the view draws the rounds it has (render-only, fixture rounds), and the plain
// path prints a line per round as the worker finishes it, then the answer.
const round = (n: number): MigrationRound => ({
  round: n, phase: 'pre-copy', remote_faults: 0, start_s: n * 2, duration_s: 2 / n, sync_s: 0.001, pages_sent: 1000 * n, pages_dirtied: 500 * n, first_touch_faults: 0, huge_pages_split: 0,
  lock_wait_cycles: 0, migration_thread_cores: 0.5, steal_pct: 0, first_touch_stall_s: 0, throttle_pct: 0, guest_efficiency: 0.9 - n / 100, exits_per_s: {}, exits_by_reason: {},
});

test('the live migration view: a bar of the rounds done, a line per round, the answer once it is in', () => {
  const { lastFrame, rerender } = render(<MigrationView title="t" rounds={[round(1), round(2)]} total={4} width={100} />);
  const text = lastFrame() ?? '';
  assert.match(text, /round 2 of 4/);
  // Lines longer than the screen are cut, not wrapped.
  assert.ok(text.includes(roundLine(round(1)).slice(0, 70)) && text.includes(roundLine(round(2)).slice(0, 70)));
  assert.match(text, /the engine runs the guest/);
  rerender(<MigrationView title="t" rounds={[round(1)]} total={1} result={{ converged: true, total_time_s: 3.5, downtime_ms: 12.5, rounds: 1, transferred_gib: 1, guest_efficiency_before: 0.95, guest_efficiency_during: 0.9 } as never} />);
  assert.match(lastFrame() ?? '', /migrated in 3\.50 s, down 12\.5 ms, 1 rounds/);
});

test('exitsim migrate --live without a terminal: a line per round as it finishes, then the answer; --json still prints the result', async () => {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../../../bin/exitsim.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'migrate', 'cpu-bound', '--guest-memory', '2GiB', '--dirty-rate', '100MB/s', '--bandwidth', '10Gbit', '--live', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('round ')).length, res.rounds);
  assert.match(lines[lines.length - 1], /^migrated in /);
});
