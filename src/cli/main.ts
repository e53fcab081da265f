// The command line (SPEC §8): runs the command tree (program.ts) and turns
// errors into exit codes: 0 success, 2 bad input or usage, 1 runtime failure,
// 130 interrupted.
import { CommanderError } from 'commander';
import { InputError, OutputError } from '../config/errors.js';
import { buildProgram } from './program.js';
import { checkFlagValues } from './flag-rules.js';
import { installInterruptHandler, setInterruptNote } from './interrupt.js';
import { releaseFolders } from '../io/output-folder.js';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  installInterruptHandler();
  try {
    checkFlagValues(program, argv);
    await program.parseAsync(argv, { from: 'user' });
    // A Ctrl-C that came during the last (synchronous) writes is handled here, not lost to exit 0.
    setInterruptNote(() => 'the command had finished: everything it prints and writes is complete');
    await new Promise((resolve) => setImmediate(resolve));
    return 0;
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`exitsim: ${err.message}\n`);
      return 2;
    }
    if (err instanceof OutputError) {
      process.stderr.write(`exitsim: ${err.message}\n`);
      return 1;
    }
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`exitsim: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    // Locks released; a folder the command created and left empty (it was refused) is gone again.
    releaseFolders();
  }
}
