// `exitsim tui`: watch a run live (full screen on a terminal, plain lines otherwise).
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../config/load.js';
import { TUI_DEFAULT_WALL_SEC } from '../../experiment/settings.js';
import { buildRunModel } from '../../request/run-path.js';
import { addCommon, featureSetsOf, numberFlag, resolve, type CommonOptions } from '../options.js';

/** Slowest pace: 1 ms of simulated time every 10 s of wall time. */
const MIN_TUI_SPEED = 1e-4;

type TuiOptions = CommonOptions & { speed?: number; plain?: boolean };

async function tuiCommand(file: string, o: TuiOptions): Promise<void> {
  const r = resolve(file, o);
  const sets = featureSetsOf(o, r, [r.scenario.features]);
  // Bad input is refused here, by name, before the worker starts (in the worker it would come back as a crash).
  buildRunModel(r, 0, { nativeMode: true });
  for (const f of sets) buildRunModel(r, f);
  const total = r.scenario.durationSec + r.scenario.warmupSec;
  // By default a run takes about TUI_DEFAULT_WALL_SEC of wall time, slow enough to watch.
  const speed = o.speed ?? total / TUI_DEFAULT_WALL_SEC;
  const plain = o.plain || !process.stdout.isTTY || !process.stdin.isTTY || process.env.CI === 'true';
  // The screen library takes about half a second to load: say something at once.
  if (!plain) process.stdout.write(`exitsim tui: starting ${r.scenario.name}…`);
  const { runPlain, runTui } = await import('../../tui/run.js');
  if (!plain) process.stdout.write('\r\x1b[K'); // the screen takes the line
  const opts = { resolved: r, featureSets: sets, speed, resultsDir: path.join(packageRoot(), 'results') };
  // Keys need a terminal on stdin too; without one (a pipe, CI) print plain lines.
  if (plain) await runPlain({ ...opts, speed: o.speed ?? 0 });
  else await runTui(opts);
}

export function register(program: Command): void {
  // The live view prints no results and runs one seed in its own worker: no --json, --out, --force, --replications, --workers.
  addCommon(program.command('tui').argument('<workload-or-scenario>').description('watch a run live; several --features run side by side (paired); a migration live: exitsim migrate FILE --live'), true, ['--json', '--csv', '--out', '--force', '--replications', '--workers'])
    .option('--speed <sim-s-per-s>', 'simulated seconds per wall second (0 = as fast as possible; default: the run takes ~20 s)', numberFlag('--speed', `0 (as fast as possible) or at least ${MIN_TUI_SPEED} simulated seconds per wall second (slower would take days to watch)`, (n) => n === 0 || n >= MIN_TUI_SPEED))
    .option('--plain', 'plain progress lines instead of the full-screen view')
    .action(async (file: string, o: TuiOptions) => tuiCommand(file, o));
}
