// exitsim calibrate, timed as a user runs it (a fresh process per case: bench/run.ts's inChild), on the
// published logs test/fixtures/kvm-unit-tests ships: the base guessed, then given.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot, loadProfile } from '../src/config/load.js';
import { calibrate, engineRunsSoFar } from '../src/calibrate/fit.js';
import { defaultFeatures, guessBase } from '../src/calibrate/base.js';
import { parseKvmUnitTestsLog } from '../src/calibrate/log.js';

/** log[:base] — no base: calibrate's guess. */
export const CALIBRATE_CASES = ['lutomirski-2017-vmexit.log', 'lutomirski-2017-vmexit.log:skylake-sp', 'avery-2019-svm.log'];

export interface CalibrateRun {
  log: string;
  base: string;
  wall_s: number;
  simulations: number;
  fitted: number;
  worst_reproduced_pct: number;
  worst_held_back_pct: number | null;
  worst_left_out_pct: number;
}

export function calibrateRun(spec: string): CalibrateRun {
  const [log, baseName] = spec.split(':');
  const file = path.join(packageRoot(), 'test', 'fixtures', 'kvm-unit-tests', log);
  const t0 = process.hrtime.bigint();
  const parsed = parseKvmUnitTestsLog(log, fs.readFileSync(file, 'utf8'));
  const base = baseName ? loadProfile(baseName).profile : guessBase(parsed.tests, parsed.suites).profile;
  const fit = calibrate({ base, features: defaultFeatures(base), tests: parsed.tests });
  // The engine runs behind the simulated tests (the svm latencies are closed forms).
  const simulations = engineRunsSoFar();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const worst = (xs: Array<{ errorPct: number }>) => Math.max(...xs.map((x) => Math.abs(x.errorPct)));
  return {
    log, base: base.name, wall_s: wall, simulations, fitted: fit.fitted.length,
    worst_reproduced_pct: worst(fit.reproduced), worst_held_back_pct: fit.heldBack.length > 0 ? worst(fit.heldBack) : null, worst_left_out_pct: worst(fit.leaveOneOut),
  };
}
