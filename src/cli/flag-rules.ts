// Rules over a command's flags as a whole that commander cannot state: one
// output flag under its old names, and a flag left without its value.
import type { Command } from 'commander';
import { InputError } from '../config/errors.js';

/**
 * `--out` is the one output flag of every command; `--csv` (run, compare, capacity, microbench,
 * sensitivity) and `--output` (import) were its names before and still work for one release.
 */
export function oneOutputFlag(command: Command): void {
  const o = command.opts();
  for (const old of ['csv', 'output'] as const) {
    if (o[old] === undefined) continue;
    if (o.out !== undefined && o.out !== o[old]) throw new InputError('command line', `--${old}`, `one output path (--out; --${old} is its old name)`, `--out ${o.out} and --${old} ${o[old]}`);
    command.setOptionValue('out', o[old]);
    command.setOptionValue(old, undefined);
    process.stderr.write(`exitsim: note: --${old} is now --out (every command's output flag); --${old} will be removed in the next release\n`);
  }
}

/**
 * A flag that takes a value, followed by another of the command's flags (`--sla --duration 1`):
 * commander would take `--duration` as the SLA and then complain about a stray argument. The
 * culprit is the flag left without its value; say so.
 */
export function checkFlagValues(program: Command, argv: string[]): void {
  let command = program.commands.find((c) => c.name() === argv[0]);
  let rest = argv.slice(1);
  const sub = command?.commands.find((c) => c.name() === rest[0]);
  if (sub) {
    command = sub;
    rest = rest.slice(1);
  }
  if (!command) return;
  const options = command.options;
  const isFlag = (t: string) => options.some((o) => o.long === t || o.short === t);
  for (let i = 0; i < rest.length - 1; i++) {
    const o = options.find((x) => x.long === rest[i] || x.short === rest[i]);
    if (o && o.required && isFlag(rest[i + 1])) {
      throw new InputError('command line', o.long ?? rest[i], 'a value after the flag', `the next flag ${rest[i + 1]}`);
    }
  }
}
