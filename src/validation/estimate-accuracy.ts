// The estimate against the exact engine (issue 18): every shipped workload ×
// preset × host shape (dedicated and overcommitted pCPUs), the exact figure a
// mean over seeded replications with its 95% CI. The worst error per workload
// class is the band `exitsim estimate` quotes; docs/estimate.md is this table.
import { parseFeatureSet } from '../exits/features.js';
import { resolveScenario, type ResolvedScenario } from '../request/scenario.js';
import { loadWorkload } from '../config/load.js';
import { runScenarios } from '../experiment/runner.js';
import { estimate as meanCi } from '../stats/confidence.js';
import { estimateRun } from '../estimate/analytic.js';
import { classKey, estimateClass, KIND_TEXT, REGIME_TEXT, type ClassBand, type Regime, type WorkloadKind } from '../estimate/classes.js';

export const ACCURACY_WORKLOADS = ['cpu-bound', 'idle-guest', 'kernel-build', 'network-server', 'oltp-database', 'spinlock-job', 'windows-desktop'];
export const ACCURACY_PRESETS = ['none', 'nehalem', 'modern'];
/** Host shapes on 4 pCPUs (Nehalem-era presets run on the default profile, sapphire-rapids, which has them all). */
export const ACCURACY_HOSTS = [
  { scheduler: 'pinned' as const, vms: 1, vcpus: 2, label: '1 VM × 2 vCPUs, pinned' },
  { scheduler: 'pinned' as const, vms: 2, vcpus: 2, label: '2 VMs × 2 vCPUs, pinned' },
  { scheduler: 'fair' as const, vms: 3, vcpus: 2, label: '3 VMs × 2 vCPUs, fair (1.5×)' },
  { scheduler: 'fair' as const, vms: 2, vcpus: 4, label: '2 VMs × 4 vCPUs, fair (2×)' },
  { scheduler: 'fair' as const, vms: 4, vcpus: 4, label: '4 VMs × 4 vCPUs, fair (4×)' },
  { scheduler: 'fair' as const, vms: 8, vcpus: 4, label: '8 VMs × 4 vCPUs, fair (8×)' },
];
export const ACCURACY_PCPUS = 4;
/** Every shipped workload on one host, one VM of 2 vCPUs each (14 vCPUs): dedicated, then 1.75× and 3.5× overcommitted. */
export const MIXED_HOSTS = [
  { scheduler: 'pinned' as const, pcpus: 16, label: 'all 7 workloads × 2 vCPUs, 16 pCPUs pinned' },
  { scheduler: 'fair' as const, pcpus: 8, label: 'all 7 workloads × 2 vCPUs, 8 pCPUs fair (1.75×)' },
  { scheduler: 'fair' as const, pcpus: 4, label: 'all 7 workloads × 2 vCPUs, 4 pCPUs fair (3.5×)' },
];
export const ACCURACY_REPLICATIONS = 3;
/** Simulated seconds: enough units per VM that the exact mean is not mostly noise (idle-guest finishes ~25 units a second). */
export function accuracyDurationSec(workload: string): number {
  return workload === 'idle-guest' ? 4 : 0.5;
}

export interface AccuracyRow {
  workload: string;
  host: string;
  preset: string;
  kind: WorkloadKind;
  regime: Regime;
  estimatePct: number;
  exactPct: number;
  exactCi95Pp: number;
  errorPp: number;
  worstVmEstimatePct: number;
  worstVmExactPct: number;
  worstVmErrorPp: number;
  /** The largest |estimate − exact| of one VM's efficiency (its exact figure the mean over replications). */
  largestVmErrorPp: number;
  estimateMs: number;
  exactWallS: number;
}


/** The mixed host: every shipped workload, one VM each, on `host`. */
function mixedSpec(host: (typeof MIXED_HOSTS)[number], seed: number): ResolvedScenario {
  const base = resolveScenario(ACCURACY_WORKLOADS[0], { pcpus: host.pcpus, scheduler: host.scheduler, vms: 1, vcpus: 2, durationSec: 0.5, warmupSec: 0.05, seed });
  const workloads = new Map(ACCURACY_WORKLOADS.map((w) => [w, loadWorkload(w)]));
  return { ...base, workloads, scenario: { ...base.scenario, name: 'mixed', vms: ACCURACY_WORKLOADS.map((w) => ({ ...base.scenario.vms[0], workload: w, count: 1, vcpus: 2 })) } };
}

function caseSpec(workload: string, host: (typeof ACCURACY_HOSTS)[number], seed: number): ResolvedScenario {
  return resolveScenario(workload, {
    pcpus: ACCURACY_PCPUS, scheduler: host.scheduler, vms: host.vms, vcpus: host.vcpus,
    durationSec: accuracyDurationSec(workload), warmupSec: 0.05, seed,
  });
}

const pct = (x: number) => Math.round(x * 1e4) / 100;

/** Runs every case (exact runs on `workers` threads) and compares. */
export async function measureAccuracy(opts: { workers?: number; workloads?: string[] } = {}): Promise<{ rows: AccuracyRow[]; bands: ClassBand[] }> {
  const workloads = opts.workloads ?? ACCURACY_WORKLOADS;
  const sets = ACCURACY_PRESETS.map((p) => parseFeatureSet(p));
  const cases: Array<{ workload: string; host: string; spec: (seed: number) => ResolvedScenario }> = [
    ...workloads.flatMap((w) => ACCURACY_HOSTS.map((h) => ({ workload: w, host: h.label, spec: (seed: number) => caseSpec(w, h, seed) }))),
    ...(opts.workloads ? [] : MIXED_HOSTS.map((h) => ({ workload: 'mixed', host: h.label, spec: (seed: number) => mixedSpec(h, seed) }))),
  ];
  const items: { resolved: ResolvedScenario; featureSets: number[] }[] = [];
  for (const c of cases) for (let k = 0; k < ACCURACY_REPLICATIONS; k++) items.push({ resolved: c.spec(1 + k), featureSets: sets });
  const exact = await runScenarios(items, { workers: opts.workers });
  const rows: AccuracyRow[] = [];
  let i = 0;
  for (const c of cases) {
    const reps = exact.slice(i, i + ACCURACY_REPLICATIONS);
    i += ACCURACY_REPLICATIONS;
    const spec = c.spec(1);
    const cls = estimateClass(spec);
    sets.forEach((f, s) => {
      const t0 = performance.now();
      const e = estimateRun(spec, f);
      const estimateMs = performance.now() - t0;
      const totals = meanCi(reps.map((r) => r.summaries[s].total.efficiency));
      const worstExact = meanCi(reps.map((r) => Math.min(...r.summaries[s].vms.map((v) => v.efficiency ?? 0))));
      const est = e.total.efficiency ?? 0;
      const worstEst = Math.min(...e.vms.map((v) => v.efficiency ?? 0));
      const largestVm = Math.max(...e.vms.map((v, j) => Math.abs((v.efficiency ?? 0) - (meanCi(reps.map((r) => r.summaries[s].vms[j].efficiency)).mean ?? 0))));
      rows.push({
        workload: c.workload, host: c.host, preset: ACCURACY_PRESETS[s], kind: cls.kind, regime: cls.regime,
        estimatePct: pct(est), exactPct: pct(totals.mean ?? 0), exactCi95Pp: pct(totals.ci95 ?? 0),
        errorPp: pct(est - (totals.mean ?? 0)),
        worstVmEstimatePct: pct(worstEst), worstVmExactPct: pct(worstExact.mean ?? 0), worstVmErrorPp: pct(worstEst - (worstExact.mean ?? 0)),
        largestVmErrorPp: pct(largestVm),
        estimateMs, exactWallS: reps.reduce((a, r) => a + r.wallSeconds / sets.length, 0) / reps.length,
      });
    });
  }
  return { rows, bands: bandsOf(rows) };
}

export function bandsOf(rows: AccuracyRow[]): ClassBand[] {
  const out = new Map<string, ClassBand & { sum: number }>();
  for (const r of rows) {
    const key = classKey(r);
    const b = out.get(key) ?? { kind: r.kind, regime: r.regime, cases: 0, worstErrorPp: 0, meanAbsErrorPp: 0, worstVmErrorPp: 0, largestVmErrorPp: 0, sum: 0 };
    b.cases++;
    b.sum += Math.abs(r.errorPp);
    b.worstErrorPp = Math.max(b.worstErrorPp, Math.abs(r.errorPp));
    b.worstVmErrorPp = Math.max(b.worstVmErrorPp, Math.abs(r.worstVmErrorPp));
    b.largestVmErrorPp = Math.max(b.largestVmErrorPp, r.largestVmErrorPp);
    out.set(key, b);
  }
  return [...out.values()].map(({ sum, ...b }) => ({ ...b, meanAbsErrorPp: Math.round((sum / b.cases) * 100) / 100 }));
}

const fmt = (x: number) => x.toFixed(2);

/** docs/estimate.md: the bands, then every case. Deterministic (seeded runs; no timings). */
export function accuracyMarkdown(rows: AccuracyRow[], bands: ClassBand[]): string {
  const lines = [
    '# The estimate against the exact engine',
    '',
    'Generated by `npm run estimate-doc` (src/estimate/write-doc.ts); do not edit. `exitsim estimate` is an analytic',
    'model of the same compiled scenario the exact engine runs (src/estimate/analytic.ts): per-class exit cost ×',
    'rate, 2-D walks and TLB refills, interrupts per wall cycle, and queueing approximations for what the engine',
    'simulates as interactions (pCPU time sharing, halts and wake-ups, a VM\'s spin lock and its holder\'s preemption,',
    'device queues). Here it is compared with the exact engine on every shipped workload × preset × host shape:',
    `${ACCURACY_PCPUS} pCPUs (sapphire-rapids), exact figures the mean of ${ACCURACY_REPLICATIONS} seeded replications (seeds 1–${ACCURACY_REPLICATIONS}) with`,
    'their 95% CI, 0.5 simulated seconds (idle-guest 4 s) after 0.05 s of warm-up. Nothing in the estimate was fitted',
    'to this table: every row is a prediction. Its error includes the exact runs\' own noise (the CI column).',
    '',
    '## Error bands by workload class',
    '',
    '`exitsim estimate` quotes the worst error of the class a scenario falls in (its hardest workload kind, and',
    'whether its vCPUs share pCPUs). Efficiency in percent; errors in percentage points (estimate − exact).',
    '',
    '| workload kind | pCPUs | cases | worst error (pp) | mean abs. error (pp) | worst VM: worst error (pp) | any one VM: largest error (pp) |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...bands.map((b) => `| ${KIND_TEXT[b.kind]} | ${REGIME_TEXT[b.regime]} | ${b.cases} | ${fmt(b.worstErrorPp)} | ${fmt(b.meanAbsErrorPp)} | ${fmt(b.worstVmErrorPp)} | ${fmt(b.largestVmErrorPp)} |`),
    '',
    '## Where the approximation is poor',
    '',
    '- **Lock-holder preemption without PLE** (spinlock-job, overcommitted, `none`): the estimate treats each',
    '  preemption of the holder as an episode during which every other vCPU spins its share of the pCPU until the',
    '  holder runs again; the exact engine\'s test-and-set handover and the order in which the fair scheduler picks',
    '  spinners make the real loss depend on placement. The band for that class is wide, and said so.',
    '- **The worst VM** under time sharing: which VMs share pCPUs, and the noise of a few units per VM, move the',
    '  exact worst VM more than the mean; the estimate gives the expected value per VM, not the minimum of noisy',
    '  ones. Capacity uses the estimate only to bracket the boundary and decides with exact runs.',
    '- **Open workloads past saturation** (network-server at 4–8×: more demand than pCPUs): the estimate is',
    '  the long-run figure, and a 0.5-s exact run is not yet in its long run. Its arrival queue (4,096',
    '  requests) is still filling, and every accepted arrival\'s interrupt is handled before its unit is',
    '  served, so per unit served the guest handles more interrupts than it will once the queue is full',
    '  and arrivals are dropped. With a guest that has no events at all, 16 VMs on 4 pCPUs, the exact',
    '  efficiency is 97.1% over 0.3 s, 99.3% over 1 s and 99.7% over 3 s. The band of that class is wide',
    '  (3–4 pp) for this reason; an overloaded host\'s exact figures depend on the run\'s length.',
    '- **One VM of a mixed host** (the last column): the total is close, but an idle guest sharing pCPUs with',
    '  busy ones at 1.75× is off by ~10 pp — how many of its timer wake-ups fall into one wait for a pCPU',
    '  depends on which runners it waits behind; at 3.5× the estimate is within ~2.5 pp. The band quoted is',
    '  for the total efficiency; a per-VM answer on a mixed, lightly overcommitted host needs `exitsim run`.',
    '- **Open workloads with few units** (idle-guest): the exact figure itself is noisy (see its CI).',
    '',
    '## Every case',
    '',
    '| workload | host | features | estimate (%) | exact (%) | ±95% CI (pp) | error (pp) | worst VM est. (%) | worst VM exact (%) | worst VM error (pp) | largest VM error (pp) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.workload} | ${r.host} | ${r.preset} | ${fmt(r.estimatePct)} | ${fmt(r.exactPct)} | ${fmt(r.exactCi95Pp)} | ${fmt(r.errorPp)} | ${fmt(r.worstVmEstimatePct)} | ${fmt(r.worstVmExactPct)} | ${fmt(r.worstVmErrorPp)} | ${fmt(r.largestVmErrorPp)} |`),
    '',
  ];
  return lines.join('\n');
}

/** The generated module of bands (src/estimate/error-bands.ts). */
export function bandsSource(bands: ClassBand[]): string {
  return [
    '// Generated by `npm run estimate-doc` from the table in docs/estimate.md; do not edit.',
    '// The worst error of the estimate against the exact engine, per workload class.',
    "import type { ClassBand } from './classes.js';",
    '',
    `export const ERROR_BANDS: ClassBand[] = ${JSON.stringify(bands, null, 2).replace(/"([a-zA-Z]+)":/g, '$1:').replace(/"/g, "'")};`,
    '',
  ].join('\n');
}
