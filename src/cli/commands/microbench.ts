// `exitsim microbench`: kvm-unit-tests vmexit tests simulated, published figures beside.
import { VM_TYPES, type VmType } from '../../config/schema.js';
import { Option, type Command } from 'commander';
import { loadProfile } from '../../config/load.js';
import { featureSetLabel, vmFeatureSetLabel } from '../../exits/features.js';
import { checkFeaturesAgainstProfile, checkVmTypeAgainstProfile, supportedFeatures } from '../../model/profile-checks.js';
import { writeResultFiles } from '../../io/atomic.js';
import { microbenchCsv, microbenchTable } from '../../output/tables.js';
import { ARM_MICROBENCH_NOT_SIMULATED, MICROBENCH_NOT_SIMULATED, microbenchTestsFor, runMicrobench, svmLatencyRows, ARM_MICROBENCH_TESTS } from '../../experiment/microbench.js';
import { PUBLISHED_ARM_MICRO } from '../../validation/published.js';
import { PUBLISHED_MICRO } from '../../validation/published.js';
import { parseFeatureSet } from '../../exits/features.js';
import { CLI, checkCsvTarget, collect, dirFlag, featuresFlag } from '../options.js';

interface MicrobenchOptions {
  profile: string;
  vmType: VmType;
  features?: string[];
  json?: boolean;
  out?: string;
  csv?: string;
  force?: boolean;
}

function microbenchCommand(o: MicrobenchOptions): void {
  const profile = loadProfile(o.profile).profile;
  checkVmTypeAgainstProfile(o.vmType, profile, CLI, '--vm-type');
  // As explain: the default preset falls back to what the profile supports (and says so); a named set is checked.
  const features = o.features ? featuresFlag(o.features.join(',')) : supportedFeatures(parseFeatureSet('modern'), profile);
  if (o.features) checkFeaturesAgainstProfile(features, profile, CLI);
  else if (features !== parseFeatureSet('modern')) process.stderr.write(`exitsim: note: ${profile.generation} lacks part of the default preset modern: features ${featureSetLabel(features, profile.arch)}\n`);
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['microbench.csv']);
  const rows = runMicrobench(profile, features, o.vmType).map((r) => {
    const pub = PUBLISHED_MICRO.filter((p) => p.test === r.test && p.profile === profile.name && parseFeatureSet(p.features) === features && (p.vmType ?? 'plain') === o.vmType);
    const armPub = PUBLISHED_ARM_MICRO.filter((p) => p.test === r.test && p.profile === profile.name && parseFeatureSet(p.features) === features);
    return { ...r, published: [...pub.map((p) => ({ cycles: p.published, source: p.source.split(',')[0] })), ...armPub.map((p) => ({ cycles: Math.round(p.publishedNs * profile.frequencyGHz.value), ns: p.publishedNs, source: p.source.split(',')[0] }))] };
  });
  if (o.out) writeResultFiles(o.out, { 'microbench.csv': microbenchCsv(rows, profile.name, vmFeatureSetLabel(features, profile.arch, o.vmType)) }, { force: o.force ?? false });
  if (o.json) {
    const svm = svmLatencyRows(profile);
    process.stdout.write(JSON.stringify({ profile: profile.name, arch: profile.arch, vm_type: o.vmType, features: vmFeatureSetLabel(features, profile.arch, o.vmType), tests: rows, ...(svm.length ? { svm_latency: svm } : {}) }, null, 2) + '\n');
    return;
  }
  const arm = microbenchTestsFor(profile) === ARM_MICROBENCH_TESTS;
  process.stdout.write(`kvm-unit-tests ${arm ? 'arm/micro-bench' : 'vmexit'}, simulated on ${profile.name} (${profile.generation})${IN_VM[o.vmType]}, features ${vmFeatureSetLabel(features, profile.arch, o.vmType)}; cycles per iteration${arm ? ` (and ns at ${profile.frequencyGHz.value} GHz; published ns beside)` : ''}\n\n`);
  process.stdout.write(microbenchTable(rows, arm) + '\n\n');
  const svm = svmLatencyRows(profile);
  if (svm.length) {
    process.stdout.write(`kvm-unit-tests svm, single-level latencies (cycles the profile charges; published beside):\n${svm.map((r) => `  ${r.test.padEnd(26)} ${String(r.cycles).padStart(5)}   published ${r.published} (${r.host}; ${r.source})`).join('\n')}\n\n`);
  }
  process.stdout.write(`not simulated: ${(arm ? ARM_MICROBENCH_NOT_SIMULATED : MICROBENCH_NOT_SIMULATED).map(([t]) => t).join(', ')} (see docs/validation.md)\n`);
}

const IN_VM: Record<VmType, string> = { plain: '', nested: ' in a nested (L2) guest', tdx: ' in a TD (Intel TDX)', 'sev-es': ' in an SEV-ES guest', 'sev-snp': ' in an SEV-SNP guest' };

export function register(program: Command): void {
  program
    .command('microbench')
    .description('kvm-unit-tests vmexit tests simulated: cycles per iteration, with published figures beside')
    .option('--profile <name>', 'CPU profile', 'sapphire-rapids')
    .option('--features <list>', 'feature set (default modern)', collect)
    .addOption(new Option('--vm-type <type>', 'the guest the tests run in: plain; nested (an L2 guest of KVM in a VM); tdx, sev-es, sev-snp (a confidential VM)').choices([...VM_TYPES]).default('plain'))
    .option('--json', 'machine-readable output')
    .option('--out <dir>', 'write microbench.csv to DIR (default: none written)', dirFlag('--out'))
    .addOption(new Option('--csv <dir>').argParser(dirFlag('--csv')).hideHelp())
    .option('--force', 'replace an existing microbench.csv')
    .action((o: MicrobenchOptions) => microbenchCommand(o));
}
