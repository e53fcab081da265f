// manifest.json beside the CSV: enough to reproduce any row (SPEC §7).
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import type { ResolvedScenario } from '../experiment/scenario.js';
import type { RunSummary } from '../metrics/summarize.js';

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function manifestJson(args: {
  argv: string[];
  startedAt: Date;
  finishedAt: Date;
  inputs: ResolvedScenario[];
  runs: RunSummary[];
}): string {
  return (
    JSON.stringify(
      {
        tool: 'exitsim',
        version: packageVersion(),
        node: process.version,
        command_line: args.argv,
        started_at: args.startedAt.toISOString(),
        finished_at: args.finishedAt.toISOString(),
        runs: args.runs.map((r) => ({ run_id: r.run_id, scenario: r.scenario, features: r.features, seed: r.seed, profile: r.profile })),
        inputs: args.inputs.map((i) => ({
          scenario_file: i.file,
          scenario: i.scenario,
          profile_file: i.profileFile,
          profile: i.profile,
          workloads: Object.fromEntries([...i.workloads.entries()].map(([k, v]) => [k, { file: v.file, workload: v.workload }])),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
