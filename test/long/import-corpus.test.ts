// The import corpus (issue 15): every real sample, as posted and mutated the ways pastes get
// mangled, imports, and a simulated run of what it wrote reproduces its top exit reason's share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMeasurement } from '../../src/import/detect.js';
import { deriveWorkload } from '../../src/import/derive.js';
import { loadProfile } from '../../src/config/load.js';
import { parseFeatureSet } from '../../src/exits/features.js';
import { simulateInline } from '../../src/experiment/inline.js';
import type { Measurement } from '../../src/import/measurement.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = path.join(root, 'test', 'fixtures', 'real-exits');
const skx = loadProfile('skylake-sp').profile;

/** Samples and the table to read; the features their hosts ran with (stated in each file's header). */
const SAMPLES: Array<[string, number | undefined, string]> = [
  ['01-sysbench-cpu.txt', undefined, 'apicv'],
  ['02-win10-idle-apic-timer-before-after.txt', 1, 'apicv'],
  ['02-win10-idle-apic-timer-before-after.txt', 2, 'apicv'],
  ['04-linux-bpftrace-and-pipe-pingpong.txt', 1, 'apicv'],
  ['04-linux-bpftrace-and-pipe-pingpong.txt', 2, 'apicv'],
  ['06-kvm_stat-migrated-guest-timer-storm.txt', undefined, 'nehalem'],
  ['08-bcc-kvmexit-light-guests.txt', 1, 'apicv'],
  ['08-bcc-kvmexit-light-guests.txt', 2, 'apicv'],
  ['08-bcc-kvmexit-light-guests.txt', 3, 'apicv'],
  ['12-linux-idle-perf-tui-series-example.txt', 1, 'apicv'],
  ['12-linux-idle-perf-tui-series-example.txt', 2, 'apicv'],
];

const isData = (l: string) => /\d/.test(l) && !/^\s*#/.test(l);
const MUTATIONS: Array<[string, (t: string) => string]> = [
  ['as posted', (t) => t],
  ['CRLF line ends', (t) => t.replace(/\n/g, '\r\n')],
  ['tabs between columns', (t) => t.split('\n').map((l) => (isData(l) ? l.replace(/ {2,}/g, '\t') : l)).join('\n')],
  ['columns narrowed to one space', (t) => t.split('\n').map((l) => (isData(l) ? l.replace(/ {2,}/g, ' ').trimStart() : l)).join('\n')],
  ['trailing garbage', (t) => `${t}\n-- \nSent from my phone. Any idea why?\n`],
  ['totals removed', (t) => t.split('\n').filter((l) => !/^\s*Total/.test(l)).join('\n')],
  [
    'last row of the first table dropped',
    (t) => {
      const lines = t.split('\n');
      // The last row of the first table: the last data line before the first blank line after it.
      const first = lines.findIndex((l) => isData(l) && /\d+\s+[\d.]+%?/.test(l) && !/^\s*(Total|Analyze)/.test(l));
      if (first < 0) return t;
      let last = first;
      while (last + 1 < lines.length && isData(lines[last + 1]) && !/^\s*Total/.test(lines[last + 1])) last++;
      return last > first ? [...lines.slice(0, last), ...lines.slice(last + 1)].join('\n') : t;
    },
  ],
];

function topShare(m: Measurement): { name: string; reason: number; share: number } {
  const total = m.exits.reduce((a, e) => a + e.count, 0) + (m.unlisted?.count ?? 0);
  const top = m.exits.reduce((a, e) => (e.count > a.count ? e : a));
  return { name: top.name, reason: top.reason as number, share: top.count / total };
}

for (const [file, table, features] of SAMPLES) {
  test(`import corpus: ${file}${table ? ` table ${table}` : ''}, as posted and mutated, reproduces its top reason's share within 0.05`, () => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const [what, mutate] of MUTATIONS) {
      const m = parseMeasurement(mutate(text), `${file} (${what})`, table);
      const d = deriveWorkload(m, { name: 'corpus', features: parseFeatureSet(features), profile: skx });
      const s = simulateInline({
        scenario: { name: 'corpus', host: { pcpus: d.vcpus, hostTickHz: d.hostTickHz }, vms: [{ workload: 'corpus', vcpus: d.vcpus }], durationSec: 0.5, warmupSec: 0.05, seed: 5 },
        workloads: [d.workload], profile: skx, features,
      });
      const top = topShare(m);
      const simTotal = Object.values(s.total.exits).reduce((a, e) => a + e.count, 0);
      const simTop = Object.entries(s.total.exits).find(([name]) => name === exitName(top.reason))?.[1].count ?? 0;
      const simShare = simTop / simTotal;
      assert.ok(Math.abs(simShare - top.share) <= 0.05, `${file} (${what}): ${top.name} is ${(top.share * 100).toFixed(1)}% measured, ${(simShare * 100).toFixed(1)}% simulated`);
      if (what !== 'as posted') continue;
      // As posted: every reason with 5% of the exits or more at its measured rate per second,
      // within 10% plus Poisson noise (4σ of the simulated count).
      const total = m.exits.reduce((a, e) => a + e.count, 0) + (m.unlisted?.count ?? 0);
      const rows = [...m.exits.map((e) => [exitName(e.reason as number), e.count] as const), ...(m.unlisted ? [['UNLISTED', m.unlisted.count] as const] : [])];
      for (const [name, count] of rows) {
        if (count / total < 0.05) continue;
        const measured = count / d.windowSec;
        const simulated = s.total.exits[name]?.rate_per_s ?? 0;
        const tolerance = 0.1 * measured + 4 * Math.sqrt(Math.max(1, measured * 0.5)) / 0.5;
        assert.ok(Math.abs(simulated - measured) <= tolerance, `${file}: ${name} measured ${measured.toFixed(1)}/s, simulated ${simulated.toFixed(1)}/s (± ${tolerance.toFixed(1)})`);
      }
    }
  });
}

import { exitReasonName as exitName } from '../../src/exits/reasons.js';
