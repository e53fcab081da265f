// What the host's Linux offers for dirty tracking, by version: a mode or an MMU the kernel lacks is
// refused with the version that brought it. Each version is the merge window of the commit named.
import { InputError } from '../config/errors.js';

const CLI = 'command line';

export interface KernelFeature {
  since: [number, number];
  what: string;
  source: string;
}

export const KERNEL_FEATURES = {
  pml: { since: [4, 0], what: 'PML dirty logging', source: 'K. Huang, "KVM: VMX: Page Modification Logging (PML) support", Linux 4.0' },
  manualProtect: { since: [5, 0], what: 'KVM_CLEAR_DIRTY_LOG (manual re-protection)', source: 'P. Bonzini, "kvm: introduce manual dirty log reprotect", Linux 5.0' },
  tdpMmu: { since: [5, 10], what: 'the TDP MMU', source: 'B. Gardon, "KVM: x86/mmu: Introduce the TDP MMU" series, Linux 5.10 (on by default since 5.15)' },
  tdpMmuDefault: { since: [5, 15], what: 'the TDP MMU on by default', source: 'kvm.tdp_mmu on by default from Linux 5.15 (the merge window as the KVM pull request for 5.15 states it; an attribution, not a commit hash)' },
  ring: { since: [5, 11], what: 'the dirty ring', source: 'P. Xu, "KVM: X86: Implement ring-based dirty memory tracking", Linux 5.11' },
  eagerSplit: { since: [5, 19], what: 'eager page splitting', source: 'D. Matlack, "KVM: x86/mmu: Split huge pages mapped by the TDP MMU when dirty logging is enabled", Linux 5.19' },
} as const satisfies Record<string, KernelFeature>;

/** The host kernel people run today unless they say: Linux 6.8 (Ubuntu 24.04 LTS). */
export const DEFAULT_HOST_KERNEL = '6.8';

export function parseKernelVersion(flag: string, text: string): [number, number] {
  const m = /^\s*(\d+)\.(\d+)(?:\.\d+)?(?:[-+~][\w.+~-]*)?\s*$/.exec(text);
  if (!m || Number(m[1]) < 2 || Number(m[1]) > 99) throw new InputError(CLI, flag, 'a Linux version such as 6.8 or 5.10.0-28', `'${text}'`);
  return [Number(m[1]), Number(m[2])];
}

type Feature = keyof typeof KERNEL_FEATURES;

/** Whether `kernel` (a Linux version) has `feature`. */
export function kernelHas(kernel: [number, number], feature: Feature): boolean {
  const since = KERNEL_FEATURES[feature].since;
  return kernel[0] > since[0] || (kernel[0] === since[0] && kernel[1] >= since[1]);
}

/** Refuses `feature` on `kernel` when it predates it. */
export function requireKernel(kernel: [number, number], feature: Feature, flag: string, found: string): void {
  const f = KERNEL_FEATURES[feature];
  if (!kernelHas(kernel, feature)) throw new InputError(CLI, flag, `an option host Linux ${kernel.join('.')} has (${f.what} came in Linux ${f.since.join('.')}: ${f.source})`, found, ' — give a newer --host-kernel, or another mode');
}

/** The tracking mode's kernel feature (bitmap needs none). */
const MODE_NEEDS: Record<string, Feature | undefined> = { bitmap: undefined, 'bitmap-manual': 'manualProtect', pml: 'pml', ring: 'ring' };

/**
 * What a host kernel gives a migration: the mode refused if it predates it, the MMU (the user's, else
 * the kernel's default), eager splitting (refused if the user asked for it on a kernel without it).
 */
export function hostKernelChoices(text: string, mode: string, mmuGiven: 'tdp' | 'legacy' | undefined, eagerSplit: boolean, eagerGiven: boolean): { mmu: 'tdp' | 'legacy'; eagerSplit: boolean } {
  const kernel = parseKernelVersion('--host-kernel', text);
  const need = MODE_NEEDS[mode];
  if (need) requireKernel(kernel, need, '--dirty-tracking', `'${mode}' on Linux ${text}`);
  const mmu = mmuGiven ?? (kernelHas(kernel, 'tdpMmuDefault') ? 'tdp' : 'legacy');
  if (mmu === 'tdp') requireKernel(kernel, 'tdpMmu', '--mmu', `'tdp' on Linux ${text}`);
  if (eagerSplit && eagerGiven) requireKernel(kernel, 'eagerSplit', '--eager-split', `'on' on Linux ${text}`);
  return { mmu, eagerSplit: eagerSplit && kernelHas(kernel, 'eagerSplit') };
}
