// Ctrl-C: say what was saved and how to go on, then exit 130. Commands set the
// note as their state changes (a study: how many jobs are on disk; a single
// run: nothing until the end). A signal that arrives while result files are
// written (synchronously) is handled right after them: main() gives it a turn
// before it returns, so it is never lost to a clean exit 0.
import { commandLine } from '../output/manifest.js';

let note = (): string => 'nothing was saved (results are written when the command ends)';
let installed = false;

/** What an interrupt at this point leaves behind, and the command that resumes (if any). */
export function setInterruptNote(fn: () => string): void {
  note = fn;
}

/** The command line as typed, for "run the same command again". */
export function sameCommand(): string {
  return commandLine(process.argv.slice(2), 'exitsim');
}

export function installInterruptHandler(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    process.stderr.write(`\nexitsim: interrupted — ${note()}\n`);
    process.exit(130);
  });
}

/**
 * A study's progress callback that also keeps the interrupt note true: finished jobs are on disk
 * in `dir` (each written as it ends), and the same command resumes.
 */
export function trackStudy<T extends (done: number, total: number, skipped: number) => void>(dir: string | undefined, inner: T | undefined): (done: number, total: number, skipped: number) => void {
  setInterruptNote(() => (dir ? `no job had finished; ${dir} holds no results yet` : 'nothing was saved (no --out folder)'));
  return (done, total, skipped) => {
    if (dir) setInterruptNote(() => `${done + skipped} of ${total + skipped} jobs are saved in ${dir}; run the same command to resume: ${sameCommand()}`);
    else setInterruptNote(() => `${done} of ${total} jobs had finished, but without --out nothing is kept; add --out DIR to make the run resumable`);
    inner?.(done, total, skipped);
  };
}
