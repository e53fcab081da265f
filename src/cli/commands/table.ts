// `exitsim table <results-dir | validation>`: tables for a paper, in Markdown or LaTeX.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { writeResultFiles } from '../../io/atomic.js';
import { resultTables, tablesLatex, tablesMarkdown, validationTable } from '../../output/paper-tables.js';
import { computeValidation } from '../../validation/report.js';
import { checkCsvTarget, dirFlag, relativePaths } from '../options.js';

interface TableOptions {
  format: 'markdown' | 'latex';
  json?: boolean;
  out?: string;
  force?: boolean;
}

function tableCommand(source: string, o: TableOptions): void {
  const tables = source === 'validation' ? [validationTable(computeValidation().rows)] : resultTables(source);
  if (o.out) {
    checkCsvTarget(o.out, o.force ?? false, ['tables.md', 'tables.tex']);
    const written = writeResultFiles(o.out, { 'tables.md': tablesMarkdown(tables), 'tables.tex': tablesLatex(tables) }, { force: o.force ?? false });
    process.stdout.write(`wrote ${relativePaths(written)}\n`);
    return;
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(tables.map(({ long: _long, ...t }) => t), null, 2) + '\n');
    return;
  }
  process.stdout.write(o.format === 'latex' ? tablesLatex(tables) : tablesMarkdown(tables));
}

export function register(program: Command): void {
  program
    .command('table')
    .argument('<results-dir>', "a result folder, or 'validation' for the published-figures table")
    .description('tables for a paper: efficiency by feature set and the exit mix (or the validation table), in Markdown or LaTeX (booktabs, siunitx)')
    .addOption(new Option('--format <format>', 'what to print').choices(['markdown', 'latex']).default('markdown'))
    .option('--out <dir>', 'write tables.md and tables.tex to DIR instead (default: print)', dirFlag('--out'))
    .option('--force', 'replace tables already in the --out folder')
    .option('--json', 'the tables as data (caption, header, rows: text or mean with its 95% CI half-width)')
    .action((source: string, o: TableOptions) => tableCommand(path.normalize(source) === 'validation' ? 'validation' : source, o));
}
