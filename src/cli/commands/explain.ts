// `exitsim explain EXIT_REASON`: one exit, stage by stage.
import { VM_TYPES, type VmType } from '../../config/schema.js';
import { archOf } from '../../exits/arch/index.js';
import { Option, type Command } from 'commander';
import { InputError, describeValue } from '../../config/errors.js';
import { loadProfile } from '../../config/load.js';
import { didYouMean } from '../../config/suggest.js';
import { explainExit } from '../../exits/explain.js';
import { featureSetLabel, parseFeatureSet, vmFeatureSetLabel } from '../../exits/features.js';
import { allExitReasonNames, exitReasonName, parseExitReason } from '../../exits/reasons.js';
import { checkFeaturesAgainstProfile, checkVmTypeAgainstProfile, supportedFeatures } from '../../model/profile-checks.js';
import { explainJson, explainText } from '../../output/explain.js';
import { CLI, collect, featuresFlag } from '../options.js';

function explainCommand(reasonText: string, o: { profile: string; features?: string[]; json?: boolean; apicMode: 'xapic' | 'x2apic'; apic?: 'xapic' | 'x2apic'; vmType: VmType }): void {
  const profile = loadProfile(o.profile).profile;
  const arch = profile.arch;
  // Another architecture's name is read as this one's counterpart (EPT_VIOLATION → NPF on an AMD
  // profile, intr → EXTERNAL_INTERRUPT on an Intel one), and said so.
  const own = archOf(profile);
  const foreign = parseExitReason(reasonText, arch) === undefined ? own.foreignExitName?.(reasonText) : undefined;
  if (foreign !== undefined) process.stderr.write(`exitsim: note: ${reasonText.trim()} is not an ${own.displayName} exit; on ${profile.name} its counterpart is ${exitReasonName(foreign)}\n`);
  const reason = foreign ?? parseExitReason(reasonText, arch);
  if (reason === undefined) {
    const expected = `an ${own.displayName} exit name, alias or number on ${profile.name} (exitsim list exit-reasons --arch ${own.id})`;
    throw new InputError(CLI, 'EXIT_REASON', expected, describeValue(reasonText), didYouMean(reasonText.toUpperCase(), allExitReasonNames(arch)));
  }
  // The default preset falls back to what the profile supports (and says so); a set the user names is checked.
  checkVmTypeAgainstProfile(o.vmType, profile, CLI, '--vm-type');
  const features = o.features ? featuresFlag(o.features.join(',')) : supportedFeatures(parseFeatureSet('modern'), profile);
  if (o.features) checkFeaturesAgainstProfile(features, profile, CLI);
  else if (features !== parseFeatureSet('modern')) process.stderr.write(`exitsim: note: ${profile.generation} lacks part of the default preset modern: features ${featureSetLabel(features, arch)}\n`);
  const e = explainExit(reason, profile, features, o.apic ?? o.apicMode, o.vmType);
  const label = vmFeatureSetLabel(features, arch, o.vmType);
  process.stdout.write(o.json ? explainJson(e, profile, label) : explainText(e, profile, label));
}

export function register(program: Command): void {
  program
    .command('explain')
    .argument('<EXIT_REASON>')
    .description('one exit of that reason, stage by stage, with cycles')
    .option('--profile <name>', 'CPU profile', 'sapphire-rapids')
    .option('--features <list>', 'feature set (default: modern, or what the profile supports of it)', collect)
    // One name per flag across commands: import says --apic-mode too (--apic, the earlier name, still works).
    .addOption(new Option('--apic-mode <mode>', "the guest's APIC mode (on SVM without x2AVIC an x2APIC guest loses AVIC)").choices(['xapic', 'x2apic']).default('x2apic'))
    .addOption(new Option('--apic <mode>').choices(['xapic', 'x2apic']).hideHelp())
    .addOption(new Option('--vm-type <type>', 'plain; nested (the exit of an L2 guest, through L0 and its L1 hypervisor); tdx, sev-es, sev-snp (the exit of a confidential VM: #VE/#VC, TDCALL/VMGEXIT, the security monitor)').choices([...VM_TYPES]).default('plain'))
    .option('--json', 'machine-readable output')
    .action((reason: string, o: { profile: string; features?: string[]; json?: boolean; apicMode: 'xapic' | 'x2apic'; apic?: 'xapic' | 'x2apic'; vmType: VmType }) => explainCommand(reason, o));
}
