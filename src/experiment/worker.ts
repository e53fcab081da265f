// Worker-thread entry for tinypool: runs jobs with no terminal attached.
import { runJob, runPointJob, type Job, type JobResult, type PointJob, type PointResult } from './job.js';

export default function (job: Job): JobResult {
  return runJob(job);
}

export function point(job: PointJob): PointResult {
  return runPointJob(job);
}
