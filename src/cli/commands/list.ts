// `exitsim list workloads|profiles|features|exit-reasons`.
import type { Command } from 'commander';
import { InputError, describeValue } from '../../config/errors.js';
import { loadProfile, loadWorkload, shippedProfileNames, shippedWorkloadNames } from '../../config/load.js';
import { didYouMean } from '../../config/suggest.js';
import { exitReasonsTable, featuresTable, profilesTable, workloadsTable } from '../../output/lists.js';
import { CLI } from '../options.js';

const WHAT = ['workloads', 'profiles', 'features', 'exit-reasons'];

function listCommand(what: string): void {
  switch (what) {
    case 'workloads':
      process.stdout.write(workloadsTable(shippedWorkloadNames().map((n) => [n, loadWorkload(n).workload])));
      return;
    case 'profiles':
      process.stdout.write(profilesTable(shippedProfileNames().map((n) => [n, loadProfile(n).profile])));
      return;
    case 'features':
      process.stdout.write(featuresTable());
      return;
    case 'exit-reasons':
      process.stdout.write(exitReasonsTable());
      return;
    default:
      throw new InputError(CLI, 'list', `one of ${WHAT.join(', ')}`, describeValue(what), didYouMean(what, WHAT));
  }
}

export function register(program: Command): void {
  program.command('list').argument('<what>', WHAT.join(' | ')).description('what is available').action((what: string) => listCommand(what));
}
