// The VT-x reason closest to each SVM exit (svm-codes.ts has the codes): what
// an AMD exit is compared with when a measurement and a model differ in
// architecture, and what `list exit-reasons --arch svm` shows beside each code.
import { exitReasonName, parseExitReason } from './reasons.js';
import type { SvmExitReason } from './svm-codes.js';

import { SVM_EXIT_REASONS, parseSvmExitReason } from './svm-codes.js';

export { SVM_EXIT_REASONS, parseSvmExitReason, svmCodeText, type SvmExitReason } from './svm-codes.js';

/** The VT-x reason an AMD measurement's exit is read as today (import), by name; '' when none. */
export function vmxEquivalent(r: SvmExitReason): string {
  const trap = /^CR(\d+)_WRITE_TRAP$/.exec(r.name);
  for (const text of [r.perfName, r.name, trap ? `WRITE_CR${trap[1]}_TRAP` : '']) {
    if (!text) continue;
    const n = parseExitReason(text);
    if (n !== undefined) return exitReasonName(n);
  }
  return '';
}


/**
 * The SVM slot for a VT-x reason name (a workload written for VT-x run on an SVM profile): the first
 * SVM exit read as that reason (EXTERNAL_INTERRUPT → INTR, EPT_VIOLATION → NPF), MSR for MSR_READ.
 */
export function svmSlotForVmxName(text: string): number | undefined {
  const vmx = parseExitReason(text, 'vmx');
  if (vmx === undefined) return undefined;
  const name = exitReasonName(vmx) === 'MSR_READ' ? 'MSR_WRITE' : exitReasonName(vmx);
  const r = SVM_EXIT_REASONS.find((x) => vmxEquivalent(x) === name);
  return r ? parseExitReason(r.name, 'svm') : undefined;
}

/**
 * The VT-x slot for an SVM exit name (intr, INTR, npf; an AMD measurement's raw exit on a VT-x
 * profile): the VT-x reason it is read as (vmxEquivalent).
 */
export function vmxSlotForSvmName(text: string): number | undefined {
  const r = parseSvmExitReason(text);
  const name = r ? vmxEquivalent(r) : '';
  return name ? parseExitReason(name, 'vmx') : undefined;
}
