// `exitsim list workloads|profiles|guest-os|features|exit-reasons`.
import fs from 'node:fs';
import path from 'node:path';
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

/** Profiles in a folder the user names (list profiles --dir): each file must load, or the listing stops at it. */
function userProfiles(dir: string): Array<[string, Profile]> {
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new InputError(CLI, '--dir', 'a folder of CPU profiles', `'${dir}', which is not a folder`);
    entries = fs.readdirSync(dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(CLI, '--dir', 'a folder of CPU profiles', `'${dir}' (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const files = entries.filter((f) => /\.(json|ya?ml)$/i.test(f)).sort();
  if (files.length === 0) throw new InputError(CLI, '--dir', 'a folder holding CPU profiles (.json or .yaml)', `'${dir}', which holds none`);
  const shipped = new Set(shippedProfileNames());
  return files.map((f): [string, Profile] => {
    const { profile } = loadProfile(path.join(dir, f));
    // Two rows of one name could not be told apart (nor --profile NAME resolved).
    if (shipped.has(profile.name)) throw new InputError(path.join(dir, f), 'name', 'a name no shipped profile has', `'${profile.name}'`, ' — rename it (exitsim calibrate --name)');
    return [profile.name, profile];
  });
}

function listCommand(what: string, o: { json?: boolean; arch?: Arch; dir?: string }): void {
  if (o.dir !== undefined && what !== 'profiles') throw new InputError(CLI, '--dir', '--dir only with list profiles', `list ${what} --dir ${o.dir}`);
  if (o.arch !== undefined && what !== 'exit-reasons' && WHAT.includes(what)) {
    throw new InputError(CLI, '--arch', '--arch only with list exit-reasons', `list ${what} --arch ${o.arch}`);
  }
  if (o.json && WHAT.includes(what)) {
    const workloads = what === 'workloads' ? shippedWorkloadNames().map((n): [string, Workload] => [n, loadWorkload(n).workload]) : [];
    const profiles = what === 'profiles' ? [...shippedProfileNames().map((n): [string, Profile] => [n, loadProfile(n).profile]), ...(o.dir !== undefined ? userProfiles(o.dir) : [])] : [];
    const oses = what === 'guest-os' ? shippedGuestOsNames().map((n): [string, GuestOs] => [n, loadGuestOs(n).guestOs]) : [];
    process.stdout.write(JSON.stringify(listJson(what, workloads, profiles, o.arch, oses), null, 2) + '\n');
    return;
  }
  switch (what) {
    case 'workloads':
      process.stdout.write(workloadsTable(shippedWorkloadNames().map((n) => [n, loadWorkload(n).workload])));
      return;
    case 'profiles':
      process.stdout.write(profilesTable([...shippedProfileNames().map((n): [string, Profile] => [n, loadProfile(n).profile]), ...(o.dir !== undefined ? userProfiles(o.dir) : [])]));
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
    .option('--dir <folder>', 'list profiles: also the profiles in this folder (yours, e.g. from exitsim calibrate; default: the shipped ones only)')
    .action((what: string, o: { json?: boolean; arch?: Arch; dir?: string }) => listCommand(what, o));
}
