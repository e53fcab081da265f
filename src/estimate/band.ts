// The error band quoted with an estimate: the worst error measured for the
// scenario's workload class (docs/estimate.md), or, for a class the table does
// not cover, the widest band there is.
import type { RunSpec } from '../request/run-path.js';
import type { ClassBand } from './classes.js';
import { classKey, estimateClass } from './classes.js';
import { ERROR_BANDS } from './error-bands.js';

export interface QuotedBand {
  class: string;
  /** ± percentage points of the total efficiency. */
  pp: number;
  /** ± percentage points of any one VM's efficiency. */
  vmPp: number;
  measured: boolean;
  source: string;
}

/** Bands quote the measured worst error rounded up to the next 0.5 pp, never below 0.5 pp. */
export function quotedBand(spec: RunSpec, bands: ClassBand[] = ERROR_BANDS): QuotedBand {
  const cls = estimateClass(spec);
  const b = bands.find((x) => classKey(x) === classKey(cls));
  const up = (pp: number) => Math.max(0.5, Math.ceil(pp * 2) / 2);
  if (b) return { class: cls.label, pp: up(b.worstErrorPp), vmPp: up(b.largestVmErrorPp), measured: true, source: `worst of ${b.cases} cases in docs/estimate.md` };
  const widest = bands.reduce((a, x) => Math.max(a, x.worstErrorPp), 0);
  const widestVm = bands.reduce((a, x) => Math.max(a, x.largestVmErrorPp), 0);
  return { class: cls.label, pp: up(widest), vmPp: up(widestVm), measured: false, source: 'not measured for this class: the widest band in docs/estimate.md' };
}
