// Worker-thread entry for the pool (pool.ts): runs jobs with no terminal attached.
import { runJob, runPointJob, type Job, type JobResult, type PointJob, type PointResult } from './job.js';

export function job(task: Job): JobResult {
  return runJob(task);
}

export function point(task: PointJob): PointResult {
  return runPointJob(task);
}
