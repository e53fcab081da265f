// Output files a command writes by name (import's scenario and workload, calibrate's profile): written
// together or not at all, through temporary files renamed into place; a file that was there is never
// removed, and a path that is not a plain file is refused.
import fs from 'node:fs';
import path from 'node:path';
import { InputError, OutputError } from '../config/errors.js';

/** The files appear together or not at all; a file that was there is never removed. */
export function writeFilesTogether(files: Array<[string, string]>, out: string): void {
  const temps: string[] = [];
  try {
    for (const [f, text] of files) {
      const tmp = path.join(path.dirname(path.resolve(f)), `.${path.basename(f)}.${process.pid}.tmp`);
      temps.push(tmp);
      fs.writeFileSync(tmp, text);
    }
    files.forEach(([f], i) => fs.renameSync(temps[i], path.resolve(f)));
  } catch (err) {
    for (const t of temps) fs.rmSync(t, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    // A folder that is not there is the path's fault; a full disk is the machine's (OutputError, exit 1).
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(out, '--out', 'a file path in an existing folder', 'a folder that does not exist');
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') throw new InputError(out, '--out', 'a file path in a folder exitsim can write to', `a read-only folder (${code})`);
    throw new OutputError(out, code);
  }
}

/** The output path must name a file: a folder, a device or a pipe there is refused, with --force or without. */
export function checkOutputPath(target: string, expected: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(target);
  } catch {
    st = undefined;
  }
  if (st && !st.isFile()) throw new InputError(target, '--out', expected, st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
  if (path.basename(target).replace(/\.(json|ya?ml)$/, '').replace(/\.workload$/, '') === '') throw new InputError(target, '--out', 'a file name (e.g. my-guest.json)', 'an extension alone');
}
