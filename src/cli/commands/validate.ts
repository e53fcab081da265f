// `exitsim validate FILE`: checks any input file — workload, scenario, sweep,
// CPU profile or measurement — without running it.
import fs from 'node:fs';
import type { Command } from 'commander';
import { looksLikeScenario, readDataFile, validate } from '../../config/load.js';
import { Profile } from '../../config/schema.js';
import { buildRunModel } from '../../request/run-path.js';
import { resolveScenario } from '../../request/scenario.js';
import { loadSweep } from '../../experiment/sweep-spec.js';
import { readMeasurement } from '../../import/detect.js';
import { featureSetsOf } from '../options.js';
import { loadMigrationStudy, looksLikeMigrationStudy } from '../../migration/study.js';

function validateCommand(file: string, o: { json?: boolean } = {}): void {
  const say = (kind: string, text: string, details: Record<string, unknown> = {}) =>
    process.stdout.write(o.json ? JSON.stringify({ file, valid: true, kind, ...details }, null, 2) + '\n' : `${file}: valid ${text}\n`);
  const isData = /\.(json|ya?ml)$/i.test(file);
  if (!isData) {
    if (!fs.existsSync(file)) {
      const r = resolveScenario(file, {}); // a shipped workload name
      say('workload', `workload (${r.file})`, { resolved_file: r.file });
      return;
    }
    const m = readMeasurement(file);
    say('measurement', `${m.format} measurement (${m.exits.length} exit reasons${m.tables > 1 ? `, ${m.tables} tables` : ''})`, { format: m.format, exit_reasons: m.exits.length, tables: m.tables });
    return;
  }
  const data = readDataFile(file) as Record<string, unknown>;
  if (data && typeof data === 'object' && 'featureSets' in data && 'base' in data) {
    const sweep = loadSweep(file);
    say('sweep', `sweep (${sweep.points.length} points × ${sweep.featureSets.length} feature sets × ${sweep.spec.replications} replications)`, { points: sweep.points.length, feature_sets: sweep.featureSets.length, replications: sweep.spec.replications });
    return;
  }
  if (looksLikeMigrationStudy(data)) {
    const { points } = loadMigrationStudy(file);
    say('migration-study', `migration study (${points.length} points; run it with exitsim migrate)`, { points: points.length });
    return;
  }
  if (data && typeof data === 'object' && 'stages' in data && 'calibration' in data) {
    const p = validate(Profile, data, file);
    say('profile', `CPU profile (${p.generation})`, { generation: p.generation });
    return;
  }
  const r = resolveScenario(file, {});
  // The scenario's feature set, checked as run checks it (a bad one is the file's fault).
  const [features] = featureSetsOf({}, r, [r.scenario.features]);
  buildRunModel(r, features);
  const kind = looksLikeScenario(data) ? 'scenario' : 'workload';
  say(kind, `${kind} (${r.scenario.vms.length} VM placement(s), profile ${r.profile.name})`, { vm_placements: r.scenario.vms.length, profile: r.profile.name });
}

export function register(program: Command): void {
  program
    .command('validate')
    .argument('<file>')
    .description('check an input file without running it')
    .option('--json', 'a machine-readable verdict on stdout (a bad file still fails with its message and exit code 2)')
    .action((file: string, o: { json?: boolean }) => validateCommand(file, o));
}
