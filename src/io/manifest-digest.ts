// A manifest embeds every input a result ran on, so rerun can repeat it; the inputs are hashed when
// written, and rerun refuses a manifest whose inputs changed since (a profile swapped by hand).
import crypto from 'node:crypto';

/** The parts of a manifest that say what ran: everything but its header (times, command) and file list. */
const INPUT_KEYS = ['kind', 'aggregate', 'runs', 'inputs', 'study', 'seeds', 'workloads', 'profiles'];
/** Keys hashed only when present (a manifest written before them keeps its digest). */
const LATER_INPUT_KEYS = ['guest_oses'];

export function inputsDigest(m: Record<string, unknown>): string {
  const keys = [...INPUT_KEYS, ...LATER_INPUT_KEYS.filter((k) => m[k] !== undefined)];
  return crypto.createHash('sha256').update(JSON.stringify(keys.map((k) => [k, m[k] ?? null]))).digest('hex');
}

/** The manifest with its digest. */
export function withInputsDigest(m: Record<string, unknown>): Record<string, unknown> {
  // Through JSON first: the digest is of what a reader will parse back (undefined fields dropped).
  const plain = JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
  return { ...plain, inputs_sha256: inputsDigest(plain) };
}
