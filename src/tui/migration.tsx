// The live view of a migration (exitsim migrate --live): the rounds as the engine finishes them in a
// worker thread — how far it is, each round's pages and the guest's efficiency — and the answer at the
// end. Full screen on a terminal; plain lines otherwise.
import { useEffect, useState } from 'react';
import { Worker } from 'node:worker_threads';
import { Box, Text, render, useApp, useInput } from 'ink';
import type { MigrationFrame } from '../experiment/migrate-worker.js';
import type { MigrationOptions, MigrationResult, MigrationRound } from '../migration/run.js';
import type { RunSpec } from '../request/run-path.js';
import { bar } from './view.js';

export interface MigrationLive {
  spec: RunSpec;
  features: number;
  options: Omit<MigrationOptions, 'onRound'>;
  title: string;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);

/** One line per round, as the plain view prints it and the full view lists it. */
export function roundLine(t: MigrationRound): string {
  return `round ${String(t.round).padStart(2)}  t ${t.start_s.toFixed(2).padStart(8)} s  ${t.duration_s.toFixed(3).padStart(8)} s  sent ${t.pages_sent.toLocaleString('en-US').padStart(11)}  dirtied ${t.pages_dirtied.toLocaleString('en-US').padStart(11)}  throttle ${String(t.throttle_pct).padStart(2)}%  guest ${pct(t.guest_efficiency)}`;
}

/** The answer, once it is in. */
export function resultLine(r: MigrationResult): string {
  return r.converged
    ? `migrated in ${r.total_time_s.toFixed(2)} s, down ${r.downtime_ms.toFixed(1)} ms, ${r.rounds} rounds, ${r.transferred_gib.toFixed(2)} GiB sent; guest ${pct(r.guest_efficiency_before)} before, ${pct(r.guest_efficiency_during)} during`
    : `NOT CONVERGING: stopped at the ${r.stop} after ${r.rounds} rounds, ${r.total_time_s.toFixed(1)} s; guest ${pct(r.guest_efficiency_during)} during`;
}

/** Render-only: a snapshot of the rounds so far (a test renders it with fixture rounds). */
export function MigrationView(p: { title: string; rounds: MigrationRound[]; total: number; result?: MigrationResult; error?: string; width?: number }) {
  const width = Math.max(20, Math.min(60, (p.width ?? 80) - 30));
  const done = p.rounds.length;
  const shown = p.rounds.slice(-12);
  return (
    <Box flexDirection="column">
      <Text bold>{p.title}</Text>
      <Text>
        {bar(p.total > 0 ? done / p.total : 0, width)} round {done} of {p.total || '…'}
      </Text>
      <Text> </Text>
      {shown.map((t) => (
        <Text key={t.round} wrap="truncate">
          {roundLine(t)}
        </Text>
      ))}
      <Text> </Text>
      {p.error ? <Text color="red">error: {p.error}</Text> : p.result ? <Text bold>{resultLine(p.result)}</Text> : <Text dimColor>the engine runs the guest through each round…</Text>}
      <Text dimColor>q quits</Text>
    </Box>
  );
}

function start(live: MigrationLive, onFrame: (f: MigrationFrame) => void): Worker {
  const worker = new Worker(new URL('../experiment/migrate-worker.js', import.meta.url), { workerData: { spec: live.spec, features: live.features, options: live.options } });
  worker.on('message', onFrame);
  worker.on('error', (e) => onFrame({ type: 'error', message: e.message }));
  return worker;
}

function LiveApp(p: { live: MigrationLive; onDone: (r: MigrationResult | undefined) => void }) {
  const app = useApp();
  const [rounds, setRounds] = useState<MigrationRound[]>([]);
  const [total, setTotal] = useState(0);
  const [result, setResult] = useState<MigrationResult>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const w = start(p.live, (f) => {
      if (f.type === 'round') {
        setRounds((xs) => [...xs, f.round]);
        setTotal(f.rounds);
      } else if (f.type === 'done') {
        setResult(f.result);
        p.onDone(f.result);
      } else setError(f.message);
    });
    return () => void w.terminate();
  }, []);
  useInput((input) => {
    if (input === 'q') app.exit();
  });
  return <MigrationView title={p.live.title} rounds={rounds} total={total} result={result} error={error} width={process.stdout.columns} />;
}

/** The full-screen view until the user quits; the result, if it finished. */
export async function runMigrationTui(live: MigrationLive): Promise<MigrationResult | undefined> {
  let out: MigrationResult | undefined;
  const app = render(<LiveApp live={live} onDone={(r) => (out = r)} />, { exitOnCtrlC: true });
  await app.waitUntilExit();
  return out;
}

/** Plain lines (no terminal, or CI): a line per round as it comes, then the answer. */
export function runMigrationPlain(live: MigrationLive, write: (s: string) => void): Promise<MigrationResult> {
  return new Promise((resolve, reject) => {
    write(`${live.title}\n`);
    const w = start(live, (f) => {
      if (f.type === 'round') write(`${roundLine(f.round)}  (${f.round.round}/${f.rounds})\n`);
      else if (f.type === 'done') {
        write(`${resultLine(f.result)}\n`);
        void w.terminate();
        resolve(f.result);
      } else {
        void w.terminate();
        reject(new Error(f.message));
      }
    });
  });
}
