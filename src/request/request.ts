// A run request resolved: the scenario a command names (a file or a shipped workload) with its
// overrides, and its feature sets checked against the CPU profile. A library function: the CLI only
// parses flags into overrides and feature texts; the TUI, a script or a test ask the same way.
import { InputError, describeValue } from '../config/errors.js';
import { vmTypeOf } from '../exits/vm-types/index.js';
import { ARCHITECTURES, ARCHS, archOf } from '../exits/arch/index.js';
import { FEATURES, FEATURE_BIT, type FeatureName, FeatureParseError, PRESETS, SVM_FEATURE_NAMES, featureSetLabel, givenFeatureSetLabel, namedNestedOnlyFeatures, parseFeatureSet } from '../exits/features.js';
import { checkFeaturesAgainstProfile, supportedFeatures } from '../model/profile-checks.js';
import { resolveScenario, type ResolvedScenario, type ScenarioOverrides } from './scenario.js';

/** The "file" of a message about a flag. */
const CLI = 'command line';

/** A feature-set text as bits: names, presets (at most one, first), removals; refused with one clear message. */
export function parseFeatureText(text: string): number {
  const words = text.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== '');
  if (words.length === 0) throw new InputError(CLI, '--features', 'a feature set: a preset (none, nehalem, modern, …), feature names, or both', describeValue(text));
  // A set starts from at most one preset; "none,modern" is two sets written as one.
  const presets = words.filter((w, i) => w in PRESETS && (i === 0 || !(w in FEATURE_BIT)));
  if (presets.length > 1) {
    throw new InputError(CLI, '--features', 'one preset per feature set, first, then features to add or remove (modern,-ipiv)', `'${text}', which names ${presets.length} presets`, ` — to compare them, give each its own --features: ${presets.map((p) => `--features ${p}`).join(' ')}`);
  }
  try {
    return parseFeatureSet(text);
  } catch (err) {
    if (err instanceof FeatureParseError) {
      throw new InputError(CLI, '--features', `feature names or presets (${[...new Set([...Object.keys(PRESETS), ...FEATURES.map(([n]) => n), ...SVM_FEATURE_NAMES.map(([n]) => n)])].join(', ')})`, `'${err.found}'`, err.hint);
    }
    throw err;
  }
}

/** The scenario a request names (file or shipped workload), with its overrides applied; its own feature set checked. */
export function resolveRequest(file: string, overrides: ScenarioOverrides): ResolvedScenario {
  const r = resolveScenario(file, overrides);
  // The file's feature set is checked even where --features (or compare's default) replaces it: a
  // bad field is refused, not silently unused.
  try {
    parseFeatureText(r.scenario.features);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(r.file, 'features', err.expected, err.found, err.hint);
    throw err;
  }
  return r;
}

/** The feature sets of --features (or `fallback`), each checked against the profile's CPU. */
export function requestFeatureSets(features: string[] | undefined, r: ResolvedScenario, fallback: string[], onNote: (note: string) => void = () => {}): number[] {
  const fromFlags = Boolean(features && features.length > 0);
  const texts = fromFlags ? (features as string[]) : fallback;
  // A bad set in a scenario file is the file's fault, not the command line's.
  const sets = texts.map((t) => {
    if (fromFlags) return parseFeatureText(t);
    try {
      return parseFeatureText(t);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(r.file, 'features', err.expected, err.found, err.hint);
      throw err;
    }
  });
  // A nested-only feature named for a VM that is not nested is a mistake, not a no-op.
  if (!vmTypeOf(r.scenario.vmType).nested) {
    for (const t of texts) {
      const named = namedNestedOnlyFeatures(t);
      if (named.length > 0) {
        throw new InputError(fromFlags ? CLI : r.file, fromFlags ? '--features' : 'features', `features a ${r.scenario.vmType} VM can use (${named.join(', ')} ${named.length > 1 ? 'apply' : 'applies'} only to a nested guest)`, `'${named[0]}'`, ' — add --vm-type nested, or leave it out');
      }
    }
  }
  // A nested feature of the other vendor, named on purpose, is a mistake too: it would change nothing
  // and its label would hide that (three rows all reading 'none').
  for (const t of texts) {
    for (const name of namedNestedOnlyFeatures(t)) {
      const own = archOf(r.profile);
      const vendor = ARCHS.map((a) => ARCHITECTURES[a]).find((d) => d !== own && d.nestedFeatures.includes(name as FeatureName) && !own.nestedFeatures.includes(name as FeatureName));
      if (vendor) {
        throw new InputError(fromFlags ? CLI : r.file, fromFlags ? '--features' : 'features', `nested features of CPU profile '${r.profile.name}' (${own.displayName}: ${own.nestedFeatures.map((f) => featureSetLabel(FEATURE_BIT[f], own.id, true)).join(', ')})`, `'${name}'`, name === 'evmcs' ? " — the enlightened VMCS is Hyper-V's VT-x interface; drop it on an AMD profile" : ` — ${name} is an ${vendor.displayName} mechanism; drop it`);
      }
    }
  }
  // The default preset (modern) falls back to what the profile supports, and says so; otherwise a
  // feature the CPU lacks is the flag's fault, or the scenario file's.
  return sets.map((s, i) => {
    // A default is not the scenario file's words: compare's none and modern, or a file without features.
    const scenarioWrote = !r.featuresDefaulted && texts[i] === r.scenario.features;
    if (!fromFlags && !scenarioWrote && texts[i].trim().toLowerCase() === 'modern') {
      const supported = supportedFeatures(s, r.profile);
      if (supported !== s) onNote(`${r.profile.generation} lacks part of the preset modern: running features ${featureSetLabel(supported, r.profile.arch)} (--features overrides)`);
      return supported;
    }
    checkFeaturesAgainstProfile(s, r.profile, fromFlags ? CLI : r.file);
    return s;
  });
}


/**
 * The labels of the sets requestFeatureSets returned: each as the user typed it on the command line,
 * else (a scenario file's or a default set, which the profile may have narrowed) none: the canonical one.
 * Two texts for one label (modern and Modern) fall back to the canonical labels too.
 */
export function requestFeatureLabels(features: string[] | undefined): string[] | undefined {
  if (!features || features.length === 0) return undefined;
  const given = features.map(givenFeatureSetLabel);
  return new Set(given).size === given.length ? given : undefined;
}
