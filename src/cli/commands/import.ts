// `exitsim import`: a real measurement (perf kvm stat, kvm_stat, bcc kvmexit,
// SystemTap, trace-cmd) → a workload with the same exit mix.
import fs from 'node:fs';
import { ARCHITECTURES, archOf, type Arch } from '../../exits/arch/index.js';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { readGuestStat } from '../../import/guest-stat.js';
import { InputError, describeValue } from '../../config/errors.js';
import { loadProfile, loadWorkload, parseScenario, profilesDir, shippedGuestOsNames } from '../../config/load.js';
import { featureSetLabel, parseFeatureSet } from '../../exits/features.js';
import { deriveWorkload, measuredArch } from '../../import/derive.js';
import { readMeasurement } from '../../import/detect.js';
import { checkFeaturesAgainstProfile, supportedFeatures } from '../../model/profile-checks.js';
import { checkOutputPath, writeFilesTogether } from '../../io/output-file.js';
import { CLI, MAX_HOST_TICK_HZ, checkGuestOsFlag, collect, featuresFlag, intFlag, numberFlag, secondsFlag } from '../options.js';

interface ImportOptions {
  out?: string;
  /** The old name of --out (main.ts moves it into `out`). */
  output?: string;
  features?: string[];
  profile?: string;
  duration?: number;
  vcpus?: number;
  base?: string;
  unobserved?: string;
  table?: number;
  busyFraction?: number;
  apicMode?: 'xapic' | 'x2apic';
  hostTick?: number;
  guestOs?: string;
  guestStat?: string;
  name?: string;
  force?: boolean;
  json?: boolean;
}

/** The workload's file beside the scenario: OUT.json → OUT.workload.json. */
export function workloadFileFor(output: string): string {
  return output.replace(/(\.(json|ya?ml))?$/, '.workload.json');
}

function importCommand(file: string, o: ImportOptions): void {
  // Checked here, not by commander: --output (the old name) may stand in for it.
  if (o.out === undefined) throw new InputError(CLI, '--out', 'the scenario file to write (-o NAME.json)', 'nothing');
  const out = o.out;
  checkOutputPath(out, 'a file path (the scenario, and its workload beside it)');
  checkOutputPath(workloadFileFor(out), 'a file path (the scenario, and its workload beside it)');
  if (o.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/.test(o.name)) throw new InputError(CLI, '--name', 'a workload name of 1–100 letters, digits and _ . + - (starting with a letter or digit)', describeValue(o.name));
  const m = readMeasurement(file, o.table);
  // An AMD host's table (SVM names) defaults to a current AMD profile, an arm64 one (exception classes)
  // to an arm64 profile, an Intel one to a current Intel one.
  const arch = measuredArch(m);
  const measured = ARCHITECTURES[arch];
  const { profile, file: profileFile } = loadProfile(o.profile ?? measured.currentProfile);
  // Exit names are the vendor's: an Intel table replayed on an AMD profile (or the reverse) would write a
  // workload whose exits that CPU does not have.
  if (o.profile !== undefined && archOf(profile) !== measured) {
    throw new InputError(CLI, '--profile', `a CPU profile of the measured host's vendor (the table names ${measured.displayName} exits)`, `'${o.profile}' (${archOf(profile).displayName})`, ` — import with ${measured.currentProfile} or another ${measured.vendor} profile, then compare --profile ${o.profile} for the other vendor`);
  }
  if (measured.importedTable && o.profile === undefined && !o.json) process.stderr.write(`exitsim: note: ${measured.importedTable}: profile ${measured.currentProfile} assumed (--profile overrides)\n`);
  // The default preset falls back to what the profile has (modern on Altra: without GICv4); a named set is checked.
  const features = o.features ? featuresFlag(o.features.join(',')) : supportedFeatures(featuresFlag('modern'), profile);
  if (o.features) checkFeaturesAgainstProfile(features, profile, CLI);
  if (o.unobserved !== undefined && o.unobserved !== 'zero') throw new InputError(CLI, '--unobserved', "'zero'", describeValue(o.unobserved));
  const name = o.name ?? path.basename(out).replace(/\.(json|ya?ml)$/, '');
  if (o.guestOs !== undefined) checkGuestOsFlag(o.guestOs);
  const d = deriveWorkload(m, {
    name, features, profile, durationSec: o.duration, vcpus: o.vcpus, base: o.base ? loadWorkload(o.base).workload : undefined,
    unobserved: o.unobserved as 'zero' | undefined, busyFraction: o.busyFraction, apicMode: o.apicMode, hostTickHz: o.hostTick, guestOs: o.guestOs,
    guestStat: o.guestStat === undefined ? undefined : readGuestStat(o.guestStat),
  });
  // The scenario reproduces the measured host: one VM of the measured vCPUs, each on its own pCPU,
  // the measured features, profile and host tick; its workload is written beside it.
  const workloadFile = workloadFileFor(out);
  const scenario = {
    name,
    description: `Imported from ${file} (${m.format}): the measured VM on its host; exitsim run reproduces its exit rates, compare --features asks what-ifs.`,
    // A profile of the user's own (exitsim calibrate) is named by its path from the scenario's folder.
    host: { pcpus: d.vcpus, profile: path.resolve(path.dirname(profileFile)) === path.resolve(profilesDir()) ? profile.name : path.relative(path.dirname(path.resolve(out)), path.resolve(profileFile)), scheduler: 'pinned', hostTickHz: d.hostTickHz },
    vms: [{ workload: path.basename(workloadFile), vcpus: d.vcpus, count: 1 }],
    features: featureSetLabel(features, profile.arch),
    durationSec: Math.min(5, Math.max(1, d.windowSec)),
    warmupSec: 0.1,
    seed: 1,
  };
  parseScenario(scenario, out); // what is written must load
  for (const target of [out, workloadFile]) {
    if (fs.existsSync(target) && !o.force) throw new InputError(target, '--out', 'a new file (or --force to replace it)', 'an existing file');
  }
  writeFilesTogether([[workloadFile, JSON.stringify(d.workload, null, 2) + '\n'], [out, JSON.stringify(scenario, null, 2) + '\n']], out);
  if (o.json) {
    process.stdout.write(JSON.stringify({ file: out, workloadFile, format: m.format, scenario, workload: d.workload, assumptions: d.assumptions, notes: d.notes, unobservable: d.unobservable }, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    `imported ${m.format} from ${file}${m.tables > 1 ? ` (table ${m.table} of ${m.tables})` : ''}: ${m.exits.length} exit reasons → ${out} ` +
      `(scenario: 1 VM × ${d.vcpus} vCPU${d.vcpus === 1 ? '' : 's'}, ${profile.name}, ${featureSetLabel(features, profile.arch)}) and ${workloadFileFor(path.basename(out))} (${d.workload.kind} workload, ${d.workload.events.length} events)\n`,
  );
  if (d.assumptions.length > 0) {
    process.stdout.write('assumed, since the file does not say:\n');
    for (const a of d.assumptions) process.stdout.write(`  - ${a}\n`);
  }
  for (const n of d.notes) process.stdout.write(`  note: ${n}\n`);
  const best = supportedFeatures(parseFeatureSet('modern'), profile);
  // (Two sets can differ only in what the label leaves out for this VM — a nested-only feature: then
  // there is nothing more to compare on this host.)
  const whatIf =
    featureSetLabel(best, profile.arch) !== featureSetLabel(features, profile.arch)
      ? `exitsim compare ${out} --features ${featureSetLabel(features, profile.arch)} --features ${featureSetLabel(best, profile.arch)}   (what the rest of this host's features would buy)`
      : NEXT_WHAT_IF[profile.arch](out, profile.name);
  process.stdout.write(`next: exitsim run ${out}   (reproduces the measured exit rates)\n      ${whatIf}\n`);
}

/** The what-if import suggests once the host's own features are all on, by architecture (an exhaustive record). */
const NEXT_WHAT_IF: Record<Arch, (out: string, profile: string) => string> = {
  vmx: (out) => `exitsim run ${out} --profile sapphire-rapids --features modern   (the measured guest on a current host with every feature)`,
  svm: (out, profile) => `exitsim compare ${out} --profile ${profile} --profile sapphire-rapids --features modern   (the measured guest on this AMD host and on a current Intel one)`,
  arm64: (out, profile) => `exitsim compare ${out} --profile ${profile} --profile graviton3 --features modern   (the measured guest on this arm64 host and on a current one with VHE and GICv4.1)`,
};

export function register(program: Command): void {
  program
    .command('import')
    .argument('<measurement-file>')
    .description('perf kvm stat / kvm_stat / bcc kvmexit / SystemTap / trace-cmd output → a scenario (and its workload) with the same exit rates')
    .option('-o, --out <scenario.json>', 'the scenario file to write (required; its workload goes beside it, as NAME.workload.json)')
    .addOption(new Option('--output <scenario.json>').hideHelp())
    .option('--features <list>', 'the feature set the measurement was taken with (default modern)', collect)
    .option('--profile <name>', 'the CPU profile of the measured host (default sapphire-rapids; genoa for an AMD table)')
    .option('--duration <seconds>', 'the measured window, when the file does not say (default: 1 s, stated)', secondsFlag('--duration', false))
    .option('--vcpus <n>', 'vCPUs the counts cover, when the file does not say (default: the fewest its HLT time fits in, stated)', intFlag('--vcpus', 1, 4096))
    .option('--table <n>', 'which table of a file with several (default: the only one; several must be chosen)', intFlag('--table', 1))
    .option('--base <workload>', 'where events the measurement cannot show come from (default: none, see --unobserved)')
    .option('--unobserved <zero>', "assume the unobservable events are absent ('zero', the default, then stated)")
    .option('--busy-fraction <x>', 'share of time the guest runs, when HLT times are missing (default: 0.05, stated)', numberFlag('--busy-fraction', 'a share from 0.001 to 1 (the busy share derived from HLT time is held to the same floor)', (n) => n >= 0.001 && n <= 1))
    .addOption(new Option('--apic-mode <mode>', 'the guest APIC mode (default: x2apic)').choices(['xapic', 'x2apic']))
    .option('--host-tick <hz>', 'host tick of the measured host, its exits are subtracted (default: 250, lowered if the measured interrupts cannot hold it, stated)', intFlag('--host-tick', 0, MAX_HOST_TICK_HZ))
    .option('--guest-os <name>', `the measured guest's OS (${shippedGuestOsNames().join(', ')}, or a file): how CR_ACCESS splits into CR3 and CR0/CR4 writes under shadow paging (default linux-6.x)`)
    .option('--guest-stat <file>', 'a perf stat of the guest over the same window (context-switches, page-faults, raw_syscalls:sys_enter or syscalls:sys_enter_*): its activity becomes the workload\'s guest section, so a what-if brings back what the measured features hid (default: none; unobservable events then follow --base or --unobserved)')
    .option('--name <name>', 'workload name (default: the output file name)')
    .option('--force', 'replace an existing output file')
    .option('--json', 'machine-readable output')
    .action((file: string, o: ImportOptions) => importCommand(file, o));
}
