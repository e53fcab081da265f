// Readable text for the terminal: aligned tables, run summaries, comparisons.
import type { RunSummary } from '../metrics/summarize.js';
import { confidentialOf, vmTypeOf, type ConfidentialTraits } from '../exits/vm-types/index.js';

/** A number as every table shows it: thousands separators, at most two decimals. */
export const cell = (x: string | number): string => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: 2 }) : x);

export function table(header: string[], rows: Array<Array<string | number>>, alignLeft = 1): string {
  const cells = [header, ...rows.map((r) => r.map(cell))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((x, c) => (c < alignLeft ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ').trimEnd();
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** Words of `text` in lines of at most `width` characters (a word longer than that gets a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.length > 0 ? lines : [''];
}

/**
 * A table for a terminal `width` columns wide (80 by default): text left, the last column wrapped
 * under itself when a row would run past the width.
 */
export function wrappedTable(header: string[], rows: string[][], width = 80): string {
  const lead = header.slice(0, -1).map((_, c) => Math.max(header[c].length, ...rows.map((r) => (r[c] ?? '').length)));
  const indent = lead.reduce((a, w) => a + w + 2, 0);
  const room = Math.max(20, width - indent - 1);
  const line = (r: string[], last: string) => [...r.slice(0, -1).map((x, c) => x.padEnd(lead[c])), last].join('  ').trimEnd();
  const dashes = '-'.repeat(Math.min(room, Math.max(header[header.length - 1].length, ...rows.map((r) => (r[r.length - 1] ?? '').length))));
  const out = [line(header, header[header.length - 1]), line([...lead.map((w) => '-'.repeat(w)), dashes], dashes)];
  for (const r of rows) {
    const parts = wrapWords(r[r.length - 1] ?? '', room);
    out.push(line(r, parts[0]));
    for (const more of parts.slice(1)) out.push(' '.repeat(indent) + more);
  }
  return out.join('\n');
}

export const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
/** An efficiency with its 95% CI, one way everywhere: its half-width is in percentage points. */
export const pctCi = (mean: number | null, half: number | null): string =>
  mean === null ? 'n/a' : `${(mean * 100).toFixed(2)}%${half === null ? '' : ` ± ${(half * 100).toFixed(2)} pp`}`;
export const num = (x: number | null, digits = 1): string => (x === null ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
/** "mean ± half-width", both with the same digits and separators (1,234.5 ± 12.3); `unit` follows each. */
export const meanCi = (mean: number | null, half: number | null, digits = 1, unit = ''): string =>
  mean === null ? 'n/a' : `${num(mean, digits)}${unit} ± ${half === null ? '?' : `${num(half, digits)}${unit}`}`;

export function formatRun(s: RunSummary): string {
  const out: string[] = [];
  out.push(`${s.scenario} — profile ${s.profile}, features ${s.features}, seed ${s.seed}, ${s.duration_s} s simulated (warm-up ${s.warmup_s} s), ${s.pcpus} pCPUs`);
  out.push('');
  out.push(
    table(
      ['vm', 'vcpus', 'units/s', 'bare metal units/s', 'efficiency', 'exits/s', 'exit p50/p99 cycles', 'unit p99 µs'],
      [
        ...s.vms.map((v) => [
          v.vm, v.vcpus, num(v.throughput_units_per_s), num(v.native_throughput_units_per_s), pct(v.efficiency),
          num(v.exit_count / s.duration_s, 0), `${num(v.exit_cycles.p50, 0)} / ${num(v.exit_cycles.p99, 0)}`, num(v.unit_latency_us.p99),
        ]),
        ['total', s.total.vcpus, num(s.total.throughput_units_per_s), num(s.total.native_throughput_units_per_s), pct(s.total.efficiency), num(s.total.exit_count / s.duration_s, 0), '', ''],
      ],
    ),
  );
  out.push('');
  const exits = Object.entries(s.total.exits).slice(0, 12);
  out.push(
    table(
      ['exit reason', 'count', 'per s', 'mean cycles', 'cycles', 'blocked cycles'],
      exits.map(([name, e]) => [name, e.count, num(e.rate_per_s, 0), num(e.mean_cycles, 0), e.cycles, e.blocked_cycles || '']),
    ),
  );
  out.push('');
  const stages = Object.entries(s.total.cycles_by_stage);
  const all = stages.reduce((a, [, c]) => a + c, 0);
  out.push(table(['where the pCPU cycles went', 'cycles', 'share'], stages.filter(([, c]) => c > 0).map(([k, c]) => [k, c, pct(c / all)])));
  const lv = s.exits_by_level;
  if (lv) out.push('', `nested: L2 exits handled in L0 ${num(lv.l2_handled_in_l0, 0)}, reflected to L1 ${num(lv.l2_reflected_to_l1, 0)}; L1's own exits (VMRESUME/VMRUN, VMREAD/VMWRITE, VMLOAD/VMSAVE, CLGI/STGI) ${num(lv.l1_own, 0)}; handler_l1 is L1's handlers`);
  const cv = s.confidential;
  if (cv) {
    const kind = vmTypeOf(cv.vm_type).guestText;
    const subs = cv.requests_by_sub_leaf.map((r) => `${r.sub_leaf} ${pct(r.share)}`).join(', ');
    out.push(
      '',
      `confidential (${kind}): ${num(cv.requests, 0)} of the host's exits are the guest's requests — perf kvm stat shows them as one ${(confidentialOf(cv.vm_type) as ConfidentialTraits).perfName} line; by sub-leaf: ${subs || 'none'}; ${num(cv.direct_exits, 0)} direct exits. handler_guest is its #VE/#VC handling and bounce-buffer copies${confidentialOf(cv.vm_type)?.monitorText ?? ''}`,
    );
  }
  return out.join('\n');
}

/** compare across CPU profiles: a row per (profile, feature set), Δ against the first. */
export function formatCrossProfile(runs: RunSummary[]): string {
  const base = runs[0];
  const rows = runs.map((r) => {
    const delta = base.total.efficiency && r.total.efficiency ? (r.total.efficiency / base.total.efficiency - 1) * 100 : null;
    return [
      r.profile, r.features + (r === base ? ' (baseline)' : ''), pct(r.total.efficiency), delta === null ? 'n/a' : `${delta >= 0 ? '+' : ''}${delta.toFixed(2)}%`,
      num(r.total.throughput_units_per_s), num(r.total.exit_count / r.duration_s, 0), num(r.total.host_cycles_per_unit, 0),
    ];
  });
  return [
    `${base.scenario} — ${[...new Set(runs.map((r) => r.profile))].join(' vs ')}, seed ${base.seed}, ${base.duration_s} s simulated; baseline: ${base.profile} ${base.features}; the same guest work and seeds on every CPU (units/s also differ by clock frequency)`,
    '',
    table(['profile', 'features', 'efficiency', 'Δ vs baseline (relative)', 'units/s', 'exits/s', 'host cycles/unit'], rows),
  ].join('\n');
}

export function formatCompare(runs: RunSummary[]): string {
  const base = runs[0];
  const rows = runs.map((r) => {
    const delta = base.total.efficiency && r.total.efficiency ? (r.total.efficiency / base.total.efficiency - 1) * 100 : null;
    return [
      r.features + (r === base ? ' (baseline)' : ''), pct(r.total.efficiency), delta === null ? 'n/a' : `${delta >= 0 ? '+' : ''}${delta.toFixed(2)}%`,
      num(r.total.throughput_units_per_s), num(r.total.exit_count / r.duration_s, 0), num(r.total.host_cycles_per_unit, 0),
    ];
  });
  return [
    `${base.scenario} — profile ${base.profile}, seed ${base.seed}, ${base.duration_s} s simulated; baseline: ${base.features}; common random numbers across feature sets`,
    '',
    table(['features', 'efficiency', 'Δ vs baseline (relative)', 'units/s', 'exits/s', 'host cycles/unit'], rows),
  ].join('\n');
}
