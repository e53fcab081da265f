// `exitsim sensitivity`: every cost and rate perturbed ±x%, ranked by effect on efficiency.
import path from 'node:path';
import type { Command } from 'commander';
import { featureSetLabel } from '../../exits/features.js';
import { sensitivity } from '../../experiment/sensitivity.js';
import { writeResultFiles } from '../../io/atomic.js';
import { renderSvg, tornadoSpec } from '../../output/charts.js';
import { sensitivityCsv, sensitivityTable } from '../../output/tables.js';
import { addCommon, checkCsvTarget, featureSetsOf, numberFlag, resolve, type CommonOptions } from '../options.js';

type SensitivityOptions = CommonOptions & { delta: number; out?: string };

async function sensitivityCommand(file: string, o: SensitivityOptions): Promise<void> {
  const r = resolve(file, o);
  const [features] = featureSetsOf(o, r, [r.scenario.features]);
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['sensitivity.csv', 'tornado.svg']);
  const rows = await sensitivity(r, features, o.delta, { workers: o.workers });
  const title = `${r.scenario.name}, ${r.profile.name}, ${featureSetLabel(features)}: efficiency at ±${o.delta}%`;
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
    .option('--delta <pct>', 'perturbation in percent', numberFlag('--delta', 'a percentage between 0 and 100', (n) => n > 0 && n < 100), 20)
    .option('--out <dir>', 'write sensitivity.csv and tornado.svg to DIR')
    .action(async (file: string, o: SensitivityOptions) => sensitivityCommand(file, o));
}
