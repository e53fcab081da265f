// Runs node's test runner with every argument given, in a temporary folder of its own: the tests'
// scratch folders (os.tmpdir()) go there and the folder is removed afterwards, so a test run leaves
// nothing in the system's temporary directory. The runner's output (and its closing summary, which
// CI reads) passes through unchanged; the exit code is the runner's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-tests-'));
const env = { ...process.env, TMPDIR: scratch, TMP: scratch, TEMP: scratch };
const child = spawn(process.execPath, ['--test', ...process.argv.slice(2)], { stdio: 'inherit', env });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
