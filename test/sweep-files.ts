// A small sweep file for the study suites (3 points × 2 feature sets), and the files a study writes.
import fs from 'node:fs';
import path from 'node:path';

export function sweepFile(dir: string, name = 'small', replications = 2, duration = 0.03): string {
  const f = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    f,
    `name: ${name}
base:
  name: ${name}
  host: { pcpus: 2, scheduler: fair }
  vms: [{ workload: spinlock-job, vcpus: 2, count: 1 }]
  durationSec: ${duration}
parameters:
  - path: vms[0].count
    values: [1, 2, 3]
featureSets: ["nehalem,-ple", nehalem]
replications: ${replications}
`,
  );
  return f;
}

export const STUDY_OUTPUTS = ['runs.csv', 'vms.csv', 'exits.csv', 'summary.csv', 'comparisons.csv', 'efficiency.svg', 'throughput.svg', 'cycles.svg'];
/** Every file a study writes, by name: two folders compare equal when their studies are byte-identical. */
export const readOutputs = (dir: string) => Object.fromEntries(STUDY_OUTPUTS.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
