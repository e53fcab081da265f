// The VT-x reason closest to each SVM exit (svm-codes.ts has the codes): what
// an AMD exit is compared with when a measurement and a model differ in
// architecture, and what `list exit-reasons --arch svm` shows beside each code.
import { exitReasonName, parseExitReason } from './reasons.js';
import type { SvmExitReason } from './svm-codes.js';

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

