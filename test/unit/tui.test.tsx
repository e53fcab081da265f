import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { App, type LiveSourceFactory } from '../../src/tui/app.js';
import { Screen, sparkline, bar } from '../../src/tui/view.js';
import { initialState, reduce } from '../../src/tui/state.js';
import { keyToAction, keysToActions } from '../../src/tui/keys.js';
import { parseFeatureSet, featureSetLabel } from '../../src/exits/features.js';
import { LiveRun, type LiveCommand, type LiveFrame } from '../../src/experiment/live.js';
import { pointJobOf } from '../../src/experiment/study.js';
import { singlePointSweep } from '../../src/experiment/sweep-spec.js';
import { resolveScenario } from '../../src/request/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { runPointJob } from '../../src/experiment/job.js';

// A fixture frame from a real (short) run: none vs modern on the kernel build.
const r = resolveScenario('kernel-build', { durationSec: 0.05, warmupSec: 0.01 });
const sets = [parseFeatureSet('none'), parseFeatureSet('modern')];
const summaries = (await runScenario(r, sets, { workers: 1 })).summaries;
const frame = (simSeconds: number, done = false): LiveFrame => ({
  type: 'frame', simSeconds, totalSeconds: 0.06, eventsPerWallSec: 2_500_000, simSecondsPerWallSec: 0.5, elapsedWallSeconds: 1, paused: false, done, summaries,
});

/** Waits until `cond` holds (polling; the suite must pass on a busy machine), or fails after 10 s naming `what`. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 10_000) assert.fail(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

function fakeSource() {
  const starts: number[][] = [];
  const commands: LiveCommand[] = [];
  let emit: ((f: LiveFrame) => void) | null = null;
  const start: LiveSourceFactory = (featureSets, _speed, onFrame) => {
    starts.push([...featureSets]);
    emit = onFrame;
    return { command: (c) => commands.push(c), stop: () => commands.push({ type: 'stop' }) };
  };
  return { start, starts, commands, emit: (f: LiveFrame) => emit?.(f) };
}

test('Screen(state) shows time, events/s, per-set throughput and efficiency, exit table with bars, stages, sparklines and help in 80×24', () => {
  let state = initialState(sets, 0.05);
  for (let i = 0; i < 5; i++) state = reduce(state, { type: 'frame', frame: frame(0.01 * (i + 1)) });
  const { lastFrame } = render(<Screen state={state} width={79} height={24} title="exitsim tui — test" />);
  const text = lastFrame() ?? '';
  const lines = text.split('\n');
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  assert.ok(lines.every((l) => l.length <= 80), 'fits 80 columns');
  assert.match(text, /t 0\.050\/0\.060s/);
  assert.match(text, /2\.50M ev\/s/);
  assert.match(text, /efficiency\s+\d+\.\d+%\s+\d+\.\d+%/);
  assert.match(text, new RegExp(`units/s\\s+${summaries[0].total.throughput_units_per_s.toFixed(1).slice(0, 4)}`));
  assert.match(text, /exit reasons \(modern\), by cycles/);
  assert.match(text, /EPT_VIOLATION\s+[\d,]+\/s\s+[\d,]+c █+/);
  assert.match(text, /cycles: guest \d/);
  assert.match(text, /\[space\] pause/);
  assert.match(text, /\[q\] quit/, 'the help is whole at 80 columns (wrapped, not cut)');
  assert.match(text, /\[s\] save/);
  assert.match(text, /toggle feature/);
  assert.match(text, /Δ units\/s/);
  assert.match(text, /^ {2}kernel-\S*#1 /m, 'VMs of one workload keep distinct labels');
  assert.match(text, /^ {2}kernel-\S*#2 /m);
  assert.match(text, /cycles: guest \d+\.\d%/, 'the largest share comes first, so it is never cut');
  assert.match(text, /units\/s modern +[▁-█]+ 0–[\d.]+k? \([\d.]+k?–[\d.]+k?\)$/m, 'each sparkline states its scale (from zero) and its range');
});

test('Screen below 80×24 says the terminal is too small instead of drawing a cut screen', () => {
  let state = initialState(sets, 0.05);
  state = reduce(state, { type: 'frame', frame: frame(0.05) });
  const text = render(<Screen state={state} width={59} height={18} title="exitsim tui — test" />).lastFrame() ?? '';
  assert.match(text, /terminal too small \(60×18\): exitsim tui needs at least 80×24/);
  assert.doesNotMatch(text, /exit reasons/);
});

test('Screen adapts to a larger terminal: more exit rows, wider bars', () => {
  let state = initialState(sets, 0.05);
  state = reduce(state, { type: 'frame', frame: frame(0.05) });
  const small = render(<Screen state={state} width={79} height={24} title="t" />).lastFrame() ?? '';
  const big = render(<Screen state={state} width={140} height={50} title="t" />).lastFrame() ?? '';
  assert.ok(Math.max(...big.split('\n').map((l) => l.length)) > 100);
  assert.ok(big.split('\n').length >= small.split('\n').length);
});

test('sparkline and bar draw proportionally', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(bar(0.5, 10), '█████·····');
  assert.equal(bar(2, 4), '████');
});

test('keysToActions counts every key of a chunk that arrived at once (" 7": resume, then toggle ioeventfd)', () => {
  assert.deepEqual(keysToActions(' 7', {}), [{ type: 'toggle-pause' }, { type: 'toggle-feature', index: 6 }]);
  assert.deepEqual(keysToActions('x', {}), []);
  assert.deepEqual(keysToActions('', { tab: true }), [{ type: 'focus-next' }]);
});

test('keyToAction maps every key of the help line', () => {
  assert.deepEqual(keyToAction(' ', {}), { type: 'toggle-pause' });
  assert.deepEqual(keyToAction('n', {}), { type: 'step' });
  assert.deepEqual(keyToAction('+', {}), { type: 'faster' });
  assert.deepEqual(keyToAction('-', {}), { type: 'slower' });
  assert.deepEqual(keyToAction('m', {}), { type: 'max-speed' });
  assert.deepEqual(keyToAction('1', {}), { type: 'toggle-feature', index: 0 });
  assert.deepEqual(keyToAction('=', {}), { type: 'toggle-feature', index: 10 });
  assert.deepEqual(keyToAction('', { tab: true }), { type: 'focus-next' });
  assert.deepEqual(keyToAction('s', {}), { type: 'save' });
  assert.deepEqual(keyToAction('q', {}), { type: 'quit' });
  assert.equal(keyToAction('x', {}), null);
});

test('App: frames render; space pauses the worker; + doubles speed; a feature key restarts the run paired; s saves; q quits', async () => {
  const src = fakeSource();
  const saved: LiveFrame[] = [];
  const app = render(<App title="test" featureSets={sets} speed={0.05} start={src.start} save={(f) => (saved.push(f), 'saved to results/x')} width={80} height={24} />);
  const screen = () => app.lastFrame() ?? '';
  await until(() => src.starts.length === 1, 'the live run to start');
  src.emit(frame(0.03));
  await until(() => /running t 0\.030/.test(screen()), 'the first frame');
  app.stdin.write(' ');
  await until(() => src.commands.some((c) => c.type === 'pause'), 'the pause command');
  assert.match(screen(), /pausing t 0\.030/, 'not PAUSED until the worker confirms');
  src.emit({ ...frame(0.031), paused: true });
  await until(() => /PAUSED t 0\.031/.test(screen()), 'PAUSED once the worker confirms');
  app.stdin.write('n');
  await until(() => src.commands.some((c) => c.type === 'step'), 'the step command');
  app.stdin.write('+');
  await until(() => src.commands.some((c) => c.type === 'speed' && c.simSecondsPerWallSec === 0.1), 'the doubled speed');
  app.stdin.write('s');
  await until(() => saved.length === 1 && /saved to results\/x/.test(screen()), 'the save and its message');
  app.stdin.write('1'); // ept off in the last column
  await until(() => src.starts.length === 2, 'the paired restart');
  assert.equal(featureSetLabel(src.starts[1][1]), 'modern,-ept');
  assert.equal(src.starts[1][0], sets[0], 'the baseline column is unchanged');
  assert.ok(src.commands.some((c) => c.type === 'stop'), 'the old run was stopped');
  app.stdin.write('q');
  await until(() => src.commands.filter((c) => c.type === 'stop').length >= 2, 'quit to stop the run');
  app.unmount();
});

test('LiveRun: time stops where pause arrives (unspent budget is dropped), a step moves exactly 1 ms, stop ends the run', async () => {
  const resolved = resolveScenario('kernel-build', { durationSec: 5, warmupSec: 0 });
  const job = pointJobOf(singlePointSweep(resolved, sets), { key: 'p0000-r000', point: 0, replication: 0, seed: resolved.scenario.seed });
  const frames: LiveFrame[] = [];
  // Slow pace, so budget is always being earned ahead of what was simulated.
  const live = new LiveRun(job, 0.02, 20, (f) => frames.push(f));
  const done = live.run();
  try {
    await until(() => frames.some((f) => f.simSeconds > 0), 'time to advance');
    live.command({ type: 'pause' });
    const pausedFrames = () => frames.filter((f) => f.paused);
    await until(() => pausedFrames().length >= 2, 'paused frames to keep coming');
    const t = pausedFrames()[0].simSeconds;
    assert.ok(t > 0, 'time had advanced before the pause');
    assert.ok(pausedFrames().every((f) => f.simSeconds === t), 'no frame after the pause moves time');
    live.command({ type: 'step' });
    await until(() => frames[frames.length - 1].simSeconds > t, 'the step to show in a frame');
    const after = frames[frames.length - 1];
    assert.ok(after.paused);
    assert.ok(Math.abs(after.simSeconds - t - 0.001) < 1e-9, `a step is 1 ms: ${t} -> ${after.simSeconds}`);
  } finally {
    live.command({ type: 'stop' }); // a failed assertion must not leave the run going
    await done;
  }
  assert.ok(!frames[frames.length - 1].done, 'stopped before the end');
});

test('a live run ends with the same figures as a plain run of the same job (its snapshots perturb nothing)', async () => {
  const resolved = resolveScenario('kernel-build', { durationSec: 0.3, warmupSec: 0.05 });
  const job = pointJobOf(singlePointSweep(resolved, sets), { key: 'p0000-r000', point: 0, replication: 0, seed: resolved.scenario.seed });
  const frames: LiveFrame[] = [];
  await new LiveRun(job, 0, 5, (f) => frames.push(f)).run();
  const last = frames[frames.length - 1];
  assert.ok(last.done && frames.length >= 3, `${frames.length} frames`);
  const plain = runPointJob(job).summaries;
  const strip = (s: object) => ({ ...s, run_id: '', wall_s: 0 });
  assert.deepEqual(last.summaries.map(strip), plain.map(strip));
});

test('a 6-VM scenario shows every VM at 120×40; its units/s are not added across workloads; a steady figure draws a flat sparkline', async () => {
  const { initialState, reduce } = await import('../../src/tui/state.js');
  const { parseFeatureSet } = await import('../../src/exits/features.js');
  const vm = (name: string, workload: string, tput: number) => ({ vm: name, workload, vcpus: 2, units: 100, throughput_units_per_s: tput, native_throughput_units_per_s: tput * 1.05, efficiency: 0.95, host_cycles_per_unit: 1, native_cycles_per_unit: 1, dropped_arrivals: 0, exits: {}, exit_count: 0, cycles_by_stage: {}, exit_cycles: { p50: null, p95: null, p99: null }, unit_latency_us: { p50: null, p95: null, p99: null } });
  const vms = [vm('kernel-build#1', 'kernel-build', 300), vm('kernel-build#2', 'kernel-build', 301), vm('network-server#1', 'network-server', 40000), vm('network-server#2', 'network-server', 39000), vm('oltp-database', 'oltp-database', 4000), vm('spinlock-job', 'spinlock-job', 10000)];
  const summary = { run_id: 'r', scenario: 's', profile: 'p', features: 'modern', vm_type: 'plain', seed: 1, frequency_hz: 2.6e9, duration_s: 0.5, warmup_s: 0.05, pcpus: 16, total: { ...vm('', '', 93602), vcpus: 12, efficiency: 0.95 }, vms, pcpu_cycles: [], window_cycles: 1 };
  let state = initialState([parseFeatureSet('modern')], 1);
  for (let i = 0; i < 20; i++) state = reduce(state, { type: 'frame', frame: { simSeconds: 0.1 * i, totalSeconds: 2, summaries: [{ ...summary, total: { ...summary.total, efficiency: 0.95 + (i % 2) * 0.001 } }], eventsPerWallSec: 1e6, simSecondsPerWallSec: 1, elapsedWallSeconds: 1, done: false, paused: false } as never });
  const text = render(<Screen state={state} width={119} height={40} title="t" />).lastFrame() ?? '';
  for (const v of vms) assert.match(text, new RegExp(`^ {2}${v.vm.replace(/[#]/g, '.')}`, 'm'), `${v.vm} listed`);
  assert.doesNotMatch(text, /more VMs/);
  assert.match(text, /^units\/s +per VM below/m, 'no total of different workloads\' units');
  assert.doesNotMatch(text, /93,602/);
  // The sparkline is of efficiency (%), from zero: 95.0–95.1% is a flat line at the top, not full swings.
  const spark = /eff\. modern +([▁-█]+) 0–/m.exec(text);
  assert.ok(spark, text);
  assert.equal(new Set(spark[1]).size, 1, `flat: ${spark[1]}`);
  // At 80×24 the VMs that do not fit are counted.
  const small = render(<Screen state={state} width={79} height={24} title="t" />).lastFrame() ?? '';
  assert.match(small, /… \d+ more VMs/);
});
