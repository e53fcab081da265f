// The TUI's state as a reducer over frames and user intents (immer at the
// boundary, one produce per action; never in the simulation).
import { produce } from 'immer';
import type { LiveFrame } from '../experiment/live.js';
import { FEATURES, FEATURE_BIT, featureSetLabel } from '../exits/features.js';

export const SPARK_POINTS = 60;

export interface TuiState {
  frame: LiveFrame | null;
  /**
   * Per feature set, one value per frame (oldest first), at most SPARK_POINTS: the throughput when
   * every VM runs one workload, else the efficiency (units of different workloads do not add up).
   */
  history: number[][];
  featureSets: number[];
  paused: boolean;
  /** Simulated seconds per wall second; 0 = as fast as possible. */
  speed: number;
  focus: number;
  message: string;
  /** Bumped when the feature sets change: the run restarts paired. */
  generation: number;
  quitting: boolean;
}

export type Action =
  | { type: 'frame'; frame: LiveFrame }
  | { type: 'toggle-pause' }
  | { type: 'step' }
  | { type: 'faster' }
  | { type: 'slower' }
  | { type: 'max-speed' }
  | { type: 'toggle-feature'; index: number }
  | { type: 'focus-next' }
  | { type: 'save' }
  | { type: 'message'; text: string }
  | { type: 'quit' };

/** Whether every VM of a run runs the same workload (its units can be added up). */
export function oneWorkload(s: { vms: Array<{ workload: string }> }): boolean {
  return new Set(s.vms.map((v) => v.workload)).size <= 1;
}

export function initialState(featureSets: number[], speed: number): TuiState {
  return { frame: null, history: featureSets.map(() => []), featureSets, paused: false, speed, focus: featureSets.length - 1, message: '', generation: 0, quitting: false };
}

export const reduce = (state: TuiState, action: Action): TuiState =>
  produce(state, (s) => {
    switch (action.type) {
      case 'frame': {
        s.frame = action.frame as never;
        action.frame.summaries.forEach((sum, i) => {
          const h = s.history[i] ?? (s.history[i] = []);
          h.push(oneWorkload(sum) ? sum.total.throughput_units_per_s : (sum.total.efficiency ?? 0) * 100);
          if (h.length > SPARK_POINTS) h.shift();
        });
        if (action.frame.done && !s.message) s.message = `run complete in ${action.frame.elapsedWallSeconds.toFixed(2)} s wall — [s] saves it, [q] quits`;
        return;
      }
      case 'toggle-pause':
        s.paused = !s.paused;
        s.message = s.paused ? 'paused — [n] steps 1 ms' : '';
        return;
      case 'step':
        s.message = s.paused ? 'stepped 1 ms' : 'step works while paused ([space])';
        return;
      case 'faster':
        s.speed = s.speed === 0 ? 0 : s.speed * 2;
        return;
      case 'slower':
        s.speed = s.speed === 0 ? 1 : s.speed / 2;
        return;
      case 'max-speed':
        s.speed = 0;
        return;
      case 'toggle-feature': {
        const entry = FEATURES[action.index];
        if (!entry) return;
        const last = s.featureSets.length - 1;
        s.featureSets[last] ^= FEATURE_BIT[entry[0]];
        s.generation++;
        s.frame = null;
        s.history = s.featureSets.map(() => []);
        s.message = `${entry[0]} ${s.featureSets[last] & FEATURE_BIT[entry[0]] ? 'on' : 'off'} in column ${last + 1} (now ${featureSetLabel(s.featureSets[last])}); restarted paired`;
        return;
      }
      case 'focus-next':
        s.focus = (s.focus + 1) % s.featureSets.length;
        return;
      case 'save':
        s.message = 'saving…';
        return;
      case 'message':
        s.message = action.text;
        return;
      case 'quit':
        s.quitting = true;
        return;
    }
  });
