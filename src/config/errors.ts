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
    super(`${file}: ${field || '(top level)'}: expected ${expected}, found ${found}${hint}`);
    this.name = 'InputError';
  }
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
