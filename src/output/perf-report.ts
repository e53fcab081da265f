// `exitsim report`: a simulated run printed in `perf kvm stat report` layout
// (20-character name column), so it can be diffed against a measurement with
// the tools people know — and imported back (issue 6's round trip).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../config/errors.js';

interface ExitRow {
  run_id: string;
  exit_reason: string;
  count: string;
  total_cycles: string;
  min_cycles: string;
  max_cycles: string;
  stddev_cycles?: string;
  blocked_cycles: string;
}

function readCsv(dir: string, name: string): Record<string, string>[] {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new InputError(dir, name, `a results folder with ${name} (written by run --csv, compare --csv or sweep)`, 'no such file');
  try {
    return parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new InputError(file, '', 'a CSV file', (err as Error).message.split('\n')[0]);
  }
}

const us = (x: number) => `${x.toFixed(2)}us`;

export function perfReport(dir: string, runId?: string): string {
  const runs = readCsv(dir, 'runs.csv');
  const exits = readCsv(dir, 'exits.csv') as unknown as ExitRow[];
  const ids = runs.map((r) => r.run_id);
  if (runId !== undefined && !ids.includes(runId)) {
    throw new InputError(dir, '--run', `one of the run ids in runs.csv (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`, JSON.stringify(runId));
  }
  const out: string[] = [];
  for (const run of runs) {
    if (runId !== undefined && run.run_id !== runId) continue;
    const f = Number(run.frequency_hz);
    const rows = exits.filter((e) => e.run_id === run.run_id);
    const time = (e: ExitRow) => ((Number(e.total_cycles) + Number(e.blocked_cycles || 0)) / f) * 1e6;
    const totalSamples = rows.reduce((a, e) => a + Number(e.count), 0);
    const totalTime = rows.reduce((a, e) => a + time(e), 0);
    rows.sort((a, b) => Number(b.count) - Number(a.count) || a.exit_reason.localeCompare(b.exit_reason));
    out.push(`# exitsim run ${run.run_id}: ${run.scenario}, profile ${run.profile}, features ${run.features}, ${run.duration_s} s simulated on ${run.vcpus} vCPUs`);
    out.push('Analyze events for all VMs, all VCPUs:');
    out.push('');
    out.push(`${'VM-EXIT'.padStart(20)}    Samples  Samples%     Time%    Min Time    Max Time         Avg time`);
    out.push('');
    for (const e of rows) {
      const n = Number(e.count);
      const avg = time(e) / n;
      const min = (Number(e.min_cycles) / f) * 1e6;
      const max = Math.max(avg, (Number(e.max_cycles) / f) * 1e6);
      const mean = Number(e.total_cycles) / n;
      const rsd = mean > 0 && e.stddev_cycles !== undefined ? ((Number(e.stddev_cycles) / Math.sqrt(n)) / mean) * 100 : 0;
      out.push(
        `${e.exit_reason.padStart(20)} ${String(n).padStart(10)} ${`${((n / totalSamples) * 100).toFixed(2)}%`.padStart(9)} ${`${((time(e) / totalTime) * 100).toFixed(2)}%`.padStart(9)} ` +
          `${us(min).padStart(11)} ${us(max).padStart(11)} ${us(avg).padStart(11)} ( +- ${rsd.toFixed(2).padStart(6)}% )`,
      );
    }
    out.push('');
    out.push(`Total Samples:${totalSamples}, Total events handled time:${totalTime.toFixed(2)}us.`);
    out.push('');
  }
  return out.join('\n');
}
