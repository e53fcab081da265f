// `exitsim sensitivity`: every cost and rate perturbed ±x%, ranked by effect on efficiency.
import path from 'node:path';
import { vmTypeOf } from '../../exits/vm-types/index.js';
import type { Command } from 'commander';
import { featureSetLabel, vmFeatureSetLabel } from '../../exits/features.js';
import { sensitivity } from '../../experiment/sensitivity.js';
import { writeResultFiles } from '../../io/atomic.js';
import { renderSvg, tornadoSpec } from '../../output/charts.js';
import { sensitivityCsv, sensitivityTable } from '../../output/tables.js';
import { CLI, addCommon, checkCsvTarget, featureSetsOf, numberFlag, resolve, type CommonOptions } from '../options.js';
import { InputError } from '../../config/errors.js';
import { simulatedTimeProgress } from '../progress.js';

type SensitivityOptions = CommonOptions & { delta: number };

async function sensitivityCommand(file: string, o: SensitivityOptions): Promise<void> {
  // Flags the common set lists that mean something else here, or nothing: refused or mapped, never ignored.
  if ((o.replications ?? 1) > 1) throw new InputError(CLI, '--replications', 'one seed per perturbation (sensitivity compares runs on the same seed; change it with --seed)', String(o.replications));
  const r = resolve(file, o);
  const sets = featureSetsOf(o, r, [r.scenario.features]);
  if (sets.length > 1) throw new InputError(CLI, '--features', 'one feature set (sensitivity perturbs one configuration)', `${sets.length} sets: ${sets.map((s) => featureSetLabel(s)).join(' / ')}`);
  const [features] = sets;
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['sensitivity.csv', 'tornado.svg']);
  const rows = await sensitivity(r, features, o.delta, { workers: o.workers, onProgress: simulatedTimeProgress(`${r.scenario.name} ±${o.delta}%`) });
  const title = `${r.scenario.name}, ${r.profile.name}${vmTypeOf(r.scenario.vmType).plain ? '' : ` (${r.scenario.vmType} guest)`}, ${vmFeatureSetLabel(features, r.profile.arch, r.scenario.vmType)}: efficiency at ±${o.delta}%`;
  if (o.out) {
    const svg = await renderSvg(tornadoSpec(rows, title, o.delta));
    writeResultFiles(o.out, { 'sensitivity.csv': sensitivityCsv(rows, o.delta), 'tornado.svg': svg }, { force: o.force ?? false });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ scenario: r.scenario.name, delta_pct: o.delta, rows }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`${title} (one parameter at a time, same seed), ranked by swing\n\n`);
  process.stdout.write(sensitivityTable(rows, o.delta));
  if (o.out) process.stdout.write(`wrote ${path.join(o.out, 'sensitivity.csv')}, ${path.join(o.out, 'tornado.svg')}\n`);
}

export function register(program: Command): void {
  addCommon(program.command('sensitivity').argument('<workload-or-scenario>').description('perturb every cost and rate ±x% and rank them by their effect on efficiency'), false)
    .option('--delta <pct>', 'perturbation in percent', numberFlag('--delta', 'a percentage from 0.1 to 99 (smaller changes drown in rounding)', (n) => n >= 0.1 && n <= 99), 20)
    .action(async (file: string, o: SensitivityOptions) => sensitivityCommand(file, o));
}
