// `exitsim explain` as text or JSON.
import type { Profile } from '../config/schema.js';
import type { Arch } from '../exits/arch/index.js';
import type { VmType } from '../exits/vm-types/index.js';
import type { ExitExplanation } from '../exits/explain.js';
import { pct, table } from './text.js';

export function explainJson(e: ExitExplanation, profile: Profile, featuresLabel: string): string {
  return JSON.stringify({ exit_reason: e.name, number: e.number, arch: e.arch, profile: profile.name, vm_type: e.vmType, features: featuresLabel, handler: e.handler, location: e.location, stages: Object.fromEntries(e.stages.map((s) => [s.what, s.cycles])), total_cycles: e.totalCycles }, null, 2) + '\n';
}

const IN_VM: Record<VmType, string> = { plain: '', nested: ', in a nested (L2) guest', tdx: ', in a TD (Intel TDX)', 'sev-es': ', in an SEV-ES guest', 'sev-snp': ', in an SEV-SNP guest' };

/** The first line of an explanation, in each architecture's words (an exhaustive record). */
const HEADLINE: Record<Arch, (e: ExitExplanation, profile: Profile, ghz: number, inVm: string, featuresLabel: string) => string> = {
  vmx: (e, profile, ghz, inVm, featuresLabel) => `${e.name} (basic exit reason ${e.number}) on ${profile.name} (${profile.generation}, ${ghz} GHz)${inVm}, features ${featuresLabel}`,
  arm64: (e, profile, ghz, inVm, featuresLabel) => `${e.name} (${e.number >= 0x100 ? `exception type ${e.number - 0x100}` : `ESR_EL2.EC 0x${e.number.toString(16).padStart(2, '0')}`}) on ${profile.name} (${profile.generation}, ${ghz} GHz, arm64 KVM, GIC${profile.arm64?.gicVersion ?? 'v3'})${inVm}, features ${featuresLabel}`,
  svm: (e, profile, ghz, inVm, featuresLabel) => `${e.name} (#VMEXIT code 0x${e.number.toString(16).padStart(3, '0')}) on ${profile.name} (${profile.generation}, ${ghz} GHz, AMD SVM)${inVm}, features ${featuresLabel}`,
};

export function explainText(e: ExitExplanation, profile: Profile, featuresLabel: string): string {
  const ghz = profile.frequencyGHz.value;
  const inVm = IN_VM[e.vmType] ?? '';
  const ns = (c: number) => (c / ghz).toFixed(1);
  const total = e.totalCycles;
  const out = [
    HEADLINE[e.arch](e, profile, ghz, inVm, featuresLabel),
    ...e.notes.map((n) => `note: ${n}`),
    e.rule
      ? `caused by guest event '${e.rule.event}': ${e.rule.why}${e.happens ? '' : ' — note: with these features this exit does not happen; shown as it would be'}`
      : 'no decision-table rule produces it: it reaches the engine only from imported workloads (raw exits)',
    '',
    table(['stage', 'cycles', 'ns', 'share', 'what'], [...e.stages.map((s) => [s.what, s.cycles, ns(s.cycles), pct(s.cycles / total), s.source]), ['round trip', total, ns(total), '100.00%', '']]),
    '',
    `Means of lognormal draws (stage CV ${profile.stageCv.value}, handler CV ${profile.handlerCv.value}). Calibration: ${profile.calibration.target} = ${profile.calibration.cycles} cycles (${profile.calibration.source}).`,
  ];
  return out.join('\n') + '\n';
}
