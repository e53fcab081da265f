// The command line (SPEC §8): registers the commands (src/cli/commands/, one
// file each: parse → call the library → hand the result to src/output/) and
// turns errors into exit codes: 0 success, 2 bad input or usage, 1 runtime
// failure, 130 interrupted.
import { Command, CommanderError } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../config/errors.js';
import { packageRoot } from '../config/load.js';
import { register as capacity } from './commands/capacity.js';
import { register as explain } from './commands/explain.js';
import { register as importMeasurement } from './commands/import.js';
import { register as list } from './commands/list.js';
import { register as microbench } from './commands/microbench.js';
import { register as report } from './commands/report.js';
import { register as run } from './commands/run.js';
import { register as sensitivity } from './commands/sensitivity.js';
import { register as slurm } from './commands/slurm.js';
import { register as study } from './commands/study.js';
import { register as sweep } from './commands/sweep.js';
import { register as tui } from './commands/tui.js';
import { register as validate } from './commands/validate.js';
import { usageErrorText } from './usage-errors.js';

/** The package's version (package.json beside src/ and dist/). */
function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Commands in the order `exitsim --help` lists them. */
const COMMANDS = [run, explain, list, study, microbench, sensitivity, sweep, capacity, tui, importMeasurement, report, slurm, validate];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('exitsim')
    .description('Discrete-event simulator of hardware-virtualization (VT-x) exit overhead')
    .version(packageVersion(), '-V, --version', 'the version of exitsim')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(usageErrorText(s)) });
  for (const register of COMMANDS) register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`exitsim: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`exitsim: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

process.on('SIGINT', () => process.exit(130));
const code = await main(process.argv.slice(2));
process.exitCode = code;
