// Result files are written whole or not at all: each goes to a temporary file
// in the same directory, then is renamed over its name. An existing result is
// never replaced unless the caller says so (--force, or a folder it owns).
import fs from 'node:fs';
import path from 'node:path';
import { InputError, OutputError } from '../config/errors.js';

/**
 * Writes one file whole or not at all: a temporary file beside it, then a
 * rename over its name (the one write-then-rename of the project; every writer
 * uses it). `mode` sets the file's permissions (e.g. 0o755 for a script).
 */
export function writeFileAtomic(file: string, text: string, mode?: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new OutputError(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
}

export interface WriteOptions {
  /** Replace existing result files. */
  force: boolean;
}

/** Written last and removed first: a folder's set of results is whole exactly when it has one. */
export const MANIFEST = 'manifest.json';

/**
 * Writes a set of result files whole or not at all: every file goes to a temporary name first; then
 * an earlier manifest is removed, the files are renamed into place, and the manifest comes last.
 * A kill between renames leaves a set without a manifest, which readers refuse as incomplete.
 */
export function writeResultFiles(dir: string, files: Record<string, string | Buffer>, opts: WriteOptions): string[] {
  const names = Object.keys(files).sort((a, b) => Number(a === MANIFEST) - Number(b === MANIFEST));
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(dir, '--out', 'a directory that can be created or written', `an unusable path (${code})`);
  }
  if (!opts.force) {
    const existing = names.filter((n) => fs.existsSync(path.join(dir, n)));
    if (existing.length > 0) {
      throw new InputError(dir, '--out', 'a folder without earlier results (or --force to replace them)', `existing ${existing.join(', ')}`);
    }
  }
  const temps: string[] = [];
  try {
    for (const name of names) {
      const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
      temps.push(tmp); // before the write: a write cut short (a full disk) leaves a part to remove
      fs.writeFileSync(tmp, files[name]);
    }
    if (names.includes(MANIFEST)) fs.rmSync(path.join(dir, MANIFEST), { force: true });
    names.forEach((name, i) => fs.renameSync(temps[i], path.join(dir, name)));
  } catch (err) {
    for (const t of temps) fs.rmSync(t, { force: true });
    throw new OutputError(dir, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  return names.map((n) => path.join(dir, n));
}
