// `exitsim study` (npm start): every shipped workload on the default host
// under the study presets, written to results/default-study/.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../config/load.js';
import { defaultStudySweeps } from '../../experiment/default-study.js';
import { parameterPaths, sweepLabels } from '../../experiment/sweep-spec.js';
import { ARM_PROFILE, DEFAULT_HOST, STUDY_PRESETS, VENDOR_PROFILE } from '../../experiment/settings.js';
import { readState, removeRecords, runStudy } from '../../experiment/study.js';
import { writeOwnedFile } from '../../io/atomic.js';
import { checkReplaceable, claimFolder, ownership } from '../../io/output-folder.js';
import { studyTables, writeStudyOutputs, STUDY_OUTPUT_NAMES } from '../../output/study-outputs.js';
import { formatDefaultStudy, formatVendorComparison } from '../../output/study-text.js';
import { progressReporter } from '../progress.js';
import { InputError } from '../../config/errors.js';
import { trackStudy } from '../interrupt.js';
import type { FigureSize } from '../../output/figures.js';
import { figureSizeOption, MAX_REPLICATIONS, dirFlag, intFlag, relativePaths } from '../options.js';

interface StudyOptions {
  force?: boolean;
  quick?: boolean;
  workers?: number;
  out?: string;
  replications?: number;
  json?: boolean;
  figureSize?: FigureSize;
}

async function studyCommand(o: StudyOptions): Promise<void> {
  const startedAt = new Date();
  const dir = o.out ?? path.join(packageRoot(), 'results', 'default-study');
  // The default study owns its folder and replaces it each time (SPEC §8); a folder the user names
  // is replaced only if it holds an earlier default study, or with --force.
  if (o.out !== undefined && !o.force && fs.existsSync(dir)) {
    const entries = fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).filter((f) => !f.startsWith('.')) : ['(a file)'];
    let earlier = false;
    try {
      earlier = JSON.parse(fs.readFileSync(path.join(dir, 'study.json'), 'utf8')).name === 'default-study';
    } catch {
      earlier = false;
    }
    if (entries.length > 0 && !earlier) {
      throw new InputError(dir, '--out', 'a new or empty folder, or one holding an earlier default study (or --force to replace it)', `a folder with ${entries.length} other entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`);
    }
  }

  const { main: sweep, vendor: vendorSweep } = defaultStudySweeps(o);
  const first = sweep.points[0].resolved.scenario;
  if (!o.json) process.stdout.write(
    `Default study: every shipped workload on the default host (${first.host.pcpus} pCPUs, ${first.host.profile}, ${first.host.scheduler}, ` +
      `${first.vms[0].count} VMs × ${first.vms[0].vcpus} vCPUs), ${first.durationSec} s simulated after ${first.warmupSec} s warm-up, presets ${STUDY_PRESETS.join(' / ')}; baseline none; then modern on ${VENDOR_PROFILE} (AMD) and ${ARM_PROFILE} (arm64)` +
      `${(o.replications ?? 1) > 1 ? `; ${o.replications} replications, mean ± 95% CI` : ''}.\n\n`,
  );
  // A finished study (its manifest is written last) is recomputed; an interrupted one resumes: its
  // finished jobs are on disk, and the same inputs give the same study identity.
  // Only exitsim's own run records go (the code may have changed since); every other file in the
  // folder stays, and a user's file where a result goes stops the study before it runs.
  const vendorDir = path.join(dir, 'intel-vs-amd');
  claimFolder(dir, '--out');
  checkReplaceable(dir, ['summary.txt', 'study.json', ...STUDY_OUTPUT_NAMES], true);
  if (fs.existsSync(vendorDir)) checkReplaceable(vendorDir, ['study.json', ...STUDY_OUTPUT_NAMES], true);
  for (const d of [dir, vendorDir]) {
    if (ownership(d, 'manifest.json') !== 'ours') continue;
    const earlier = readState(d);
    if (earlier) removeRecords(d, earlier.identity);
  }
  const t0 = Date.now();
  const res = await runStudy(sweep, { outputNames: STUDY_OUTPUT_NAMES, outDir: dir, workers: o.workers, force: true, replications: o.replications ?? 1, onProgress: trackStudy(dir, progressReporter('default study')) });
  const labels = sweepLabels(sweep);
  const points = sweep.points.map((p) => ({ index: p.index, workload: String(p.values['vms[0].workload']) }));
  // Intel against AMD: every workload under modern on both CPUs, side by side in their own folder
  // (the figures show one bar per workload and CPU).
  const vendor = await runStudy(vendorSweep, { outputNames: STUDY_OUTPUT_NAMES, outDir: vendorDir, workers: o.workers, force: true, replications: o.replications ?? 1, onProgress: trackStudy(dir, progressReporter(`default study: ${DEFAULT_HOST.profile} vs ${VENDOR_PROFILE} vs ${ARM_PROFILE}`)) });
  await writeStudyOutputs(vendorDir, vendorSweep, vendor.records, ['modern'], parameterPaths(vendorSweep.spec), `default study: ${DEFAULT_HOST.profile} vs ${VENDOR_PROFILE} vs ${ARM_PROFILE}, modern`, startedAt, {}, undefined, o.figureSize);
  const vendorRows = studyTables(vendor.records, ['modern']).summary;
  const onCpu = (workload: string, profile: string) => vendorRows.find((r) => r.values['vms[0].workload'] === workload && r.values['host.profile'] === profile);
  const cpus = [DEFAULT_HOST.profile, VENDOR_PROFILE, ARM_PROFILE];
  const vendorTable = formatVendorComparison(points.map((p) => ({ workload: p.workload, cpus: cpus.map((c) => onCpu(p.workload, c)) })), cpus);
  const text = formatDefaultStudy(studyTables(res.records, labels), res.records, points, STUDY_PRESETS, labels) + `\n\nIntel, AMD and arm64, features modern (${cpus.join(' vs ')}; ${VENDOR_PROFILE}'s figures rest on fewer published measurements — docs/validation.md §1 — and every ${ARM_PROFILE} cost is an estimate held at Altra's: §8):\n\n` + vendorTable;
  const wall = (Date.now() - t0) / 1000;
  // summary.txt first: the manifest, written last by writeStudyOutputs, marks the folder complete.
  writeOwnedFile(dir, 'summary.txt', text + '\n', true);
  const written = await writeStudyOutputs(dir, sweep, res.records, labels, parameterPaths(sweep.spec), 'default study', startedAt, {}, undefined, o.figureSize);
  if (o.json) {
    const t = studyTables(res.records, labels);
    const amd = vendorRows.filter((r) => r.values['host.profile'] === VENDOR_PROFILE);
    process.stdout.write(JSON.stringify({ name: 'default-study', out: dir, baseline: labels[0], replications: o.replications ?? 1, ran: res.ran + vendor.ran, reused: res.skipped + vendor.skipped, summary: t.summary, comparisons: t.comparisons, intel_vs_amd: { intel: DEFAULT_HOST.profile, amd: VENDOR_PROFILE, features: 'modern', amd_summary: amd, arm64: ARM_PROFILE, arm64_summary: vendorRows.filter((r) => r.values['host.profile'] === ARM_PROFILE) } }, null, 2) + '\n');
    return;
  }
  process.stdout.write(text + '\n\nefficiency = bare-metal cycles per unit ÷ virtualized host cycles per unit (SPEC §10)\n');
  process.stdout.write(`\n${res.records.length * labels.length + vendor.records.length} runs, ${(res.guestEvents + vendor.guestEvents).toLocaleString('en-US')} guest events in ${wall.toFixed(1)} s wall; wrote ${relativePaths([...written, path.join(dir, 'summary.txt'), vendorDir])}\n`);
}

export function register(program: Command): void {
  program
    .command('study')
    .description(`the default study: every shipped workload across presets ${STUDY_PRESETS.join(' / ')} (npm start)`)
    .option('--quick', 'short runs')
    .option('--workers <n>', 'worker threads (default: one per core)', intFlag('--workers', 1))
    .option('--out <dir>', 'output folder (default results/default-study, replaced each time; another folder only if empty, or holding an earlier default study)', dirFlag('--out'))
    .option('--force', 'replace whatever --out holds')
    .option('--replications <n>', 'independent seeds per run (default: 1)', intFlag('--replications', 1, MAX_REPLICATIONS))
    .option('--json', 'a machine-readable summary on stdout (nothing else)')
    .addOption(figureSizeOption())
    .action(async (o: StudyOptions) => studyCommand(o));
}
