// One kind of error for bad input: it names the file, the field path, what was
// expected and what was found, so the CLI can print one clear line (SPEC §5).

export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
    readonly found: string,
    readonly hint = '',
  ) {
    super(oneLine(`${file}: ${field || '(top level)'}: expected ${expected}, found ${found}${hint}`));
    this.name = 'InputError';
  }
}

/** A message stays one line, whatever a user typed: control characters (a newline in a value, an escape sequence) are shown escaped. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** A short, printable description of a value for "found …". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * A result that could not be written (a full disk, a file-size limit, a read-only folder): not bad
 * input but a failure of the machine, said in one line (exit 1) after every temporary file is removed.
 */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`${file}: could not write (${OUTPUT_CAUSES[code] ?? code}); nothing half-written was left behind`);
    this.name = 'OutputError';
  }
}

const OUTPUT_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device, ENOSPC',
  EFBIG: 'the file-size limit (ulimit -f) was reached, EFBIG',
  EDQUOT: 'the disk quota is exhausted, EDQUOT',
  EACCES: 'permission denied, EACCES',
  EROFS: 'a read-only file system, EROFS',
  EISDIR: 'a folder stands where the file goes, EISDIR',
  ENOTDIR: 'a file stands where a folder goes, ENOTDIR',
};
