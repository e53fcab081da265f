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

/** Refuses `feature` on `kernel` (a Linux version) when it predates it. */
export function requireKernel(kernel: [number, number], feature: keyof typeof KERNEL_FEATURES, flag: string, found: string): void {
  const f = KERNEL_FEATURES[feature];
  const ok = kernel[0] > f.since[0] || (kernel[0] === f.since[0] && kernel[1] >= f.since[1]);
  if (!ok) throw new InputError(CLI, flag, `an option host Linux ${kernel.join('.')} has (${f.what} came in Linux ${f.since.join('.')}: ${f.source})`, found, ' — give a newer --host-kernel, or another mode');
}
