// `exitsim tui`: ink on a terminal; plain progress lines when stdout is not a
// TTY or CI=true. The simulation always runs in a worker thread.
import { LIVE_FRAME_MS, PLAIN_FRAME_MS, PLAIN_LINE_INTERVAL_MS } from '../experiment/settings.js';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { render } from 'ink';
import type { LiveCommand, LiveFrame } from '../experiment/live.js';
import { pointJobOf } from '../experiment/study.js';
import { singlePointSweep } from '../experiment/sweep-spec.js';
import type { ResolvedScenario } from '../request/scenario.js';
import { featureSetLabel } from '../exits/features.js';
import { writeRunFiles } from '../output/run-files.js';
import { App, type LiveSource } from './app.js';

export interface TuiOptions {
  resolved: ResolvedScenario;
  featureSets: number[];
  /** Simulated seconds per wall second; 0 = as fast as possible. */
  speed: number;
  resultsDir: string;
  frameMs?: number;
}

export function startLive(resolved: ResolvedScenario, featureSets: number[], speed: number, frameMs: number, onFrame: (f: LiveFrame) => void, onError: (m: string) => void, onExit?: () => void): LiveSource {
  const sweep = singlePointSweep(resolved, featureSets);
  const job = pointJobOf(sweep, { key: 'p0000-r000', point: 0, replication: 0, seed: resolved.scenario.seed });
  const worker = new Worker(new URL('../experiment/live-worker.js', import.meta.url), { workerData: { job, speed, frameMs } });
  worker.on('message', (m: LiveFrame | { type: 'error'; message: string }) => (m.type === 'frame' ? onFrame(m) : onError(m.message)));
  worker.on('error', (e) => onError(e.message));
  if (onExit) worker.on('exit', onExit);
  return {
    command: (c: LiveCommand) => worker.postMessage(c),
    stop: () => void worker.terminate(),
  };
}

function saver(opts: TuiOptions, startedAt: Date) {
  return (frame: LiveFrame): string => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dir = path.join(opts.resultsDir, `tui-${opts.resolved.scenario.name}-${stamp}`);
    try {
      writeRunFiles(dir, [opts.resolved], frame.summaries, startedAt, false, false, opts.featureSets);
      return `saved ${frame.simSeconds.toFixed(3)} s of results to ${path.relative(process.cwd(), dir)}`;
    } catch (err) {
      return `could not save: ${(err as Error).message}`;
    }
  };
}

/** Plain progress lines (no TTY, or CI=true): one a second, and the last one. */
export async function runPlain(opts: TuiOptions): Promise<void> {
  let last = 0;
  await new Promise<void>((resolve, reject) => {
    const src = startLive(
      opts.resolved,
      opts.featureSets,
      opts.speed,
      opts.frameMs ?? PLAIN_FRAME_MS,
      (f) => {
        const now = Date.now();
        if (now - last < PLAIN_LINE_INTERVAL_MS && !f.done) return;
        last = now;
        const cols = f.summaries.map((s) => `${s.features}: ${s.total.throughput_units_per_s.toFixed(1)} units/s, eff ${s.total.efficiency === null ? 'n/a' : (s.total.efficiency * 100).toFixed(2) + '%'}`);
        process.stdout.write(`t ${f.simSeconds.toFixed(3)}/${f.totalSeconds.toFixed(3)} s | ${(f.eventsPerWallSec / 1e6).toFixed(2)}M events/s | ${cols.join(' | ')}\n`);
        if (f.done) {
          src.stop();
          resolve();
        }
      },
      (m) => reject(new Error(m)),
    );
  });
}

export async function runTui(opts: TuiOptions): Promise<void> {
  const startedAt = new Date();
  const r = opts.resolved;
  const title = `exitsim tui — ${r.scenario.name} on ${r.profile.name} (${r.scenario.host.pcpus} pCPUs, ${r.scenario.host.scheduler}), features ${opts.featureSets.map((s) => featureSetLabel(s)).join(' vs ')}`;
  const app = render(
    <App
      title={title}
      featureSets={opts.featureSets}
      speed={opts.speed}
      start={(sets, speed, onFrame, onError) => startLive(r, sets, speed, opts.frameMs ?? LIVE_FRAME_MS, onFrame, onError)}
      save={saver(opts, startedAt)}
    />,
    { maxFps: 1000 / LIVE_FRAME_MS, exitOnCtrlC: true },
  );
  await app.waitUntilExit();
}
