// `exitsim report`: a simulated run printed in `perf kvm stat report` layout.
import type { Command } from 'commander';
import { perfReport } from '../../output/perf-report.js';

export function register(program: Command): void {
  program
    .command('report')
    .argument('<results-dir>')
    .description('a simulated run printed in perf kvm stat report layout')
    .option('--run <name>', 'runs of the folder by name (kernel-build/modern), by a part of it (kernel-build, modern) or by run id (default: every run)')
    .option('--json', "the same rows as figures (perf's columns, times in µs), one record per run")
    .action((dir: string, o: { run?: string; json?: boolean }) => void process.stdout.write(perfReport(dir, o.run, o.json ?? false)));
}
