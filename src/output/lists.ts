// `exitsim list …` tables: shipped workloads, CPU profiles, features and presets, exit reasons.
import type { GuestOs } from '../config/guest-os.js';
import type { Profile, Workload } from '../config/schema.js';
import type { Arch } from '../exits/arch/index.js';
import { ARM64_FEATURE_NAMES, FEATURES, PRESETS, SVM_FEATURE_NAMES } from '../exits/features.js';
import { ARM64_EXIT_REASONS } from '../exits/arm64-codes.js';
import { EXIT_REASON_NAMES } from '../exits/reasons.js';
import { SVM_EXIT_REASONS, svmCodeText, vmxEquivalent } from '../exits/svm-reasons.js';
import { CVM_EXIT_REASONS, cvmLeafText } from '../exits/cvm-codes.js';
import { table, wrapWords, wrappedTable } from './text.js';

export function workloadsTable(workloads: Array<[string, Workload]>): string {
  return wrappedTable(['workload', 'kind', 'description'], workloads.map(([n, w]) => [n, w.kind, w.description])) + '\n';
}

/** The shipped guest OS profiles: what each writes per context switch, kernel entry and interrupt, and its defaults. */
export function guestOsTable(oses: Array<[string, GuestOs]>): string {
  const writes = (e: GuestOs['contextSwitch']) => [...e.msrWrites.map((w) => `${w.count} ${w.msr.replace(/^IA32_/, '')}${w.cpuLacks ? ` (no ${w.cpuLacks})` : ''}`), ...(e.tprWrites ? [`${e.tprWrites.count} TPR`] : [])].join(', ') || '-';
  return (
    table(['guest OS', 'per context switch', 'per interrupt', 'KPTI', 'Spectre v2'], oses.map(([n, g]) => [n, writes(g.contextSwitch), writes(g.interrupt), String(g.defaults.kpti), g.defaults.spectreV2 === 'auto' && g.defaults.retbleedIbrs ? 'auto, retbleed' : g.defaults.spectreV2])) +
    '\nWrites are WRMSRs of the IA32_ MSR named, or TPR (CR8) writes, per event.\n' +
    'KPTI: two CR3 writes per kernel entry and exit. Spectre v2 ibrs: two SPEC_CTRL\n' +
    'writes per entry and exit. auto: as the CPU calls for — eIBRS where present,\n' +
    'else retpoline; retbleed: IBRS on a retbleed-affected Intel CPU (Linux 5.19+).\n' +
    '--guest-kpti and --spectre-v2 override.\n'
  );
}

export function profilesTable(profiles: Array<[string, Profile]>): string {
  return (
    wrappedTable(['profile', 'arch', 'launch', 'GHz', 'generation, calibration, what it lacks'], profiles.map(([n, p]) => {
      const lacks = LACKS[p.arch](p);
      const cvm = confidentialTypes(p);
      return [n, p.arch, p.launch, String(p.frequencyGHz.value), `${p.generation}; ${p.calibratedFrom ? `fitted by exitsim calibrate to ${p.calibratedFrom.logs.map((l) => l.file).join(', ')} (base ${p.calibratedFrom.base}, ${p.calibratedFrom.fitted.length} costs)` : `calibrated to ${p.calibration.target} ${p.calibration.cycles}`}; lacks ${lacks.join(', ') || 'nothing'}${cvm.length > 0 ? `; runs ${cvm.join(', ')}` : ''}`];
    })) + '\n'
  );
}

/** The confidential VM types a profile's CPU runs (--vm-type). */
function confidentialTypes(p: Profile): string[] {
  const c = p.capabilities;
  return [c.tdx ? 'tdx' : '', c.sevEs ? 'sev-es' : '', c.sevSnp ? 'sev-snp' : ''].filter(Boolean);
}

/** A profile's missing features, in its architecture's words (an exhaustive record). */
const LACKS: Record<Arch, (p: Profile) => string[]> = {
  vmx: (p) => (['ept', 'vpid', 'apicv', 'ipiv', 'ple'] as const).filter((c) => !p.capabilities[c]),
  svm: (p) => svmLacks(p),
  arm64: (p) => ([[p.capabilities.vhe, 'vhe'], [p.capabilities.apicv, 'gicv4'], [p.capabilities.ipiv, 'gicv4.1']] as Array<[boolean, string]>).filter(([has]) => !has).map(([, n]) => n),
};

/** An AMD profile's missing features in SVM words. */
function svmLacks(p: Profile): string[] {
  const c = p.capabilities;
  const pairs: Array<[boolean, string]> = [[c.ept, 'npt'], [c.apicv, 'avic'], [c.x2avic, 'x2avic'], [c.ple, 'pause-filter'], [c.vmcbClean, 'vmcb-clean'], [c.decodeAssists, 'decode-assists']];
  return pairs.filter(([has]) => !has).map(([, n]) => n);
}

export function featuresTable(): string {
  return (
    wrappedTable(['feature', 'what it does'], FEATURES.map(([n, d]) => [n, d])) + '\n\n' +
    wrappedTable(['preset', 'features'], Object.entries(PRESETS).map(([n, p]) => [n, p.features.join(', ') || '(none)'])) + '\n\n' +
    'On an AMD (SVM) profile the same features go by their SVM names\n(either is accepted):\n\n' +
    wrappedTable(['SVM name', 'VT-x features'], SVM_FEATURE_NAMES.map(([n, f]) => [n, f.join(', ')])) + '\n\n' +
    'On an arm64 profile: stage-2 translation, VMIDs, untrapped system\nregisters and the virtual priority mask are built in; these names\nstand for the rest (either is accepted):\n\n' +
    wrappedTable(['arm64 name', 'features'], ARM64_FEATURE_NAMES.map(([n, f]) => [n, f.join(', ')])) + '\n'
  );
}

export function exitReasonsTable(arch: Arch = 'vmx'): string {
  return EXIT_REASON_LISTS[arch].text();
}

/** Each architecture's exit list, as text and as data (an exhaustive record). */
const EXIT_REASON_LISTS: Record<Arch, { text: () => string; json: () => unknown }> = {
  arm64: {
    text: () =>
      wrapWords('arm64 KVM exits: the ESR_EL2 exception classes KVM handles (Linux arch/arm64/include/asm/kvm_arm.h kvm_arm_exception_class, codes from asm/esr.h) and the exits that are not traps (kvm_arm_exception_type, codes 0x100 + type); the names are what perf kvm stat prints on an arm64 host', 80).join('\n') + '\n\n' +
      wrappedTable(['code', 'exit', 'what'], ARM64_EXIT_REASONS.map((r) => [r.code >= 0x100 ? `type ${r.code - 0x100}` : `0x${r.code.toString(16).padStart(2, '0')}`, r.name, r.what])) + '\n',
    json: () => ARM64_EXIT_REASONS.map((r) => ({ code: r.code, name: r.name, exception_class: r.code < 0x100, what: r.what })),
  },
  svm: {
    text: () =>
      wrapWords('AMD SVM #VMEXIT codes (Linux arch/x86/include/uapi/asm/svm.h); "perf name" is what perf kvm stat prints on an AMD host, and "VT-x counterpart" the VT-x exit of the same guest event (an AMD measurement\'s guest events are derived through it)', 80).join('\n') + '\n\n' +
      table(['code', 'exit', 'perf name', 'VT-x counterpart'], SVM_EXIT_REASONS.map((r) => [svmCodeText(r.code), r.name, r.perfName || '(number)', vmxEquivalent(r) || '-']), 4) + '\n' +
      subLeafTable('VMGEXIT'),
    json: () => SVM_EXIT_REASONS.map((r) => ({ code: r.code, code_hex: svmCodeText(r.code), name: r.name, perf_name: r.perfName || null, read_as: vmxEquivalent(r) || null })),
  },
  vmx: {
    text: () => table(['#', 'exit reason'], EXIT_REASON_NAMES.map(([n, s]) => [String(n), s]), 0) + '\n' + subLeafTable('TDCALL'),
    json: () => EXIT_REASON_NAMES.map(([number, name]) => ({ number, name })),
  },
};

/** A confidential VM's requests: one host exit (TDCALL, VMGEXIT) whose sub-leaves exitsim counts apart. */
function subLeafTable(carrier: 'TDCALL' | 'VMGEXIT'): string {
  const rows = CVM_EXIT_REASONS.filter((r) => r.carrier === carrier);
  const what = carrier === 'TDCALL' ? 'TDG.VP.VMCALL leaves of a TD (--vm-type tdx), all exit reason TDCALL (77) on the host' : 'GHCB exit codes of an SEV-ES/SNP guest (--vm-type sev-es|sev-snp), all #VMEXIT VMGEXIT (0x403) on the host';
  return `\n${wrapWords(`${what}; perf kvm stat counts them as one, exitsim apart:`, 80).join('\n')}\n\n` + wrappedTable(['sub-leaf', 'leaf', 'stands for', 'what the guest asks'], rows.map((r) => [r.name, cvmLeafText(r), r.standsFor ?? '-', r.what])) + '\n';
}

/** The same lists as data (`exitsim list … --json`). */
export function listJson(what: string, workloads: Array<[string, Workload]>, profiles: Array<[string, Profile]>, arch: Arch = 'vmx', oses: Array<[string, GuestOs]> = []): unknown {
  switch (what) {
    case 'guest-os':
      return oses.map(([name, g]) => ({ ...g, $schema: undefined, name }));
    case 'workloads':
      return workloads.map(([name, w]) => ({ name, kind: w.kind, unit: w.unitName ?? null, description: w.description }));
    case 'profiles':
      return profiles.map(([name, p]) => ({ name, arch: p.arch, generation: p.generation, launch: p.launch, frequency_ghz: p.frequencyGHz.value, capabilities: p.capabilities, vm_types: ['plain', 'nested', ...confidentialTypes(p)], ...(p.calibratedFrom ? { calibrated_from: p.calibratedFrom } : {}) }));
    case 'features':
      return { features: FEATURES.map(([name, what]) => ({ name, what })), presets: Object.fromEntries(Object.entries(PRESETS).map(([n, p]) => [n, p.features])), svm_names: Object.fromEntries(SVM_FEATURE_NAMES.map(([n, f]) => [n, f])) };
    default:
      return EXIT_REASON_LISTS[arch].json();
  }
}
