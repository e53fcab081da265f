// Render-only views of the TUI state: they read a snapshot and draw it, so a
// test renders them with a fixture frame and reads the text. Readable without
// colour: every figure is text, colour only underlines it.
import { Box, Text } from 'ink';
import type { RunSummary } from '../metrics/summarize.js';
import { featureSetLabel } from '../exits/features.js';
import { HELP_ITEMS } from './keys.js';
import { oneWorkload, type TuiState } from './state.js';

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline on a scale from zero to its highest value: noise of a steady figure stays a flat line
 * near the top instead of filling the height (an autoscaled 338–338 drew noise as full swings).
 */
export function sparkline(values: number[], width: number): string {
  const xs = values.slice(-width);
  if (xs.length === 0) return '';
  const hi = Math.max(...xs);
  return xs.map((x) => SPARKS[hi > 0 ? Math.max(0, Math.round((x / hi) * (SPARKS.length - 1))) : 0]).join('');
}

export function bar(fraction: number, width: number): string {
  const n = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '█'.repeat(n) + '·'.repeat(width - n);
}

const fmt = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`);
const si = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s.padEnd(w));
/** Cuts from the middle, keeping a name's end (kernel-bu…#2), so that VMs of one workload stay apart. */
const cutMiddle = (s: string, w: number) => {
  if (s.length <= w) return s.padEnd(w);
  const tail = /#\d+$/.exec(s)?.[0] ?? s.slice(-3);
  return `${s.slice(0, Math.max(0, w - tail.length - 1))}…${tail}`;
};

/** The smallest terminal the screen is laid out for. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** Help items packed into lines of at most `width` characters. */
export function helpLines(width: number): string[] {
  const lines: string[] = [];
  for (const item of HELP_ITEMS) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 2 + item.length <= width) lines[last] += `  ${item}`;
    else lines.push(item);
  }
  return lines;
}

function Header({ state, width, title }: { state: TuiState; width: number; title: string }) {
  const f = state.frame;
  const progress = f ? f.simSeconds / f.totalSeconds : 0;
  // PAUSED only once the worker's own frame says so: until then a frame in flight may still move time.
  const status = state.quitting ? 'quitting' : f?.done ? 'done' : state.paused ? (f?.paused ? 'PAUSED' : 'pausing') : 'running';
  const speed = state.speed === 0 ? 'max' : state.speed.toPrecision(2);
  const warming = f && f.summaries[0] && f.simSeconds <= f.summaries[0].warmup_s ? ' (warm-up)' : '';
  const line2 = f
    ? `${status}${warming} t ${f.simSeconds.toFixed(3)}/${f.totalSeconds.toFixed(3)}s ${bar(progress, 10)} | ${si(f.eventsPerWallSec)} ev/s | ${f.simSecondsPerWallSec.toPrecision(2)} sim-s/s | speed ${speed}`
    : `starting… speed ${speed}`;
  return (
    <Box flexDirection="column">
      <Text bold>{cut(title, width)}</Text>
      <Text>{cut(line2, width)}</Text>
    </Box>
  );
}

function Columns({ state, width, vmRows }: { state: TuiState; width: number; vmRows: number }) {
  const sums = state.frame?.summaries ?? [];
  const n = state.featureSets.length;
  const labelW = width >= 110 ? 22 : 16; // wider terminals show whole VM names
  const colW = Math.max(12, Math.floor((width - labelW - (n > 1 ? 10 : 0)) / n));
  const head = state.featureSets.map((fs, i) => cut(`${i === state.focus ? '>' : ' '}${featureSetLabel(fs)}`, colW)).join('');
  const base = sums[0]?.total;
  // Units of different workloads do not add up: totals only when every VM runs one workload.
  const mixed = !oneWorkload(sums[0] ?? { vms: [] });
  const rows: Array<[string, (s: RunSummary) => string, string]> = [
    ['units/s', (s) => (mixed ? 'per VM below' : fmt(s.total.throughput_units_per_s)), ''],
    ['bare metal /s', (s) => (mixed ? '-' : fmt(s.total.native_throughput_units_per_s)), ''],
    ['efficiency', (s) => pct(s.total.efficiency), ''],
    ['exits/s', (s) => si(s.total.exit_count / Math.max(1e-9, s.duration_s)), ''],
  ];
  const delta = (s: RunSummary) =>
    base && base.throughput_units_per_s > 0 ? `${((s.total.throughput_units_per_s / base.throughput_units_per_s - 1) * 100).toFixed(1)}%` : '';
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{cut('features', labelW) + head + (n > 1 ? ' Δ units/s' : '')}</Text>
      {rows.map(([label, get]) => (
        <Text key={label}>{cut(label, labelW) + sums.map((s) => cut(get(s), colW)).join('') + (n > 1 && label === 'units/s' && sums.length > 1 && !mixed ? ` ${delta(sums[n - 1])}` : '')}</Text>
      ))}
      {(sums[state.focus]?.vms ?? []).slice(0, vmRows).map((vm, k) => (
        <Text key={vm.vm} dimColor>
          {'  ' + cutMiddle(vm.vm, labelW - 3) + ' ' + sums.map((s) => cut(`${fmt(s.vms[k]?.throughput_units_per_s)} ${pct(s.vms[k]?.efficiency)}`, colW)).join('')}
        </Text>
      ))}
      {(sums[state.focus]?.vms.length ?? 0) > vmRows ? <Text dimColor>{cut(`  … ${(sums[state.focus]?.vms.length ?? 0) - vmRows} more VMs (a taller terminal shows them)`, width)}</Text> : null}
    </Box>
  );
}

function Exits({ state, width, rows }: { state: TuiState; width: number; rows: number }) {
  const s = state.frame?.summaries[state.focus];
  if (!s) return null;
  const exits = Object.entries(s.total.exits).slice(0, rows);
  const maxCycles = Math.max(1, ...exits.map(([, e]) => e.cycles));
  const barW = Math.max(6, width - 20 - 10 - 12 - 4);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{cut(`exit reasons (${featureSetLabel(state.featureSets[state.focus])}), by cycles`, width)}</Text>
      {exits.length === 0 ? <Text dimColor>no exits yet</Text> : null}
      {exits.map(([name, e]) => (
        <Text key={name}>
          {cut(name, 20)}
          {fmt(e.rate_per_s, 0).padStart(9)}/s {fmt(e.mean_cycles, 0).padStart(8)}c <Text color="cyan">{bar(e.cycles / maxCycles, barW)}</Text>
        </Text>
      ))}
    </Box>
  );
}

const STAGE_GROUPS: Array<[string, string[]]> = [
  ['guest', ['guest']],
  ['exit steps', ['exit_record', 'exit_save_guest', 'exit_msr_store', 'exit_load_host', 'exit_msr_load']],
  ['handler', ['handler_kernel', 'handler_user']],
  ['entry', ['entry']],
  ['indirect', ['indirect_tlb_refill', 'indirect_2d_walk']],
  ['sched', ['host_sched']],
  ['spin', ['spin']],
  ['poll', ['halt_poll']],
  ['idle', ['idle']],
];

function Stages({ state, width }: { state: TuiState; width: number }) {
  const s = state.frame?.summaries[state.focus];
  if (!s) return null;
  const c = s.total.cycles_by_stage;
  const total = Object.values(c).reduce((a, b) => a + b, 0) || 1;
  // Largest first: a narrow terminal cuts the smallest items, never the one that matters most.
  const parts = STAGE_GROUPS.map(([label, keys]) => [label, keys.reduce((a, k) => a + (c[k] ?? 0), 0) / total] as const)
    .filter(([, x]) => x > 0)
    .sort((a, b) => b[1] - a[1]);
  const text = parts.map(([label, x]) => `${label} ${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`).join(' · ');
  return <Text>{cut(`cycles: ${text}`, width)}</Text>;
}

/** A sparkline's scale (it starts at zero) and the range of what it drew. */
function sparkScale(values: number[], width: number, unit: string): string {
  const xs = values.slice(-width);
  return xs.length === 0 ? '' : `0–${si(Math.max(...xs))}${unit} (${si(Math.min(...xs))}–${si(Math.max(...xs))})`;
}

function Sparks({ state, width }: { state: TuiState; width: number }) {
  const scaleW = 24;
  const w = Math.max(10, width - 22 - scaleW);
  const mixed = !oneWorkload(state.frame?.summaries[0] ?? { vms: [] });
  return (
    <Box flexDirection="column" marginTop={1}>
      {state.featureSets.map((fs, i) => (
        <Text key={i}>
          {cut(`${mixed ? 'eff.' : 'units/s'} ${featureSetLabel(fs)}`, 20)} <Text color="green">{sparkline(state.history[i] ?? [], w)}</Text> {sparkScale(state.history[i] ?? [], w, mixed ? '%' : '')}
        </Text>
      ))}
    </Box>
  );
}

export function Screen({ state, width, height, title }: { state: TuiState; width: number; height: number; title: string }) {
  // `width` leaves the terminal's last column free (a full line would wrap on some terminals).
  if (width + 1 < MIN_COLUMNS || height < MIN_ROWS) {
    return (
      <Box flexDirection="column">
        <Text bold>{`terminal too small (${width + 1}×${height}): exitsim tui needs at least ${MIN_COLUMNS}×${MIN_ROWS}.`}</Text>
        <Text>Enlarge the window (the run goes on), press q to quit, or run with CI=true for plain progress lines.</Text>
      </Box>
    );
  }
  const help = helpLines(width);
  // Rows: 2 header, 1+1+4+vms columns, 1+1+rows exits, 1 stages, 1+n sparks, 1 message, the help.
  // Every VM gets a row while the exit table keeps 3; the rest goes to exits (at most 10), and VMs
  // that do not fit are counted on a line of their own.
  const vms = state.frame?.summaries[state.focus]?.vms.length ?? 0;
  const fixed = 2 + 1 + 5 + 2 + 1 + 1 + state.featureSets.length + 1 + help.length;
  const free = Math.max(0, height - fixed - 1);
  const vmRows = vms <= free - 3 ? vms : Math.max(1, free - 3 - 1);
  const exitRows = Math.max(2, Math.min(10, free - vmRows - (vmRows < vms ? 1 : 0)));
  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} width={width} title={title} />
      <Columns state={state} width={width} vmRows={vmRows} />
      <Exits state={state} width={width} rows={exitRows} />
      <Stages state={state} width={width} />
      <Sparks state={state} width={width} />
      <Text color="yellow">{cut(state.message, width)}</Text>
      {help.map((line) => (
        <Text key={line} dimColor>
          {line}
        </Text>
      ))}
    </Box>
  );
}
