// Worker-thread entry of a live run: receives the job and commands, posts frames.
import { parentPort, workerData } from 'node:worker_threads';
import { LiveRun, type LiveCommand } from './live.js';
import type { PointJob } from './job.js';

const { job, speed, frameMs } = workerData as { job: PointJob; speed: number; frameMs: number };
const port = parentPort!;
const live = new LiveRun(job, speed, frameMs, (frame) => port.postMessage(frame));
port.on('message', (c: LiveCommand) => live.command(c));
live
  .run()
  .then(() => port.close())
  .catch((err: Error) => {
    port.postMessage({ type: 'error', message: err.message });
    port.close();
  });
