// Worker-thread entry for tinypool: runs one job with no terminal attached.
import { runJob, type Job, type JobResult } from './job.js';

export default function (job: Job): JobResult {
  return runJob(job);
}
