// `exitsim explain EXIT_REASON`: one exit, stage by stage.
import type { Command } from 'commander';
import { InputError, describeValue } from '../../config/errors.js';
import { loadProfile } from '../../config/load.js';
import { didYouMean } from '../../config/suggest.js';
import { explainExit } from '../../exits/explain.js';
import { featureSetLabel, parseFeatureSet } from '../../exits/features.js';
import { allExitReasonNames, parseExitReason } from '../../exits/reasons.js';
import { checkFeaturesAgainstProfile, supportedFeatures } from '../../model/build.js';
import { explainJson, explainText } from '../../output/explain.js';
import { CLI, collect, featuresFlag } from '../options.js';

function explainCommand(reasonText: string, o: { profile: string; features?: string[]; json?: boolean }): void {
  const reason = parseExitReason(reasonText);
  if (reason === undefined) {
    throw new InputError(CLI, 'EXIT_REASON', 'an exit reason name, alias or number (exitsim list exit-reasons)', describeValue(reasonText), didYouMean(reasonText.toUpperCase(), allExitReasonNames()));
  }
  const profile = loadProfile(o.profile).profile;
  // The default preset falls back to what the profile supports (and says so); a set the user names is checked.
  const features = o.features ? featuresFlag(o.features.join(',')) : supportedFeatures(parseFeatureSet('modern'), profile);
  if (o.features) checkFeaturesAgainstProfile(features, profile, CLI);
  else if (features !== parseFeatureSet('modern')) process.stderr.write(`exitsim: note: ${profile.generation} lacks part of the default preset modern: features ${featureSetLabel(features)}\n`);
  const e = explainExit(reason, profile, features);
  process.stdout.write(o.json ? explainJson(e, profile, featureSetLabel(features)) : explainText(e, profile, featureSetLabel(features)));
}

export function register(program: Command): void {
  program
    .command('explain')
    .argument('<EXIT_REASON>')
    .description('one exit of that reason, stage by stage, with cycles')
    .option('--profile <name>', 'CPU profile', 'sapphire-rapids')
    .option('--features <list>', 'feature set (default: modern, or what the profile supports of it)', collect)
    .option('--json', 'machine-readable output')
    .action((reason: string, o: { profile: string; features?: string[]; json?: boolean }) => explainCommand(reason, o));
}
