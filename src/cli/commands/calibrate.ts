// `exitsim calibrate`: a host's kvm-unit-tests output → a CPU profile of that host (src/calibrate/).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError, describeValue } from '../../config/errors.js';
import { loadProfile, validate } from '../../config/load.js';
import { Profile } from '../../config/schema.js';
import { MAX_MEASUREMENT_FILE_BYTES, readInputText } from '../../config/read-input.js';
import { ARCHITECTURES, ARCHS, archOf } from '../../exits/arch/index.js';
import { featureSetLabel } from '../../exits/features.js';
import { checkFeaturesAgainstProfile } from '../../model/profile-checks.js';
import { calibrate, suiteOf } from '../../calibrate/fit.js';
import { defaultFeatures, guessBase, looksNested } from '../../calibrate/base.js';
import { mergeLogs, parseKvmUnitTestsLog } from '../../calibrate/log.js';
import { calibratedProfile, type LogFile } from '../../calibrate/profile.js';
import { checkOutputPath, writeFilesTogether } from '../../io/output-file.js';
import { calibrationJson, calibrationText } from '../../output/calibrate.js';
import { CLI, collect, featuresFlag, numberFlag } from '../options.js';

interface CalibrateOptions {
  out?: string;
  base?: string;
  features?: string[];
  frequency?: number;
  name?: string;
  force?: boolean;
  json?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/;

function calibrateCommand(files: string[], o: CalibrateOptions): void {
  if (o.out === undefined) throw new InputError(CLI, '--out', 'the profile file to write (-o my-host.json)', 'nothing');
  const out = o.out;
  checkOutputPath(out, 'a file path (the profile to write)');
  const name = o.name ?? path.basename(out).replace(/\.(json|ya?ml)$/, '');
  if (!NAME.test(name)) throw new InputError(CLI, o.name !== undefined ? '--name' : '--out', 'a profile name of 1–100 letters, digits and _ . + - (starting with a letter or digit)', describeValue(name));
  // Replacing a file: only one calibrate wrote, and only with --force.
  if (fs.existsSync(out)) {
    if (!o.force) throw new InputError(out, '--out', 'a new file (or --force to replace a profile calibrate wrote)', 'an existing file');
    let ours = false;
    try {
      ours = loadProfile(out).profile.calibratedFrom !== undefined;
    } catch {
      ours = false;
    }
    if (!ours) throw new InputError(out, '--out', 'a profile exitsim calibrate wrote (--force replaces only those)', 'a file calibrate did not write', ' — choose another name; exitsim never replaces a file of yours');
  }
  const logs: LogFile[] = files.map((file) => ({ file, text: readInputText(file, MAX_MEASUREMENT_FILE_BYTES, 'kvm-unit-tests log') }));
  const log = mergeLogs(logs.map((l) => parseKvmUnitTestsLog(l.file, l.text)));
  // The base: named, or the nearest shipped profile of the log's architecture (said on stderr).
  let base: Profile;
  if (o.base !== undefined) {
    base = loadProfile(o.base).profile;
    const foreign = log.tests.find((t) => !archOf(base).kvmUnitTestsSuites.includes(suiteOf(t.test)));
    if (foreign) {
      const hosts = ARCHS.map((a) => ARCHITECTURES[a]).filter((d) => d.kvmUnitTestsSuites.includes(suiteOf(foreign.test)));
      throw new InputError(CLI, '--base', `an ${hosts.map((d) => d.displayName).join(' or ')} profile (the log has ${suiteOf(foreign.test)} figures, line ${foreign.line} of ${foreign.files[0]}: only such a host runs them)`, `'${o.base}' (${archOf(base).displayName})`);
    }
  } else {
    const g = guessBase(log.tests, log.suites);
    base = g.profile;
    if (!o.json) process.stderr.write(g.on.length === 0 ? `exitsim: note: base profile ${base.name} (${base.generation}): the log has no round-trip test (cpuid, vmcall, svm VMRUN/VMEXIT) to choose one on (--base chooses)\n` : `exitsim: note: base profile ${base.name} (${base.generation}): the nearest of ${g.candidates} shipped ${[...new Set(log.suites.length > 0 ? ARCHS.map((a) => ARCHITECTURES[a]).filter((d) => log.suites.every((s) => d.kvmUnitTestsSuites.includes(s))).map((d) => d.vendor) : [])].join(' and ')} profiles on ${g.on.join(' and ')} (--base chooses)\n`);
  }
  const features = o.features ? featuresFlag(o.features.join(',')) : defaultFeatures(base);
  if (o.features) checkFeaturesAgainstProfile(features, base, CLI);
  const nested = looksNested(log.tests, base, features);
  if (nested) {
    const t = log.tests.find((x) => x.test === nested.test)!;
    throw new InputError(t.files[0], `line ${t.line}`, `a plain VM's ${nested.test} (${base.name}: ${nested.plain} cycles)`, `${nested.measured} cycles, near ${base.name}'s nested (L2) guest (${nested.nested})`, ' — a log from a nested guest: calibrate fits the host\'s own costs; run the tests in a VM of the host itself (L1)');
  }
  // Cycles are TSC cycles: the profile's clock is the log's TSC rate, given or stated, else the base's.
  const frequency = o.frequency !== undefined
    ? { ghz: o.frequency, source: 'given with exitsim calibrate --frequency: the TSC rate of the host the kvm-unit-tests log came from' }
    : log.tscGHz !== undefined ? { ghz: Math.round(log.tscGHz * 1000) / 1000, source: `the TSC rate the kvm-unit-tests log states (${path.basename(log.file)})` } : undefined;
  if (!frequency && !o.json) process.stderr.write(`exitsim: note: the log does not say its TSC rate: ${base.frequencyGHz.value} GHz (${base.name}'s) kept — --frequency sets it (it turns cycles into seconds, not the fit)\n`);
  const fit = calibrate({ base, features, tests: log.tests });
  if (fit.fitted.length === 0) {
    throw new InputError(log.file, '(top level)', 'a test that determines one of the profile\'s costs (cpuid or vmcall, outl_to_kernel, inl_from_qemu, …)', `only ${log.tests.map((t) => t.test).join(', ')}, which ${base.name} under ${featureSetLabel(features, base.arch)} takes no exit on`);
  }
  const profile = calibratedProfile({ name, base, fit, logs, featuresLabel: featureSetLabel(features, base.arch), frequency });
  const text = JSON.stringify(profile, null, 2) + '\n';
  validate(Profile, JSON.parse(text), out); // what is written must load
  writeFilesTogether([[out, text]], out);
  const report = { out, name, base: base.name, features: featureSetLabel(features, base.arch), frequencyGHz: profile.frequencyGHz.value, frequencyStated: frequency !== undefined, log, fit };
  process.stdout.write(o.json ? calibrationJson(report) : calibrationText(report));
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .argument('<log...>', 'kvm-unit-tests output: x86/vmexit lines ("cpuid 1019"), svm latency lines, a run_tests.sh log or a raw serial log')
    .description("a CPU profile of your host from its kvm-unit-tests output: the fewest costs the tests determine, fitted; how well it reproduces and predicts them")
    .option('-o, --out <profile.json>', 'the profile file to write (required); use it with --profile FILE')
    .option('--base <profile>', 'the shipped profile to start from (default: the nearest on the log\'s round-trip tests, stated)')
    .option('--features <list>', 'the features the host ran the tests with (default: modern, less what the base CPU lacks)', collect)
    .option('--frequency <GHz>', "the host's TSC rate, when the log does not say it (default: the base's, stated)", numberFlag('--frequency', 'a TSC rate in GHz from 0.1 to 10', (n) => n >= 0.1 && n <= 10))
    .option('--name <name>', 'profile name (default: the output file name)')
    .option('--force', 'replace a profile an earlier calibrate wrote (never another file)')
    .option('--json', 'machine-readable output')
    .action((files: string[], o: CalibrateOptions) => calibrateCommand(files, o));
}
