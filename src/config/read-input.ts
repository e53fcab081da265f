// Every input file is bounded before it is read: a regular file (not a FIFO
// that blocks forever, not /dev/zero that never ends, not a folder) of at most
// a stated size, so a mistaken path fails at once with a clear message.
import fs from 'node:fs';
import { InputError } from './errors.js';

/** Scenario, workload, profile and sweep files: the shipped ones are under 20 KB. */
export const MAX_DATA_FILE_BYTES = 4 * 1024 * 1024;
/** Measurements (perf, kvm_stat, traces): a long trace-cmd capture; V8 strings end near 512 MB. */
export const MAX_MEASUREMENT_FILE_BYTES = 256 * 1024 * 1024;

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;

/** The text of `file`, refused with an InputError unless it is a readable regular file of at most `maxBytes`. */
export function readInputText(file: string, maxBytes: number, what: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, '', `a readable ${what}`, code === 'ENOENT' ? 'no such file' : `an unreadable path (${code})`);
  }
  if (!st.isFile()) throw new InputError(file, '', `a regular file (${what})`, kindOf(st));
  if (st.size > maxBytes) throw new InputError(file, '', `a ${what} of at most ${mb(maxBytes)}`, `${mb(st.size)}`);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, '', `a readable ${what}`, `an unreadable file (${code})`);
  }
  // Invalid UTF-8 is refused, not silently replaced by U+FFFD (a name would change under the user's eyes).
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    throw new InputError(file, `line ${buf.subarray(0, at).toString('latin1').split('\n').length}`, `UTF-8 text (${what})`, `a byte that is not UTF-8 (0x${buf[at].toString(16).padStart(2, '0')} at byte ${at})`);
  }
}

/** State files exitsim wrote (study.json, runs/*.json, submission.json): a 100,000-point study.json is ~3 MB. */
export const MAX_STATE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * A JSON file exitsim wrote, with the fields a reader needs: a damaged or foreign file (truncated by
 * a full disk, edited by hand) is refused by name rather than failing deep inside with a stack.
 */
export function readStateJson<T>(file: string, what: string, required: string[]): T {
  const text = readInputText(file, MAX_STATE_FILE_BYTES, what);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, '', `${what} as exitsim writes it (JSON)`, `damaged JSON (${(err as Error).message.split('\n')[0].slice(0, 80)}); delete it to start again`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError(file, '', `${what} (a JSON object)`, Array.isArray(data) ? 'an array' : String(data));
  const missing = required.filter((k) => !(k in (data as object)));
  if (missing.length > 0) throw new InputError(file, missing[0], `${what} with ${required.join(', ')}`, 'nothing (the field is missing); delete the file to start again');
  return data as T;
}

/** The offset of the first byte that starts no valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > buf.length) return i;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return buf.length - 1;
}
