// Sequential replications (`--ci-target`): add replications until the 95% CI
// of every feature set's efficiency (and, when comparing, of every paired
// difference against the baseline) is no wider than a target half-width, or a
// cap is reached. Each round reuses the jobs already run (same seeds: seed,
// seed+1, …), so the answer is the one a single run with that many
// replications gives.
import { estimate } from '../stats/confidence.js';
import { SEQUENTIAL_FIRST_REPLICATIONS, SEQUENTIAL_MAX_REPLICATIONS } from './settings.js';
import { checkSeeds, runStudy, type StudyOptions, type StudyRecord, type StudyRun } from './study.js';
import type { ExpandedSweep } from './sweep-spec.js';

export interface SequentialResult extends StudyRun {
  replications: number;
  /** The widest efficiency half-width (percentage points) at the end. */
  widestHalfWidthPp: number;
  reached: boolean;
}

/** The widest 95% half-width, in percentage points, of the efficiencies (and paired differences) of a one-point study. */
export function widestHalfWidthPp(records: StudyRecord[], featureSets: number, paired: boolean): number {
  let widest = 0;
  for (let f = 0; f < featureSets; f++) {
    const e = estimate(records.map((r) => r.summaries[f].total.efficiency));
    widest = Math.max(widest, e.ci95 === null ? Infinity : e.ci95 * 100);
    if (paired && f > 0) {
      const d = estimate(records.map((r) => {
        const a = r.summaries[0].total.efficiency;
        const b = r.summaries[f].total.efficiency;
        return a === null || b === null ? null : b - a;
      }));
      widest = Math.max(widest, d.ci95 === null ? Infinity : d.ci95 * 100);
    }
  }
  return widest;
}

/**
 * Runs a one-point study in rounds until the widest half-width is at most
 * `targetPp` percentage points (or `maxReplications`): each round asks for
 * enough replications to reach the target if the spread stays as measured.
 */
export async function runToCiTarget(
  sweep: ExpandedSweep,
  targetPp: number,
  opts: Omit<StudyOptions, 'replications'> & { paired: boolean; maxReplications?: number; onRound?: (replications: number, widestPp: number) => void },
): Promise<SequentialResult> {
  const max = opts.maxReplications ?? SEQUENTIAL_MAX_REPLICATIONS;
  const sets = sweep.featureSets.length;
  let replications = Math.min(max, SEQUENTIAL_FIRST_REPLICATIONS);
  let records: StudyRecord[] = [];
  checkSeeds(sweep, max); // the last round's seeds too, before the first round runs
  for (;;) {
    const run = await runStudy(sweep, { ...opts, replications, reuse: records });
    records = run.records;
    const widest = widestHalfWidthPp(records, sets, opts.paired);
    opts.onRound?.(replications, widest);
    if (widest <= targetPp || replications >= max) {
      return { ...run, replications, widestHalfWidthPp: widest, reached: widest <= targetPp };
    }
    // Half-widths shrink as 1/sqrt(n): ask for what the target needs, at least a few more.
    const needed = Number.isFinite(widest) ? Math.ceil(replications * (widest / targetPp) ** 2 * 1.1) : replications * 2;
    replications = Math.min(max, Math.max(replications + 2, needed));
  }
}
