// The command tree of exitsim: every command registered (src/cli/commands/, one
// file each), their examples, and the one-output-flag rule. main.ts runs it;
// tests read it to check the help (options, examples) without running anything.
import { Command } from 'commander';
import { register as calibrate } from './commands/calibrate.js';
import { register as capacity } from './commands/capacity.js';
import { register as estimate } from './commands/estimate.js';
import { register as explain } from './commands/explain.js';
import { register as importMeasurement } from './commands/import.js';
import { register as list } from './commands/list.js';
import { register as microbench } from './commands/microbench.js';
import { register as migrateCmd } from './commands/migrate.js';
import { register as report } from './commands/report.js';
import { register as rerun } from './commands/rerun.js';
import { register as run } from './commands/run.js';
import { register as sensitivity } from './commands/sensitivity.js';
import { register as slurm } from './commands/slurm.js';
import { register as study } from './commands/study.js';
import { register as table } from './commands/table.js';
import { register as sweep } from './commands/sweep.js';
import { register as tui } from './commands/tui.js';
import { register as validate } from './commands/validate.js';
import { usageErrorText } from './usage-errors.js';
import { EXAMPLES } from './examples.js';
import { oneOutputFlag } from './flag-rules.js';
import { packageVersion } from '../output/manifest.js';

/** Commands in the order `exitsim --help` lists them. */
const COMMANDS = [run, estimate, explain, list, study, microbench, sensitivity, sweep, capacity, tui, importMeasurement, calibrate, migrateCmd, report, rerun, table, slurm, validate];

/** The program, ready to parse. */
export function buildProgram(): Command {
  const program = new Command('exitsim')
    .description('Discrete-event simulator of hardware-virtualization (VT-x and SVM) exit overhead')
    .version(packageVersion(), '-V, --version', 'the version of exitsim')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(usageErrorText(s)) });
  for (const register of COMMANDS) register(program);
  program.hook('preAction', (_program, command) => oneOutputFlag(command));
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()];
    if (examples) command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  return program;
}

