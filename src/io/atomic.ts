// Result files are written whole or not at all: each goes to a temporary file
// in the same directory, then is renamed over its name. An existing result is
// never replaced unless the caller says so (--force, or a folder it owns).
import fs from 'node:fs';
import path from 'node:path';
import { OutputError } from '../config/errors.js';
import { checkReplaceable, claimFolder, describeOwned, readLedger, recordOwned, type OwnedFile } from './output-folder.js';

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
  /** The files' permissions (e.g. 0o755 for a job script). */
  mode?: number;
}

/** Written last and removed first: a folder's set of results is whole exactly when it has one. */
export const MANIFEST = 'manifest.json';

/**
 * Writes a set of result files whole or not at all, into a folder the user owns: only files exitsim
 * wrote there itself (its ledger says so, and nobody edited them since) are replaced, and only when
 * `force` allows; a user's file of the same name is refused either way. Every file goes to a
 * temporary name first; then an earlier manifest is removed, the files are renamed into place, and
 * the manifest comes last, listing every file of the set with its size and SHA-256 so readers can
 * tell a cut or edited set. A kill between renames leaves a set without a manifest, which readers
 * refuse as incomplete.
 */
export function writeResultFiles(dir: string, files: Record<string, string | Buffer>, opts: WriteOptions): string[] {
  claimFolder(dir);
  const names = Object.keys(files).sort((a, b) => Number(a === MANIFEST) - Number(b === MANIFEST));
  checkReplaceable(dir, names, opts.force);
  const content: Record<string, string | Buffer> = { ...files };
  if (typeof content[MANIFEST] === 'string') {
    const listed = names.filter((n) => n !== MANIFEST).map((n) => ({ name: n, ...describeOwned(content[n]) }));
    content[MANIFEST] = JSON.stringify({ ...(JSON.parse(content[MANIFEST] as string) as object), files: listed }, null, 2) + '\n';
  }
  const before = readLedger(dir);
  const after: Record<string, OwnedFile> = Object.fromEntries(names.map((n) => [n, describeOwned(content[n])]));
  const temps: string[] = [];
  try {
    for (const name of names) {
      const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
      temps.push(tmp); // before the write: a write cut short (a full disk) leaves a part to remove
      fs.writeFileSync(tmp, content[name], opts.mode === undefined ? undefined : { mode: opts.mode });
    }
    // The ledger owns both versions while the renames run: a kill between them leaves no file that
    // is exitsim's but looks like the user's.
    recordOwned(dir, Object.fromEntries(names.map((n) => [n, before[n] ? { ...after[n], prior: before[n] } : after[n]])));
    if (names.includes(MANIFEST)) fs.rmSync(path.join(dir, MANIFEST), { force: true });
    names.forEach((name, i) => fs.renameSync(temps[i], path.join(dir, name)));
    recordOwned(dir, after);
  } catch (err) {
    for (const t of temps) fs.rmSync(t, { force: true });
    try {
      // What the folder holds is what it held: the ledger says so again.
      recordOwned(dir, Object.fromEntries(names.map((n) => [n, fs.existsSync(path.join(dir, n)) ? (before[n] ?? null) : null])));
    } catch {
      // the disk that refused the files may refuse the ledger too: it lists only files exitsim wrote
    }
    if (err instanceof OutputError) throw err;
    throw new OutputError(dir, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  return names.map((n) => path.join(dir, n));
}

/**
 * One file exitsim keeps in an output folder (study.json, summary.txt, a job script), written
 * atomically and recorded as its own; an existing one is replaced only when it is exitsim's,
 * unedited, and `replace` allows it.
 */
export function writeOwnedFile(dir: string, name: string, text: string, replace: boolean, mode?: number): string {
  return writeResultFiles(dir, { [name]: text }, { force: replace, mode })[0];
}
