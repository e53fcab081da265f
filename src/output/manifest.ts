// manifest.json beside every result (SPEC §7): enough to reproduce any row.
// One writer: every manifest starts with the same header (tool, version, node,
// command line, times), then says what ran — single runs or a study.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/load.js';
import { withInputsDigest } from '../io/manifest-digest.js';
import type { ResolvedScenario } from '../request/scenario.js';
import type { ExpandedSweep } from '../experiment/sweep-spec.js';
import type { StudyRecord, StudyState } from '../experiment/study.js';
import type { RunSummary } from '../metrics/summarize.js';
import { distinctFeatureSetLabel } from '../exits/features.js';

export function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The git commit of the code that ran, and whether it had uncommitted changes — when it runs from a checkout (null otherwise). */
export function gitRevision(): { commit: string; dirty: boolean } | null {
  const root = packageRoot();
  // Only exitsim's own checkout: an installed package inside someone else's repository is not one.
  if (!fs.existsSync(path.join(root, '.git'))) return null;
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return null;
  }
}

/** The command as typed, as one line a reader can paste (`npx exitsim …`, not the npx cache path). */
export function commandLine(args: string[] = process.argv.slice(2), prefix = 'npx exitsim'): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [prefix, ...args.map(quote)].join(' ');
}

function header(startedAt: Date): Record<string, unknown> {
  return {
    tool: 'exitsim',
    version: packageVersion(),
    git: gitRevision(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    command: commandLine(),
    // Everything it needs is embedded below: this reruns it anywhere, byte for byte.
    rerun: 'npx exitsim rerun manifest.json --out DIR',
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
  };
}

const text = (o: Record<string, unknown>) => JSON.stringify(withInputsDigest(o), null, 2) + '\n';

/**
 * The command that runs the same again from the same files, with every setting spelled out (the
 * scenario's own values as flags): what a methods section quotes. `rerun` needs no files at all.
 */
export function resolvedRunCommand(i: ResolvedScenario, runs: RunSummary[]): string {
  const s = i.scenario;
  const workloadOnly = [...i.workloads.values()].some((w) => w.file === i.file);
  const args: Array<string | number> = [runs.length > 1 ? 'compare' : 'run', i.file, ...runs.flatMap((r) => ['--features', r.features])];
  args.push('--profile', s.host.profile, '--pcpus', s.host.pcpus, '--scheduler', s.host.scheduler, '--host-tick', s.host.hostTickHz, '--duration', s.durationSec, '--warmup', s.warmupSec, '--seed', s.seed);
  if (workloadOnly) args.push('--vms', s.vms[0].count, '--vcpus', s.vms[0].vcpus);
  return commandLine(args.map(String));
}

/** The manifest of single runs (run, compare, the TUI's save). */
export function runManifestJson(startedAt: Date, inputs: ResolvedScenario[], runs: RunSummary[], aggregate = false, featureSets?: number[]): string {
  return text({
    ...header(startedAt),
    kind: 'runs',
    aggregate,
    resolved_command: inputs.length === 1 ? resolvedRunCommand(inputs[0], runs) + (aggregate ? ' --aggregate' : '') : undefined,
    // features is what the VM ran with (a TD's forced set); requested_features is the set as asked for,
    // which rerun runs again (and which the run id names).
    runs: runs.map((r, i) => ({ run_id: r.run_id, scenario: r.scenario, features: r.features, ...(featureSets && featureSets.length === runs.length ? { requested_features: distinctFeatureSetLabel(featureSets[i]) } : {}), seed: r.seed, profile: r.profile })),
    inputs: inputs.map((i) => ({
      scenario_file: i.file,
      scenario: i.scenario,
      profile_file: i.profileFile,
      profile: i.profile,
      workloads: Object.fromEntries([...i.workloads.entries()].map(([k, v]) => [k, { file: v.file, workload: v.workload }])),
      // The guest OS profiles the workloads were expanded under (rerun runs on these, not on today's files).
      ...(i.guestOses && i.guestOses.size > 0 ? { guest_oses: Object.fromEntries([...i.guestOses.entries()].map(([k, v]) => [k, { file: v.file, guest_os: v.guestOs }])) } : {}),
    })),
  });
}

/** What a study manifest embeds to be rerun: every point's scenario, and each workload and profile once. */
export interface StudyInputs {
  inputs: Array<{ values: Record<string, number | string | boolean>; scenario: unknown; scenario_file: string; profile: number; workloads: Record<string, number>; guest_oses?: Record<string, number> }>;
  workloads: Array<{ file: string; workload: unknown }>;
  profiles: Array<{ file: string; profile: unknown }>;
  guest_oses?: Array<{ file: string; guest_os: unknown }>;
}

export function studyInputs(sweep: ExpandedSweep): StudyInputs {
  // Each workload and profile the points share is written once (points name them by index): a sweep
  // of 20,000 points over one workload wrote it 20,000 times (a 64 MB manifest).
  const workloads: StudyInputs['workloads'] = [];
  const profiles: StudyInputs['profiles'] = [];
  const guestOses: NonNullable<StudyInputs['guest_oses']> = [];
  const seen = new Map<object, number>();
  const indexIn = <T>(list: T[], key: object, item: () => T) => {
    let k = seen.get(key);
    if (k === undefined) {
      seen.set(key, (k = list.length));
      list.push(item());
    }
    return k;
  };
  const inputs = sweep.points.map((p) => ({
    values: p.values,
    scenario: p.resolved.scenario as unknown,
    scenario_file: p.resolved.file,
    profile: indexIn(profiles, p.resolved.profile, () => ({ file: p.resolved.profileFile, profile: p.resolved.profile as unknown })),
    workloads: Object.fromEntries([...p.resolved.workloads.entries()].map(([key, w]) => [key, indexIn(workloads, w.workload, () => ({ file: w.file, workload: w.workload as unknown }))])),
    ...(p.resolved.guestOses && p.resolved.guestOses.size > 0
      ? { guest_oses: Object.fromEntries([...p.resolved.guestOses.entries()].map(([key, g]) => [key, indexIn(guestOses, g.guestOs, () => ({ file: g.file, guest_os: g.guestOs as unknown }))])) }
      : {}),
  }));
  return { inputs, workloads, profiles, ...(guestOses.length > 0 ? { guest_oses: guestOses } : {}) };
}

/**
 * The manifest of a study (study, sweep, merge, replicated run/compare). A merge has no sweep: it
 * carries the inputs over from its shards' manifests, so a merged result can be rerun too.
 */
export function studyManifestJson(startedAt: Date, state: StudyState | undefined, sweep: ExpandedSweep | undefined, records: StudyRecord[], extra: Record<string, unknown> = {}, carried?: StudyInputs): string {
  return text({
    ...header(startedAt),
    kind: 'study',
    resolved_command: state && state.sweep_file !== 'default study' && sweep ? commandLine(['sweep', state.sweep_file, '--replications', String(state.replications), ...(state.shard ? ['--shard', `${state.shard.index}/${state.shard.count}`] : [])]) : undefined,
    study: state,
    seeds: records.map((r) => ({ key: r.key, seed: r.seed })),
    ...(sweep ? studyInputs(sweep) : (carried ?? {})),
    ...extra,
  });
}
