// exitsim as a user runs it, in a process of its own (CI=true: no colour, no terminal), for the suites
// that check whole commands end to end; and a fresh temporary folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(root, 'bin', 'exitsim.js');

export function exitsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const tmpDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `exitsim-${prefix}-`));
