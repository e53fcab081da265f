// An output folder belongs to the user: exitsim writes into it, but replaces only the files it wrote
// there itself and that nobody edited since, and deletes nothing else. What it wrote is kept in a
// ledger beside the files (.exitsim-owned.json: each file's size and SHA-256), so a user's file —
// anywhere in the folder, under any name — is never replaced or removed, with --force or without.
// One writer at a time: a command holds an exclusive lock file (.exitsim.lock, with its pid) while it
// writes; a lock whose process is gone is stale and taken over. Folders a command created and left
// empty (it was refused, or failed) are removed when it ends: no debris.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, OutputError } from '../config/errors.js';

export const LEDGER = '.exitsim-owned.json';
export const LOCK = '.exitsim.lock';
/** The temporary names of writes in flight: `.NAME.PID.tmp`. */
export const TEMP_NAME = /^\..+\.(\d+)\.tmp$/;
const MAX_LEDGER_BYTES = 64 * 1024 * 1024;

export interface OwnedFile {
  bytes: number;
  sha256: string;
  /** The version it replaces, while a write is between its temporary file and its rename. */
  prior?: OwnedFile;
}

export type Owned = Record<string, OwnedFile>;

export const sha256 = (data: string | Buffer): string => crypto.createHash('sha256').update(data).digest('hex');

export function hashFile(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

export const describeOwned = (data: string | Buffer): OwnedFile => ({ bytes: Buffer.byteLength(data), sha256: sha256(data) });

/** What exitsim wrote in `dir` (relative names; '/' separated). A damaged or missing ledger owns nothing: the safe side. */
export function readLedger(dir: string): Owned {
  const file = path.join(dir, LEDGER);
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > MAX_LEDGER_BYTES) return {};
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { tool?: unknown; files?: unknown };
    if (j.tool !== 'exitsim' || typeof j.files !== 'object' || j.files === null || Array.isArray(j.files)) return {};
    const out: Owned = {};
    for (const [name, v] of Object.entries(j.files as Record<string, unknown>)) {
      const entry = (x: unknown): OwnedFile | undefined => {
        const f = x as Partial<OwnedFile> | null;
        return f && typeof f === 'object' && Number.isSafeInteger(f.bytes) && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) ? { bytes: f.bytes as number, sha256: f.sha256 } : undefined;
      };
      const e = entry(v);
      if (!e) continue;
      const prior = entry((v as OwnedFile).prior);
      out[name] = prior ? { ...e, prior } : e;
    }
    return out;
  } catch {
    return {};
  }
}

function writeLedger(dir: string, owned: Owned): void {
  if (Object.keys(owned).length === 0) {
    fs.rmSync(path.join(dir, LEDGER), { force: true }); // owning nothing, it leaves nothing behind
    return;
  }
  const sorted = Object.fromEntries(Object.keys(owned).sort().map((k) => [k, owned[k]]));
  const text = JSON.stringify({ tool: 'exitsim', kind: 'owned-files', note: 'the files exitsim wrote in this folder; it replaces or removes no other file', files: sorted }, null, 1) + '\n';
  const tmp = path.join(dir, `${LEDGER}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path.join(dir, LEDGER));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new OutputError(path.join(dir, LEDGER), (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
}

/** Adds (or, with `null`, drops) files in the ledger of `dir`. */
export function recordOwned(dir: string, changes: Record<string, OwnedFile | null>): void {
  const owned = readLedger(dir);
  for (const [name, v] of Object.entries(changes)) {
    if (v === null) delete owned[name];
    else owned[name] = v;
  }
  writeLedger(dir, owned);
}

export type Ownership = 'absent' | 'ours' | 'edited' | 'foreign';

/** Whose the file `name` in `dir` is: not there, exitsim's (unchanged since it wrote it), exitsim's edited since, or the user's. */
export function ownership(dir: string, name: string, owned: Owned = readLedger(dir)): Ownership {
  const file = path.join(dir, name);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return 'absent';
    return 'foreign';
  }
  // A folder, a link or a FIFO standing where a result goes was put there by someone else.
  if (!st.isFile()) return 'foreign';
  const rec = owned[name.split(path.sep).join('/')];
  if (!rec) return 'foreign';
  const versions = rec.prior ? [rec, rec.prior] : [rec];
  if (!versions.some((v) => v.bytes === st.size)) return 'edited';
  const h = hashFile(file);
  return versions.some((v) => v.sha256 === h) ? 'ours' : 'edited';
}

/**
 * Refuses to write `names` into `dir` unless every one that exists is exitsim's own, unedited, and
 * `replace` allows it (--force, or a folder the command resumes). A user's file is refused even
 * with --force: exitsim never replaces what it did not write.
 */
export function checkReplaceable(dir: string, names: string[], replace: boolean, flag = '--out'): void {
  const owned = readLedger(dir);
  const ours: string[] = [];
  for (const name of names) {
    const o = ownership(dir, name, owned);
    if (o === 'foreign') {
      throw new InputError(path.join(dir, name), flag, 'no file there that exitsim did not write (it replaces only its own results)', 'a file it did not write', ' — move it away, or choose another folder');
    }
    if (o === 'edited') {
      throw new InputError(path.join(dir, name), flag, 'a result exitsim wrote, unchanged since (it replaces only its own results)', 'one edited since it was written', ' — move it away to keep your edit, or choose another folder');
    }
    if (o === 'ours') ours.push(name);
  }
  if (ours.length > 0 && !replace) {
    throw new InputError(dir, flag, 'a folder without earlier results (or --force to replace them)', `existing ${ours.join(', ')}`);
  }
}

/** Removes a file exitsim wrote (and nobody edited since); anything else stays. True when it was removed. */
export function removeOwned(dir: string, name: string, owned: Owned = readLedger(dir)): boolean {
  if (ownership(dir, name, owned) !== 'ours') return false;
  fs.rmSync(path.join(dir, name), { force: true });
  return true;
}

// ---- locks and the folders a command created ----

interface Held {
  lock: string;
}
const held = new Map<string, Held>();
const created: string[] = [];
let hooked = false;

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsRefusal(dir: string, flag: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code ?? 'an error';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new InputError(dir, flag, 'a folder exitsim can write to', `a read-only folder (${code})`);
  if (code === 'ENOTDIR' || code === 'EEXIST') return new InputError(dir, flag, 'a folder path', `a path through a file (${code})`);
  return new InputError(dir, flag, 'a folder that can be created or written', `an unusable path (${code})`);
}

function heldBy(abs: string): boolean {
  for (const d of held.keys()) if (abs === d || abs.startsWith(d + path.sep)) return true;
  return false;
}

/**
 * Makes `dir` ready for this command to write: creates it if needed (remembered, to be removed if it
 * is still empty at the end), refuses a file, a read-only folder and a folder another exitsim is
 * writing, takes the lock, and clears temporary files left by writers that were killed.
 */
export function claimFolder(dir: string, flag = '--out'): string {
  if (dir.trim() === '') throw new InputError('command line', flag, 'a folder to write to', "'' (an empty path)");
  const abs = path.resolve(dir);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsRefusal(dir, flag, err);
  }
  if (st && !st.isDirectory()) throw new InputError(dir, flag, 'a folder', 'a file');
  if (!st) {
    // The topmost folder it creates is the one to remove again if nothing is written.
    let top = abs;
    while (!fs.existsSync(path.dirname(top)) && path.dirname(top) !== top) top = path.dirname(top);
    try {
      fs.mkdirSync(abs, { recursive: true });
    } catch (err) {
      throw fsRefusal(dir, flag, err);
    }
    created.push(top);
    if (top !== abs) created.push(abs);
  }
  try {
    fs.accessSync(abs, fs.constants.W_OK);
  } catch (err) {
    throw fsRefusal(dir, flag, err);
  }
  if (heldBy(abs)) return abs;
  hookExit();
  const lock = path.join(abs, LOCK);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n${os.hostname()}\n${new Date().toISOString()}\n`, { flag: 'wx' });
      held.set(abs, { lock });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsRefusal(dir, flag, err);
      let pid = NaN;
      let host = '';
      let since = '';
      try {
        [pid, host, since] = fs.readFileSync(lock, 'utf8').slice(0, 4096).split('\n').map((s, i) => (i === 0 ? Number(s) : s)) as [number, string, string];
      } catch {
        // unreadable: treated as held
      }
      const stale = host === os.hostname() && !alive(pid);
      if (stale && attempt < 3) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      throw new InputError(dir, flag, 'a folder no other exitsim is writing to', `one locked by process ${Number.isNaN(pid) ? '?' : pid}${host ? ` on ${host}` : ''}${since ? ` since ${since}` : ''}`, ` — wait for it, or delete ${path.join(dir, LOCK)} if that process is gone`);
    }
  }
  clearStaleTemps(abs);
  return abs;
}

/** Temporary files of writers that are gone (killed between a write and its rename). */
function clearStaleTemps(abs: string): void {
  for (const sub of ['', 'runs']) {
    const d = path.join(abs, sub);
    let names: string[];
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      const m = TEMP_NAME.exec(n);
      if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) fs.rmSync(path.join(d, n), { force: true });
    }
  }
}

/** Ends this command's claims: locks released, folders it created and left empty removed. */
export function releaseFolders(): void {
  for (const h of held.values()) {
    try {
      if (fs.readFileSync(h.lock, 'utf8').split('\n')[0] === String(process.pid)) fs.rmSync(h.lock, { force: true });
    } catch {
      // gone already
    }
  }
  held.clear();
  for (const d of created.splice(0).reverse()) {
    try {
      fs.rmdirSync(d); // only an empty folder: never anything in it
    } catch {
      // not empty, or gone: kept
    }
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseFolders);
}
