// `exitsim list workloads|profiles|guest-os|features|exit-reasons`.
import { Option, type Command } from 'commander';
import { ARCHS, type Arch } from '../../exits/arch/index.js';
import { InputError, describeValue } from '../../config/errors.js';
import { loadGuestOs, loadProfile, loadWorkload, shippedGuestOsNames, shippedProfileNames, shippedWorkloadNames } from '../../config/load.js';
import type { GuestOs } from '../../config/guest-os.js';
import { didYouMean } from '../../config/suggest.js';
import { exitReasonsTable, featuresTable, guestOsTable, listJson, profilesTable, workloadsTable } from '../../output/lists.js';
import type { Profile, Workload } from '../../config/schema.js';
import { CLI } from '../options.js';

const WHAT = ['workloads', 'profiles', 'guest-os', 'features', 'exit-reasons'];

function listCommand(what: string, o: { json?: boolean; arch?: Arch }): void {
  if (o.arch !== undefined && what !== 'exit-reasons' && WHAT.includes(what)) {
    throw new InputError(CLI, '--arch', '--arch only with list exit-reasons', `list ${what} --arch ${o.arch}`);
  }
  if (o.json && WHAT.includes(what)) {
    const workloads = what === 'workloads' ? shippedWorkloadNames().map((n): [string, Workload] => [n, loadWorkload(n).workload]) : [];
    const profiles = what === 'profiles' ? shippedProfileNames().map((n): [string, Profile] => [n, loadProfile(n).profile]) : [];
    const oses = what === 'guest-os' ? shippedGuestOsNames().map((n): [string, GuestOs] => [n, loadGuestOs(n).guestOs]) : [];
    process.stdout.write(JSON.stringify(listJson(what, workloads, profiles, o.arch, oses), null, 2) + '\n');
    return;
  }
  switch (what) {
    case 'workloads':
      process.stdout.write(workloadsTable(shippedWorkloadNames().map((n) => [n, loadWorkload(n).workload])));
      return;
    case 'profiles':
      process.stdout.write(profilesTable(shippedProfileNames().map((n) => [n, loadProfile(n).profile])));
      return;
    case 'guest-os':
      process.stdout.write(guestOsTable(shippedGuestOsNames().map((n) => [n, loadGuestOs(n).guestOs])));
      return;
    case 'features':
      process.stdout.write(featuresTable());
      return;
    case 'exit-reasons':
      process.stdout.write(exitReasonsTable(o.arch));
      return;
    default:
      throw new InputError(CLI, 'list', `one of ${WHAT.join(', ')}`, describeValue(what), didYouMean(what, WHAT));
  }
}

export function register(program: Command): void {
  program
    .command('list')
    .argument('<what>', WHAT.join(' | '))
    .description('what is available')
    .option('--json', 'the list as JSON on stdout')
    .addOption(new Option('--arch <arch>', 'exit reasons of Intel VT-x (vmx) or AMD SVM (svm) (default: vmx)').choices([...ARCHS]))
    .action((what: string, o: { json?: boolean; arch?: Arch }) => listCommand(what, o));
}
