// `exitsim capacity`: the most VMs (or vCPUs) a host takes while every VM keeps the SLAs.
import type { Command } from 'commander';
import { Option } from 'commander';
import { InputError } from '../../config/errors.js';
import { featureSetLabel } from '../../exits/features.js';
import { stepProgress } from '../progress.js';
import { capacitySearch, parseSla, type CapacityResult, type Evaluation } from '../../experiment/capacity.js';
import { multiFidelitySearch } from '../../experiment/capacity-search.js';
import { workerCount } from '../../experiment/pool.js';
import { CAPACITY_BOUNDARY_REPLICATION_FACTOR, CAPACITY_REPLICATIONS } from '../../experiment/settings.js';
import { writeResultFiles } from '../../io/atomic.js';
import { capacityCsv, capacityTable } from '../../output/tables.js';
import { CLI, addCommon, checkCsvTarget, collect, featureLabelsOf, featureSetsOf, intFlag, resolve, type CommonOptions } from '../options.js';

type CapacityOptions = CommonOptions & { sla: string[]; vary: 'vms' | 'vcpus'; max: number; search: 'multi-fidelity' | 'exact' };

async function capacityCommand(file: string, o: CapacityOptions): Promise<void> {
  // The search varies the VM count itself (1 to --max); --vms would only resize the default host.
  if (o.vary === 'vms' && o.vms !== undefined) {
    throw new InputError(CLI, '--vms', 'no --vms with capacity --vary vms (the search tries 1 VM up to --max; --pcpus sizes the host)', String(o.vms));
  }
  const r = resolve(file, o);
  const slas = (o.sla ?? []).map(parseSla);
  if (slas.length === 0) throw new InputError(CLI, '--sla', 'at least one SLA, e.g. --sla "efficiency>=90%"', 'none');
  const sets = featureSetsOf(o, r, [r.scenario.features]);
  const labels = featureLabelsOf(o);
  if (o.out) checkCsvTarget(o.out, o.force ?? false, ['capacity.csv']);
  const replications = o.replications ?? CAPACITY_REPLICATIONS;
  const results: CapacityResult[] = [];
  for (const [i, f] of sets.entries()) {
    const label = labels?.[i] ?? featureSetLabel(f);
    const step = stepProgress(`capacity ${label}`);
    const onEvaluation = step && ((e: Evaluation, runs: number, left: number) => step(`${e.n} ${o.vary === 'vms' ? 'VMs' : 'vCPUs'} ${e.fits ? 'fit' : 'do not fit'}; ${runs} runs done, about ${left} to go`, left / Math.max(1, runs)));
    const options = { vary: o.vary, max: o.max, replications, onEvaluation };
    const found = o.search === 'exact' ? capacitySearch(r, f, slas, options) : await multiFidelitySearch(r, f, slas, { ...options, workers: workerCount(o.workers, Infinity) });
    results.push({ ...found, features: label, features_canonical: found.features });
    step?.('');
  }
  if (o.out) writeResultFiles(o.out, { 'capacity.csv': capacityCsv(results, slas) }, { force: o.force ?? false });
  if (o.json) {
    process.stdout.write(JSON.stringify({ scenario: r.scenario.name, slas: slas.map((x) => x.text), results }, null, 2) + '\n');
    return;
  }
  const wname = r.workloads.get(r.scenario.vms[0].workload)?.workload.name ?? r.scenario.vms[0].workload;
  const what = o.vary === 'vms' ? `VMs of ${wname} (${r.scenario.vms[0].vcpus} vCPUs each)` : `vCPUs per VM`;
  process.stdout.write(
    `Capacity of ${r.scenario.host.pcpus} pCPUs (${r.profile.name}, ${r.scenario.host.scheduler}): most ${what} with every VM meeting ${slas.map((x) => x.text).join(' and ')}; ` +
      `worst VM's mean over ${replications} replications, boundary re-checked with ${replications * CAPACITY_BOUNDARY_REPLICATION_FACTOR}\n` +
      `${searchNote(results, o.search)}\n\n` +
      capacityTable(results, slas, o.vary, o.max) + '\n' +
      (r.scenario.host.scheduler === 'pinned' && results.some((x) => x.evaluations.some((e) => e.failed.startsWith('pinned:')))
        ? `\nnote: the pinned scheduler gives each vCPU a pCPU of its own, so the answer is at most the ${r.scenario.host.pcpus} pCPUs over the vCPUs per VM; --scheduler fair or round-robin lets the host overcommit\n`
        : ''),
  );
}

/** How the answer was found: which search, how many simulations, and what the estimate pointed at. */
function searchNote(results: CapacityResult[], search: string): string {
  const sims = results.reduce((a, x) => a + (x.simulations ?? 0), 0);
  if (search === 'exact') return `search: exact runs only (${sims} simulations)`;
  const guesses = results.map((x) =>
    x.estimated !== null && x.estimated !== undefined ? `${x.features}: ${x.estimated}` : x.max === 0 ? `${x.features}: nothing (one already fails)` : `${x.features}: nothing (it has no figure for this SLA: exact bracketing)`,
  );
  return `search: multi-fidelity — the estimate pointed at ${guesses.join(', ')}; exact runs decided (${sims} simulations, the boundary re-checked as the exact search does)`;
}

export function register(program: Command): void {
  addCommon(program.command('capacity').argument('<workload-or-scenario>').description('the most VMs (or vCPUs) a host takes while every VM keeps an SLA, per feature set'), true)
    .option('--sla <condition>', 'e.g. "efficiency>=90%" or "p99_latency_us<=500"; repeatable; at least one required', collect)
    .addOption(new Option('--vary <what>', 'what grows').choices(['vms', 'vcpus']).default('vms'))
    .option('--max <n>', 'largest count to try', intFlag('--max', 1), 64)
    .addOption(new Option('--search <how>', 'multi-fidelity: the analytic estimate brackets the boundary, exact runs decide it; exact: exact runs only (the same answer, slower)').choices(['multi-fidelity', 'exact']).default('multi-fidelity'))
    .action(async (file: string, o: CapacityOptions) => capacityCommand(file, o));
}
