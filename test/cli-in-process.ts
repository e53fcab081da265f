// The whole command line run in this process (main() with stdout and stderr captured), for the fuzz
// suites: thousands of commands without a process each. Use it in one test per file: the test
// runner's own report goes through process.stdout too, and would be captured while a command runs.
import { main } from '../src/cli/main.js';

export async function runInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const write = { out: process.stdout.write, err: process.stderr.write };
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}
