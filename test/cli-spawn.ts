// exitsim as a user runs it, in a process of its own (CI=true: no colour, no terminal), for the suites
// that check whole commands end to end; and a fresh temporary folder.
import { spawn, spawnSync } from 'node:child_process';
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

/** Runs exitsim and sends it `signal` once `runsDir` holds `atLeast` saved jobs (a minute at most): a kill mid-study. */
export async function killAfter(args: string[], runsDir: string, atLeast: number, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const n = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((x) => x.endsWith('.json')).length : 0;
    if (n >= atLeast) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill(signal);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}
