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

function validateCommand(file: string): void {
  const isData = /\.(json|ya?ml)$/i.test(file);
  if (!isData) {
    if (!fs.existsSync(file)) {
      const r = resolveScenario(file, {}); // a shipped workload name
      process.stdout.write(`${file}: valid workload (${r.file})\n`);
      return;
    }
    const m = readMeasurement(file);
    process.stdout.write(`${file}: valid ${m.format} measurement (${m.exits.length} exit reasons${m.tables > 1 ? `, ${m.tables} tables` : ''})\n`);
    return;
  }
  const data = readDataFile(file) as Record<string, unknown>;
  if (data && typeof data === 'object' && 'featureSets' in data && 'base' in data) {
    const sweep = loadSweep(file);
    process.stdout.write(`${file}: valid sweep (${sweep.points.length} points × ${sweep.featureSets.length} feature sets × ${sweep.spec.replications} replications)\n`);
    return;
  }
  if (data && typeof data === 'object' && 'stages' in data && 'calibration' in data) {
    const p = validate(Profile, data, file);
    process.stdout.write(`${file}: valid CPU profile (${p.generation})\n`);
    return;
  }
  const r = resolveScenario(file, {});
  // The scenario's feature set, checked as run checks it (a bad one is the file's fault).
  const [features] = featureSetsOf({}, r, [r.scenario.features]);
  buildRunModel(r, features);
  process.stdout.write(`${file}: valid ${looksLikeScenario(data) ? 'scenario' : 'workload'} (${r.scenario.vms.length} VM placement(s), profile ${r.profile.name})\n`);
}

export function register(program: Command): void {
  program.command('validate').argument('<file>').description('check an input file without running it').action((file: string) => validateCommand(file));
}
