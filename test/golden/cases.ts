// Golden runs: whole seeded summaries of the shipped workloads, stored under
// test/golden/ and compared byte for byte (test/unit/golden.test.ts). A
// refactor changes no byte of them; a model change regenerates them on purpose
// (`npm run golden`) and says why in its commit.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveScenario, type ScenarioOverrides } from '../../src/request/scenario.js';
import { runScenario } from '../../src/experiment/runner.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import type { RunSummary } from '../../src/metrics/summarize.js';
import type { SweepFile } from '../../src/config/schema.js';
import { expandSweep, parameterPaths, sweepLabels } from '../../src/experiment/sweep-spec.js';
import { runStudy } from '../../src/experiment/study.js';
import { studyCsvFiles } from '../../src/output/study-outputs.js';

export interface GoldenCase {
  /** File name under test/golden/ (without .json). */
  name: string;
  /** What the case covers. */
  covers: string;
  workload: string;
  features: string;
  overrides: ScenarioOverrides;
  aggregate?: boolean;
}

/** Whole summaries, stored as JSON: closed and open workloads, locks and PLE, interrupts and halt polling, aggregated mode. */
export const GOLDEN_CASES: GoldenCase[] = [
  { name: 'kernel-build.modern', covers: 'closed workload, EPT walks, page faults', workload: 'kernel-build', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 3 } },
  { name: 'kernel-build.none', covers: 'closed workload, shadow paging, no VPID (TLB refills)', workload: 'kernel-build', features: 'none', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 3 } },
  { name: 'network-server.apicv', covers: 'open workload, arrival queue, device interrupts, halt polling, posted interrupts', workload: 'network-server', features: 'apicv', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 4 } },
  { name: 'network-server.none.fair', covers: 'open workload under overcommit, fair scheduler, interrupt exits', workload: 'network-server', features: 'none', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 4, pcpus: 2, scheduler: 'fair' } },
  { name: 'spinlock-job.nehalem.rr', covers: 'spin locks, lock-holder preemption, PLE and directed yield (round-robin, overcommit)', workload: 'spinlock-job', features: 'nehalem', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 5, pcpus: 2, scheduler: 'round-robin' } },
  { name: 'idle-guest.modern', covers: 'idle guest: HLT, NOHZ idle entry, timers', workload: 'idle-guest', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 6 } },
  { name: 'windows-desktop.none.aggregate', covers: 'aggregated mode (batched events)', workload: 'windows-desktop', features: 'none', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 7 }, aggregate: true },
  { name: 'oltp-database.nehalem.aggregate', covers: 'aggregated mode with I/O and IPIs', workload: 'oltp-database', features: 'nehalem', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 8 }, aggregate: true },
  { name: 'oltp-database.genoa.modern', covers: 'AMD SVM: the SVM world switch, NPF/IOIO/MSR exits, AVIC and AVIC_INCOMPLETE_IPI, the pause filter', workload: 'oltp-database', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 9, profile: 'genoa' } },
  { name: 'kernel-build.k8.none', covers: 'AMD SVM before nested paging: EXCP_PF and WRITE_CR3 exits, software decode without decode assists', workload: 'kernel-build', features: 'none', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 10, profile: 'k8' } },
  { name: 'network-server.nested.modern', covers: 'nested guest: reflected exits, L1 handlers (handler_l1), VMRESUME with nested entry emulation, exits by level', workload: 'network-server', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 11, vmType: 'nested' } },
  { name: 'kernel-build.nested.modern', covers: 'nested guest on EPT on EPT: first touches reflected to L1, then EPT02 filled by L0 alone', workload: 'kernel-build', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 16, vmType: 'nested' } },
  { name: 'kernel-build.tdx.modern', covers: 'Intel TD: #VE and TDVMCALL requests by sub-leaf, the TD-exit world switch, private-page acceptance (monitor), x2APIC forced', workload: 'kernel-build', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 12, vmType: 'tdx' } },
  { name: 'windows-desktop.tdx.modern', covers: 'Intel TD: MSR reads and emulated I/O through #VE, debug-register accesses that do not exit in a TD', workload: 'windows-desktop', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 13, vmType: 'tdx' } },
  { name: 'oltp-database.genoa.sev-snp', covers: 'AMD SEV-SNP: #VC and VMGEXIT sub-leaves, the VMSA world switch, AVIC inhibited, PVALIDATE on first touch', workload: 'oltp-database', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 14, profile: 'genoa', vmType: 'sev-snp' } },
  { name: 'oltp-database.graviton3.modern', covers: 'arm64 VHE, GICv4.1: HVC64/DABT_LOW/SYS64/WFx/IRQ exits, the untrapped virtual timer, direct vSGIs (the GICv3 sender still traps), WFE trapping', workload: 'oltp-database', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 22, profile: 'graviton3' } },
  { name: 'network-server.xgene.none', covers: 'arm64 split mode (no VHE), GICv2: the EL1 system-register and vGIC world switch, GICD_SGIR IPIs as data aborts, IRQ exits to inject', workload: 'network-server', features: 'none', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 23, profile: 'xgene' } },
  { name: 'idle-guest.rome.sev-es', covers: 'AMD SEV-ES: CPUID through VMGEXIT (no CPUID page), HLT as an automatic exit', workload: 'idle-guest', features: 'modern', overrides: { durationSec: 0.2, warmupSec: 0.05, seed: 15, profile: 'rome', vmType: 'sev-es' } },
];

export const SHIPPED_WORKLOADS = ['cpu-bound', 'idle-guest', 'kernel-build', 'network-server', 'oltp-database', 'spinlock-job', 'windows-desktop'];
export const PRESETS = ['none', 'nehalem', 'apicv', 'modern'];
export const SCHEDULERS = ['pinned', 'round-robin', 'fair'] as const;

/** One row of the matrix: every shipped workload × preset × scheduler, exact and aggregated. */
export interface MatrixCase {
  key: string;
  workload: string;
  features: string;
  overrides: ScenarioOverrides;
  aggregate: boolean;
}

export function matrixCases(): MatrixCase[] {
  const out: MatrixCase[] = [];
  for (const workload of SHIPPED_WORKLOADS) {
    for (const scheduler of SCHEDULERS) {
      // Pinned needs a pCPU per vCPU; the others run overcommitted (4 vCPUs on 2 pCPUs) so that their policy matters.
      const pcpus = scheduler === 'pinned' ? 4 : 2;
      for (const aggregate of [false, true]) {
        const key = `${workload}.${scheduler}${aggregate ? '.aggregate' : ''}`;
        for (const features of PRESETS) out.push({ key: `${key}.${features}`, workload, features, overrides: { durationSec: 0.1, warmupSec: 0.02, seed: 11, pcpus, scheduler }, aggregate });
      }
    }
  }
  // Architecture × VM type: each VM type on each architecture that can run it, under none and modern,
  // so a refactor of the platform code is guarded on every combination (not only on the presets above).
  const platforms: Array<[string, Array<NonNullable<ScenarioOverrides['vmType']>>]> = [
    ['sapphire-rapids', ['plain', 'nested', 'tdx']],
    ['genoa', ['plain', 'nested', 'sev-es', 'sev-snp']],
    ['k8', ['plain']],
  ];
  for (const workload of ['kernel-build', 'network-server', 'windows-desktop']) {
    for (const [profile, vmTypes] of platforms) {
      for (const vmType of vmTypes) {
        for (const features of ['none', 'modern']) {
          if (profile === 'k8' && features === 'modern') continue; // K8 has none of modern
          out.push({ key: `${workload}.${profile}.${vmType}.${features}`, workload, features, overrides: { durationSec: 0.05, warmupSec: 0.01, seed: 17, pcpus: 4, profile, vmType }, aggregate: false });
        }
      }
    }
  }
  return out;
}

/** A small sweep across CPUs and VM types (tuples), whose runs.csv and exits.csv are stored byte for byte. */
export const GOLDEN_SWEEP = {
  name: 'golden-sweep',
  base: { name: 'golden', host: { pcpus: 4 }, vms: [{ workload: 'oltp-database', vcpus: 2, count: 2 }], durationSec: 0.05, warmupSec: 0.01, seed: 21 },
  parameters: [{ paths: ['host.profile', 'vmType'], tuples: [['sapphire-rapids', 'plain'], ['sapphire-rapids', 'tdx'], ['genoa', 'plain'], ['genoa', 'sev-snp']] }],
  featureSets: ['none', 'modern'],
  replications: 2,
};

/** The golden sweep's CSV files (runs.csv, exits.csv), as `sweep --out` writes them. */
export async function sweepCsvTexts(): Promise<Record<string, string>> {
  const sweep = expandSweep(GOLDEN_SWEEP as unknown as SweepFile, 'golden sweep');
  const res = await runStudy(sweep, { workers: 1, replications: GOLDEN_SWEEP.replications });
  const files = studyCsvFiles(res.records, sweepLabels(sweep), parameterPaths(sweep.spec));
  return { 'sweep.runs.csv': files['runs.csv'], 'sweep.exits.csv': files['exits.csv'] };
}

export function summaryText(s: RunSummary): string {
  return JSON.stringify(s, null, 2) + '\n';
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function runGolden(c: { workload: string; features: string; overrides: ScenarioOverrides; aggregate?: boolean }): Promise<RunSummary> {
  const r = resolveScenario(c.workload, c.overrides);
  const out = await runScenario(r, [parseFeatureSet(c.features)], { workers: 1, aggregate: c.aggregate });
  return out.summaries[0];
}

/** The matrix as stored: one line per case, its summary's SHA-256 and efficiency (for a readable diff). */
export async function matrixText(): Promise<string> {
  const lines: Record<string, string> = {};
  for (const c of matrixCases()) {
    const s = await runGolden(c);
    lines[c.key] = `${digest(summaryText(s))} efficiency=${s.total.efficiency === null ? 'n/a' : s.total.efficiency.toFixed(6)}`;
  }
  return JSON.stringify(lines, null, 1) + '\n';
}

/** The stored golden folder, in the source tree (this file runs from dist/test/golden/). */
export function goldenDir(): string {
  const here = path.dirname(new URL(import.meta.url).pathname);
  for (const dir of [here, path.resolve(here, '../../../test/golden')]) if (fs.existsSync(path.join(dir, 'matrix.json'))) return dir;
  return path.resolve(here, '../../../test/golden');
}
