import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { computeValidation, within, type CheckRow } from '../../src/validation/report.js';
import { HARDWARE_ROUND_TRIP_TEST, LOOP_CYCLES, MICROBENCH_TESTS, runMicrobenchTest } from '../../src/validation/microbench.js';
import { loadProfile, packageRoot, shippedProfileNames } from '../../src/config/load.js';
import { hardwareRoundTripCycles } from '../../src/exits/cost.js';
import { DEFAULT_MSR_LISTS } from '../../src/config/schema.js';

// Computed once: every comparison in docs/validation.md.
const validation = computeValidation();
const rowsOf = (section: CheckRow['section']) => validation.rows.filter((r) => r.section === section);

for (const name of shippedProfileNames()) {
  test(`profile ${name}: its round trip is pinned to the published figure it is calibrated to`, () => {
    const p = loadProfile(name).profile;
    if (p.calibration.target === 'svm-vmrun-to-vmsave' || p.calibration.target === 'xen-null-hypercall') {
      // SVM: the section-1 rows compute these windows from the stage means (rome and k8 are fitted; the others hold them).
      const row = validation.rows.find((r) => r.source.length > 0 && r.figure.startsWith(p.calibration.target === 'xen-null-hypercall' ? 'K8 Xen' : 'SVM pre-VMRUN'));
      assert.ok(row, 'the validation report has the row');
      if (name === 'rome' || name === 'k8') assert.ok(Math.abs(row.error) <= 0.02, `${row.simulated} vs ${row.published}`);
      else if (name === 'barcelona') assert.equal(p.calibration.cycles, Math.round((3300 - 600) * 0.8) + 600);
      else assert.equal(hardwareRoundTripCycles(p, DEFAULT_MSR_LISTS, 0), hardwareRoundTripCycles(loadProfile('rome').profile, DEFAULT_MSR_LISTS, 0), `${name} holds Rome's world switch`);
    } else if (p.calibration.target === 'hardware-round-trip') {
      assert.equal(hardwareRoundTripCycles(p, DEFAULT_MSR_LISTS), p.calibration.cycles, 'stage means add up to the published round trip');
      const sim = runMicrobenchTest(HARDWARE_ROUND_TRIP_TEST, p, 0).cycles_per_iteration - LOOP_CYCLES;
      assert.ok(Math.abs(sim / p.calibration.cycles - 1) <= 0.02, `simulated ${sim} vs ${p.calibration.cycles}`);
    } else {
      const testName = p.calibration.target === 'kvm-unit-tests-cpuid' ? 'cpuid' : 'vmcall';
      const t = MICROBENCH_TESTS.find((x) => x.name === testName)!;
      const sim = runMicrobenchTest(t, p, 0).cycles_per_iteration;
      assert.ok(Math.abs(sim / p.calibration.cycles - 1) <= 0.02, `simulated ${testName} ${sim} vs ${p.calibration.cycles}`);
    }
  });
}

test('every round trip and microbenchmark comparison is within the tolerance the report states', () => {
  const rows = [...rowsOf('round-trip'), ...rowsOf('microbench')];
  assert.ok(rows.length >= 20);
  const outside = rows.filter((r) => !within(r)).map((r) => `${r.figure}: ${r.simulated} vs ${r.published}`);
  assert.deepEqual(outside, []);
});

test('the report covers at least 8 published figures beyond the round trips, each with a source', () => {
  const beyond = [...rowsOf('microbench'), ...rowsOf('macro')];
  assert.ok(beyond.length >= 8, `${beyond.length} figures`);
  for (const r of beyond) assert.ok(r.source.length > 5 && Number.isFinite(r.published) && Number.isFinite(r.simulated), r.figure);
  assert.ok(rowsOf('macro').some((r) => /EPT/.test(r.figure)), 'EPT vs shadow paging');
  assert.ok(rowsOf('macro').some((r) => /exitless|interrupt/i.test(r.figure)), 'interrupt virtualization');
});

test('the checked-in docs/validation.md is what `npm run validate` produces', () => {
  const checkedIn = fs.readFileSync(path.join(packageRoot(), 'docs', 'validation.md'), 'utf8');
  assert.equal(checkedIn, validation.markdown, 'run `npm run validate` and commit docs/validation.md');
});

test('the report is deterministic: a second generation is byte-identical', () => {
  assert.equal(computeValidation().markdown, validation.markdown);
});
