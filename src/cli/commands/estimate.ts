// `exitsim estimate`: the analytic estimate of a scenario, in milliseconds,
// labelled as an estimate with the error band measured for its workload class.
import type { Command } from 'commander';
import { vmTypeOf } from '../../exits/vm-types/index.js';
import type { Arch } from '../../exits/arch/index.js';
import { estimateRun, type RunEstimate } from '../../estimate/analytic.js';
import { quotedBand, type QuotedBand } from '../../estimate/band.js';
import { num, pct, table } from '../../output/text.js';
import { addCommon, featureLabelsOf, featureSetsOf, resolve, type CommonOptions } from '../options.js';

/** Flags of run that mean nothing to an analytic model (no simulation, no files). */
const NOT_FOR_ESTIMATE = ['--replications', '--workers', '--aggregate', '--allow-long', '--quick', '--out', '--csv', '--force'];

function formatEstimate(e: RunEstimate, band: QuotedBand, ms: number): string {
  const lines = [
    `ESTIMATE (analytic, ${ms.toFixed(1)} ms; not a simulation) — ${e.scenario}, profile ${e.profile}, features ${e.features}, ${e.pcpus} pCPUs`,
    `error band ±${band.pp} pp of the total efficiency, ±${band.vmPp} pp of one VM's: ${band.class} (${band.source}); exitsim run gives the exact figure`,
    '',
    table(
      ['vm', 'vcpus', 'units/s', 'bare metal units/s', 'efficiency', 'host cycles/unit', 'pCPU sharing'],
      [
        ...e.vms.map((v) => [v.vm, v.vcpus, num(v.throughput_units_per_s), num(v.native_throughput_units_per_s), pct(v.efficiency), num(v.host_cycles_per_unit, 0), num(v.pcpu_sharing, 2)]),
        ['total', e.vms.reduce((a, v) => a + v.vcpus, 0), num(e.total.throughput_units_per_s), num(e.total.native_throughput_units_per_s), pct(e.total.efficiency), '', ''],
      ],
    ),
    '',
    'where the busy cycles of a unit go (cycles per unit, estimate):',
    table(
      ['vm', 'guest', 'exits', 'interrupts', '2-D walk', 'host', 'spin', 'halt'],
      e.vms.map((v) => [v.vm, ...[v.terms.guest, v.terms.exits, v.terms.interrupts, v.terms.walk, v.terms.host, v.terms.spin, v.terms.halt].map((x) => num(x, 0))]),
    ),
  ];
  return lines.join('\n') + '\n';
}

async function estimateCommand(file: string, o: CommonOptions): Promise<void> {
  const r = resolve(file, o);
  const sets = featureSetsOf(o, r, [r.scenario.features]);
  const band = quotedBand(r);
  const labels = featureLabelsOf(o);
  const results = sets.map((f, i) => {
    const t0 = performance.now();
    const est = estimateRun(r, f);
    const ms = performance.now() - t0;
    // Labelled as the user wrote the set; the canonical label beside it.
    const { scenario, profile, features, ...rest } = est;
    return { e: { scenario, profile, features: labels?.[i] ?? features, features_canonical: features, ...rest }, ms };
  });
  if (o.json) {
    const one = (x: (typeof results)[number]) => ({ estimate: true, ...x.e, band: { efficiency_pp: band.pp, vm_efficiency_pp: band.vmPp, class: band.class, measured: band.measured, source: band.source }, wall_ms: Number(x.ms.toFixed(3)) });
    const body = results.length === 1 ? one(results[0]) : { baseline: results[0].e.features, runs: results.map(one) };
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  process.stdout.write(results.map((x) => formatEstimate(x.e, band, x.ms)).join('\n'));
  // The bands were measured on VT-x profiles; the analytic model leaves one SVM mechanism out.
  const archNote = ESTIMATE_NOTE[r.profile.arch];
  if (archNote) process.stdout.write(`\nnote: ${r.profile.name} ${archNote}\n`);
  // Nor on nested or confidential guests: their plans are costed the same way, but no band was measured there.
  if (!vmTypeOf(r.scenario.vmType).plain) process.stdout.write(`\nnote: a ${r.scenario.vmType} guest: the error bands were measured on plain VMs (network-server: the estimate was within 2 pp of the engine as a nested guest, a TD and an SEV-SNP guest) — exitsim run gives the exact figure\n`);
}

/** What the estimate leaves out on each architecture (its bands were measured on VT-x profiles). */
const ESTIMATE_NOTE: Record<Arch, string | undefined> = {
  vmx: undefined,
  svm: 'is an AMD (SVM) profile: the error bands were measured on VT-x profiles, and the estimate does not count AVIC_INCOMPLETE_IPI exits (IPIs to halted or descheduled vCPUs) — exitsim run does',
  arm64: 'is an arm64 profile: the error bands were measured on VT-x profiles — exitsim run gives the exact figure',
};

export function register(program: Command): void {
  addCommon(program.command('estimate').argument('<workload-or-scenario>').description('an analytic estimate of a scenario in milliseconds, with its measured error band (docs/estimate.md)'), true, NOT_FOR_ESTIMATE)
    .action(async (file: string, o: CommonOptions) => estimateCommand(file, o));
}
