// The files `run --out` writes (runs.csv, vms.csv, exits.csv, manifest.json),
// shared by the CLI and the TUI's save key.
import type { ResolvedScenario } from '../request/scenario.js';
import type { RunSummary } from '../metrics/summarize.js';
import { writeResultFiles } from '../io/atomic.js';
import { exitsCsv, runsCsv, vmsCsv } from './csv.js';
import { runManifestJson } from './manifest.js';

export function writeRunFiles(dir: string, inputs: ResolvedScenario[], runs: RunSummary[], startedAt: Date, force: boolean, aggregate = false, featureSets?: number[]): string[] {
  return writeResultFiles(
    dir,
    {
      'runs.csv': runsCsv(runs),
      'vms.csv': vmsCsv(runs),
      'exits.csv': exitsCsv(runs),
      'manifest.json': runManifestJson(startedAt, inputs, runs, aggregate, featureSets),
    },
    { force },
  );
}
