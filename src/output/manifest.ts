// manifest.json beside every result (SPEC §7): enough to reproduce any row.
// One writer: every manifest starts with the same header (tool, version, node,
// command line, times), then says what ran — single runs or a study.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import type { ResolvedScenario } from '../experiment/scenario.js';
import type { ExpandedSweep } from '../experiment/sweep-spec.js';
import type { StudyRecord, StudyState } from '../experiment/study.js';
import type { RunSummary } from '../metrics/summarize.js';

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function header(startedAt: Date): Record<string, unknown> {
  return {
    tool: 'exitsim',
    version: packageVersion(),
    node: process.version,
    command_line: process.argv.slice(1),
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
  };
}

const text = (o: Record<string, unknown>) => JSON.stringify(o, null, 2) + '\n';

/** The manifest of single runs (run, compare, the TUI's save). */
export function runManifestJson(startedAt: Date, inputs: ResolvedScenario[], runs: RunSummary[]): string {
  return text({
    ...header(startedAt),
    runs: runs.map((r) => ({ run_id: r.run_id, scenario: r.scenario, features: r.features, seed: r.seed, profile: r.profile })),
    inputs: inputs.map((i) => ({
      scenario_file: i.file,
      scenario: i.scenario,
      profile_file: i.profileFile,
      profile: i.profile,
      workloads: Object.fromEntries([...i.workloads.entries()].map(([k, v]) => [k, { file: v.file, workload: v.workload }])),
    })),
  });
}

/** The manifest of a study (study, sweep, merge, replicated run/compare); `sweep` is absent for a merge. */
export function studyManifestJson(startedAt: Date, state: StudyState | undefined, sweep: ExpandedSweep | undefined, records: StudyRecord[], extra: Record<string, unknown> = {}): string {
  // Each workload the points share is written once (points name it by index): a sweep of 20,000 points
  // over one workload wrote it 20,000 times (a 64 MB manifest).
  const workloads: Array<{ file: string; workload: unknown }> = [];
  const indexOf = new Map<object, number>();
  const inputs = sweep
    ? sweep.points.map((p) => ({
        values: p.values,
        scenario: p.resolved.scenario,
        profile: p.resolved.profile.name,
        workloads: [...p.resolved.workloads.values()].map((w) => {
          let k = indexOf.get(w.workload);
          if (k === undefined) {
            indexOf.set(w.workload, (k = workloads.length));
            workloads.push({ file: w.file, workload: w.workload });
          }
          return k;
        }),
      }))
    : undefined;
  return text({
    ...header(startedAt),
    study: state,
    seeds: records.map((r) => ({ key: r.key, seed: r.seed })),
    profiles: sweep ? Object.fromEntries(sweep.points.map((p) => [p.resolved.profile.name, p.resolved.profile])) : undefined,
    inputs,
    workloads: sweep ? workloads : undefined,
    ...extra,
  });
}
