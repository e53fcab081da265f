// What every command shares: flag parsers that refuse bad values with one
// clear message, the common scenario flags, feature-set flags checked against
// the CPU profile, the cost estimate before a run, and the output-folder check.
import { VM_TYPES, type VmType } from '../config/schema.js';
import { SPECTRE_V2_MODES, type SpectreV2Mode } from '../config/guest-os.js';
import { shippedGuestOsNames } from '../config/load.js';
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { checkReplaceable, claimFolder } from '../io/output-folder.js';
import { InputError, describeValue } from '../config/errors.js';
import { didYouMean } from '../config/suggest.js';
import { estimateGuestEvents } from '../model/build.js';
import { type ResolvedScenario, type ScenarioOverrides } from '../request/scenario.js';
import { parseFeatureText, requestFeatureLabels, requestFeatureSets, resolveRequest } from '../request/request.js';
import { buildRunModel } from '../request/run-path.js';
import { SEQUENTIAL_MAX_REPLICATIONS, ASSUMED_EVENTS_PER_SECOND, DEFAULT_HOST, QUICK_DURATION_SEC, QUICK_WARMUP_SEC, REFUSE_EVENTS, WARN_EVENTS } from '../experiment/settings.js';

/** The "file" of a message about a flag. */
export const CLI = 'command line';

/**
 * Estimates a run's cost before anything starts: refuses one that would take
 * hours (unless --allow-long) and warns, with the estimate, about a long one.
 */
export function checkCost(runs: Array<{ r: ResolvedScenario; sets: number[] }>, repeat: number, allowLong: boolean | undefined): void {
  let events = 0;
  for (const { r, sets } of runs) {
    for (const f of [0, ...sets]) events += estimateGuestEvents(buildRunModel(r, f, { nativeMode: f === 0 })) * repeat;
  }
  const seconds = events / ASSUMED_EVENTS_PER_SECOND;
  const human = seconds < 120 ? `${seconds.toFixed(0)} s` : seconds < 7200 ? `${(seconds / 60).toFixed(0)} min` : `${(seconds / 3600).toFixed(1)} h`;
  if (events > REFUSE_EVENTS && !allowLong) {
    throw new InputError(CLI, '--duration', `a run of at most ~${(REFUSE_EVENTS / 1e9).toFixed(0)}e9 guest events (or --allow-long)`, `~${events.toExponential(1)} events, about ${human} of CPU time`, ' — shorten --duration, lower the rates, or use --aggregate');
  }
  if (events > WARN_EVENTS) process.stderr.write(`exitsim: warning: ~${events.toExponential(1)} guest events, about ${human} of CPU time (spread over the worker threads)\n`);
}

/** As in sweep files: beyond this a CI is narrower than any model input is known. */
export const MAX_REPLICATIONS = 10_000;

export function intFlag(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InputError(CLI, flag, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`, describeValue(text));
    }
    return n;
  };
}

/** An output folder: not an empty path (which would write nothing and say nothing). */
export function dirFlag(flag: string) {
  return (text: string): string => {
    if (text.trim() === '') throw new InputError(CLI, flag, 'a folder to write to', "'' (an empty path)");
    return text;
  };
}

/** Host ticks run at tens to thousands of Hz; a megahertz tick is a typo. */
export const MAX_HOST_TICK_HZ = 1_000_000;

/** A decimal number as people type it (no hex, binary or octal: "0x10" is not 16 here). */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Shortest simulated window a flag accepts: a microsecond (thousands of cycles). */
export const MIN_SECONDS = 1e-6;
/** Longest: a simulated day (the cost estimate refuses far less, but a typo should not get that far). */
export const MAX_SECONDS = 86_400;

export function secondsFlag(flag: string, allowZero: boolean) {
  return (text: string): number => {
    const n = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || (n > 0 && n < MIN_SECONDS) || n > MAX_SECONDS) {
      throw new InputError(CLI, flag, `${allowZero ? '0 or ' : ''}a decimal number of seconds between ${MIN_SECONDS} and ${MAX_SECONDS}`, describeValue(text));
    }
    return n;
  };
}

/** A number in (lo, hi) or [0, ∞) style range checked by `ok`, for flags like --delta and --speed. */
export function numberFlag(flag: string, expected: string, ok: (n: number) => boolean) {
  return (text: string): number => {
    const n = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(n) || !ok(n)) throw new InputError(CLI, flag, expected, describeValue(text));
    return n;
  };
}

/** Repeatable flags collect into a list. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A --features value as bits (the request layer checks it: names, presets, one preset per set). */
export function featuresFlag(text: string): number {
  return parseFeatureText(text);
}

export interface CommonOptions {
  features?: string[];
  /** One profile; compare collects a list (several CPUs). */
  profile?: string | string[];
  pcpus?: number;
  vms?: number;
  vcpus?: number;
  scheduler?: 'pinned' | 'round-robin' | 'fair';
  duration?: number;
  warmup?: number;
  seed?: number;
  hostTick?: number;
  vmType?: VmType;
  guestOs?: string;
  guestKpti?: 'on' | 'off';
  spectreV2?: SpectreV2Mode;
  json?: boolean;
  out?: string;
  /** The old name of --out (main.ts moves it into `out`). */
  csv?: string;
  force?: boolean;
  quick?: boolean;
  workers?: number;
  replications?: number;
  aggregate?: boolean;
  allowLong?: boolean;
}

/** One --profile: a second one is refused where it would be ignored (only compare compares CPUs). */
function oneProfile(p: string | string[] | undefined): string | undefined {
  if (!Array.isArray(p)) return p;
  if (p.length > 1) throw new InputError(CLI, '--profile', 'one --profile (compare is the command that compares CPUs)', `${p.length}: ${p.join(', ')}`);
  return p[0];
}

/**
 * The options most commands share. A command leaves out the ones it does not use (`omit`, by long
 * name), so that they are an error there rather than listed and ignored.
 */
export function addCommon(cmd: Command, multiFeatures: boolean, omit: string[] = []): Command {
  const options: Option[] = [
    new Option('--features <list>', multiFeatures ? 'a feature set; repeat for each set to compare (the first is the baseline; default: compare none and modern, the others the scenario\'s)' : 'feature names and/or presets, comma-separated (default: the scenario\'s; a workload alone: modern, or what the profile supports of it)').argParser(collect),
    cmd.name() === 'compare'
      ? new Option('--profile <name>', `CPU profile, exitsim list profiles; repeat to compare CPUs (Intel against AMD) under the same feature sets (default: the scenario's; a workload alone: ${DEFAULT_HOST.profile})`).argParser(collect)
      : new Option('--profile <name>', `CPU profile, exitsim list profiles (default: the scenario's; a workload alone: ${DEFAULT_HOST.profile})`).argParser(collect),
    new Option('--pcpus <n>', `host pCPUs (default: the scenario's; a workload alone: ${DEFAULT_HOST.pcpus}, or enough for its vCPUs)`).argParser(intFlag('--pcpus', 1, 4096)),
    new Option('--vms <n>', `VMs of the workload (default: ${DEFAULT_HOST.vms})`).argParser(intFlag('--vms', 1, 100_000)),
    new Option('--vcpus <n>', `vCPUs per VM (default: the scenario's; a workload alone: ${DEFAULT_HOST.vcpus})`).argParser(intFlag('--vcpus', 1, 4096)),
    new Option('--scheduler <policy>', `host scheduler (default: the scenario's; a workload alone: ${DEFAULT_HOST.scheduler})`).choices(['pinned', 'round-robin', 'fair']),
    new Option('--duration <seconds>', `simulated seconds after warm-up (default: the scenario's; a workload alone: ${DEFAULT_HOST.durationSec})`).argParser(secondsFlag('--duration', false)),
    new Option('--warmup <seconds>', `simulated warm-up seconds, discarded (default: the scenario's; a workload alone: ${DEFAULT_HOST.warmupSec})`).argParser(secondsFlag('--warmup', true)),
    new Option('--seed <n>', 'random seed (default: the scenario\'s, else 1)').argParser(intFlag('--seed', 0)),
    new Option('--host-tick <hz>', 'host timer tick, 0 = none (default: the scenario\'s, else 250)').argParser(intFlag('--host-tick', 0, MAX_HOST_TICK_HZ)),
    new Option('--vm-type <type>', "plain; nested (an L2 guest of a KVM hypervisor in a VM); or a confidential VM: tdx (an Intel TD), sev-es, sev-snp (default: the scenario's, else plain)").choices([...VM_TYPES]),
    new Option('--guest-os <name>', `the guest OS its workloads run (${shippedGuestOsNames().join(', ')}, or a file): what a context switch, a syscall and an interrupt write (default: the scenario's, else each workload's)`),
    new Option('--guest-kpti <on|off>', "the guest's page-table isolation: two CR3 writes per kernel entry (default: the guest OS's choice for the CPU: on where it is Meltdown-affected)").choices(['on', 'off']),
    new Option('--spectre-v2 <mode>', "the guest kernel's Spectre v2 mitigation: retpoline, eibrs, or ibrs (legacy IBRS: two SPEC_CTRL writes per kernel entry) (default: the guest OS's choice for the CPU)").choices([...SPECTRE_V2_MODES]),
    new Option('--quick', `a short run for smoke tests (${QUICK_DURATION_SEC} s)`),
    new Option('--workers <n>', 'worker threads (default: one per core, at most one per job)').argParser(intFlag('--workers', 1)),
    new Option('--replications <n>', 'independent seeds (seed, seed+1, …); figures get a mean and a 95% CI (default: 1)').argParser(intFlag('--replications', 1, MAX_REPLICATIONS)),
    new Option('--aggregate', 'aggregated fast mode: batch non-interacting guest events (exact is the default)'),
    new Option('--allow-long', 'run even when the cost estimate says hours'),
    new Option('--json', 'print a machine-readable summary on stdout (nothing else)'),
    new Option('--out <dir>', 'write the result files (CSV, manifest) to DIR (default: none written)').argParser(dirFlag('--out')),
    // The old name of --out, kept for one release (main.ts says so when it is used).
    new Option('--csv <dir>').argParser(dirFlag('--csv')).hideHelp(),
    new Option('--force', 'replace results already in the --out folder'),
  ];
  for (const option of options) if (!omit.includes(option.long as string)) cmd.addOption(option);
  return cmd;
}

/** --guest-os names a shipped guest OS profile or a file (refused on the command line, before anything runs). */
export function checkGuestOsFlag(name: string): void {
  if (shippedGuestOsNames().includes(name) || (fs.existsSync(name) && fs.statSync(name).isFile())) return;
  throw new InputError(CLI, '--guest-os', `a guest OS profile file or one of the shipped guest OS profiles (${shippedGuestOsNames().join(', ')})`, describeValue(name), didYouMean(name, shippedGuestOsNames()));
}

function overrides(o: CommonOptions): ScenarioOverrides {
  // --quick sets both windows: a --duration or --warmup beside it would be silently ignored.
  if (o.quick && (o.duration !== undefined || o.warmup !== undefined)) {
    throw new InputError(CLI, o.duration !== undefined ? '--duration' : '--warmup', `no window beside --quick (it runs ${QUICK_DURATION_SEC} s after ${QUICK_WARMUP_SEC} s of warm-up)`, o.duration !== undefined ? `--duration ${o.duration}` : `--warmup ${o.warmup}`, ' — drop --quick to choose the window');
  }
  // Replications use seeds seed, seed+1, …: all must be distinct, exact integers.
  // --ci-target may run up to SEQUENTIAL_MAX_REPLICATIONS replications: their seeds must stay exact too.
  const reps = (o as { ciTarget?: number }).ciTarget !== undefined ? SEQUENTIAL_MAX_REPLICATIONS : (o.replications ?? 1);
  if (o.seed !== undefined && o.seed + reps - 1 > Number.MAX_SAFE_INTEGER) {
    throw new InputError(CLI, '--seed', `a seed of at most 2^53 − ${reps} with ${reps} replications${reps !== (o.replications ?? 1) ? ' (the most --ci-target runs)' : ''} (they use seed, seed+1, …)`, String(o.seed));
  }
  if (o.guestOs !== undefined) checkGuestOsFlag(o.guestOs);
  return {
    pcpus: o.pcpus,
    vms: o.vms,
    vcpus: o.vcpus,
    profile: oneProfile(o.profile),
    scheduler: o.scheduler,
    durationSec: o.quick ? QUICK_DURATION_SEC : o.duration,
    warmupSec: o.quick ? QUICK_WARMUP_SEC : o.warmup,
    seed: o.seed,
    hostTickHz: o.hostTick,
    vmType: o.vmType,
    guest: o.guestOs === undefined && o.guestKpti === undefined && o.spectreV2 === undefined ? undefined : { os: o.guestOs, kpti: o.guestKpti === undefined ? undefined : o.guestKpti === 'on', spectreV2: o.spectreV2 },
  };
}

/** The scenario a command names (file or shipped workload), with the common flags applied. */
export function resolve(file: string, o: CommonOptions): ResolvedScenario {
  return resolveRequest(file, overrides(o));
}

/** The feature sets of --features (or `fallback`), each checked against the profile's CPU; notes go to stderr. */
export function featureSetsOf(o: { features?: string[] }, r: ResolvedScenario, fallback: string[]): number[] {
  return requestFeatureSets(o.features, r, fallback, (note) => process.stderr.write(`exitsim: note: ${note}\n`));
}

/** The labels of --features as typed (undefined: the canonical labels); see requestFeatureLabels. */
export function featureLabelsOf(o: { features?: string[] }): string[] | undefined {
  return requestFeatureLabels(o.features);
}

/**
 * Refuses an output folder before any simulation runs: a file of the user's where a result goes
 * (always), exitsim's own earlier results (without --force), a read-only folder, or one another
 * exitsim is writing; then holds the folder's lock until the command ends.
 */
export function checkCsvTarget(dir: string, force: boolean, names = ['runs.csv', 'vms.csv', 'exits.csv', 'manifest.json']): void {
  if (dir.trim() === '') throw new InputError(CLI, '--out', 'a folder to write to', "'' (an empty path)");
  claimFolder(dir);
  checkReplaceable(dir, names, force);
}

/** Paths relative to the working directory, for "wrote …" lines. */
export function relativePaths(files: string[]): string {
  return files.map((f) => path.relative(process.cwd(), f)).join(', ');
}

/** `--figure-size`: figures laid out for one column (3.5 in) or the page width (7 in), text ≥ 8 pt either way. */
export function figureSizeOption(): Option {
  return new Option('--figure-size <width>', 'figures sized for a single (3.5 in) or double (7 in) column').choices(['single', 'double']).default('double');
}
