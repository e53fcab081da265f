// The one worker pool (tinypool): jobs run on worker threads with no terminal
// attached (worker.ts), so the main thread stays free for progress and Ctrl-C.
import os from 'node:os';
import { Tinypool } from 'tinypool';

/** Worker threads for `tasks` tasks when the user asked for `requested` (default: every core). */
export function workerCount(requested: number | undefined, tasks: number): number {
  return Math.max(1, Math.min(requested ?? os.availableParallelism(), tasks));
}

/**
 * Runs every task through worker.ts's export `fn` on `workers` threads and
 * returns the results in task order; `onEach` sees each as it finishes.
 */
export async function runOnWorkers<T, R>(tasks: T[], workers: number, fn: 'job' | 'point', onEach?: (task: T, result: R) => void): Promise<R[]> {
  if (tasks.length === 0) return [];
  const pool = new Tinypool({ filename: new URL('./worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers });
  try {
    return await Promise.all(
      tasks.map(async (task) => {
        const result = (await pool.run(task, { name: fn })) as R;
        onEach?.(task, result);
        return result;
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/**
 * A pool that stays up across batches (capacity searches run a few jobs at a time, many times):
 * its threads start once. One worker runs jobs in this thread instead, so a single-core search
 * pays no thread start-up.
 */
export class WorkerPool {
  private readonly pool: Tinypool | null;

  constructor(readonly workers: number) {
    this.pool = workers > 1 ? new Tinypool({ filename: new URL('./worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers }) : null;
  }

  async run<T, R>(tasks: T[], fn: 'job' | 'point', inThread: (task: T) => R): Promise<R[]> {
    if (!this.pool) return tasks.map(inThread);
    const pool = this.pool;
    return Promise.all(tasks.map(async (task) => (await pool.run(task, { name: fn })) as R));
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
