// Seeded random streams and the samplers the engine draws from. Streams are
// seedrandom's alea generator (SPEC §10: a fast generator, never the default);
// one stream per (VM, vCPU, event class) gives common random numbers.
import seedrandom from 'seedrandom';
import { inverseNormalCdf } from '../stats/normal.js';

interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * Many alea streams in one typed array. Each is seeded by seedrandom's own
 * alea (its Mash of the seed string) and then advanced here by the same
 * recurrence, inline: the draws are exactly seedrandom's (a test checks it),
 * without a closure call per draw.
 */
export class StreamBank {
  private state: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.state = new Float64Array(Math.max(1, capacity) * 4);
  }

  /** Adds a stream for (seed, path…) and returns its index. */
  add(seed: number, ...path: Array<string | number>): number {
    const prng = seedrandom.alea(`${seed}/${path.join('/')}`, { state: true }) as unknown as { state(): AleaState };
    const st = prng.state();
    const i = this.count++;
    if (i * 4 + 4 > this.state.length) {
      const grown = new Float64Array(this.state.length * 2);
      grown.set(this.state);
      this.state = grown;
    }
    this.state[i * 4] = st.c;
    this.state[i * 4 + 1] = st.s0;
    this.state[i * 4 + 2] = st.s1;
    this.state[i * 4 + 3] = st.s2;
    return i;
  }

  /** The next uniform in [0, 1) of stream i (seedrandom alea's next()). */
  next(i: number): number {
    const s = this.state;
    const b = i * 4;
    const t = 2091639 * s[b + 1] + s[b] * 2.3283064365386963e-10; // 2^-32
    s[b + 1] = s[b + 2];
    s[b + 2] = s[b + 3];
    const c = t | 0;
    s[b] = c;
    const r = t - c;
    s[b + 3] = r;
    return r;
  }
}

// Standard-normal quantiles on a fine grid, so a normal draw is one uniform and
// an interpolated table read instead of Box–Muller's log, sqrt and cos.
const NORMAL_TABLE_SIZE = 4096;
const normalTable = buildNormalTable();


function buildNormalTable(): Float64Array {
  const t = new Float64Array(NORMAL_TABLE_SIZE + 1);
  for (let i = 0; i <= NORMAL_TABLE_SIZE; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, i / NORMAL_TABLE_SIZE));
    t[i] = inverseNormalCdf(p);
  }
  return t;
}

/** A standard normal draw from one uniform (table inverse CDF; tails clipped at ±5.2σ). */
export function normalFromUniform(u: number): number {
  const x = u * NORMAL_TABLE_SIZE;
  const i = x | 0;
  const f = x - i;
  return normalTable[i] + f * (normalTable[i + 1] - normalTable[i]);
}

/** Lognormal parameters for a given mean and coefficient of variation. */
export function lognormalParams(mean: number, cv: number): { mu: number; sigma: number } {
  if (mean <= 0) return { mu: -Infinity, sigma: 0 };
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

export const DIST_EXPONENTIAL = 0;
export const DIST_CONSTANT = 1;
export const DIST_LOGNORMAL = 2;
export const DIST_EMPIRICAL = 3;
