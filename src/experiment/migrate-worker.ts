// Worker-thread entry of a live migration (exitsim migrate --live): runs it and posts each round as
// the engine finishes it, then the result. The simulation never runs on the terminal's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { migrate, type MigrationOptions, type MigrationResult, type MigrationRound } from '../migration/run.js';
import type { RunSpec } from '../request/run-path.js';

/** What the live view receives. */
export type MigrationFrame =
  | { type: 'round'; round: MigrationRound; rounds: number }
  | { type: 'done'; result: MigrationResult }
  | { type: 'error'; message: string };

const { spec, features, options } = workerData as { spec: RunSpec; features: number; options: Omit<MigrationOptions, 'onRound'> };
const port = parentPort!;
try {
  const result = migrate(spec, features, { ...options, onRound: (round, rounds) => port.postMessage({ type: 'round', round, rounds } satisfies MigrationFrame) });
  port.postMessage({ type: 'done', result } satisfies MigrationFrame);
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message } satisfies MigrationFrame);
}
port.close();
