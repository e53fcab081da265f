// The guest model (issue 30): a workload's native activity expanded under a guest OS profile into
// the instructions it costs; the features then decide what exits. Closed-form expansions, the
// settings' effects, and the what-ifs the model exists for (MSR bitmap, FSGSBASE, KPTI under EPT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile, simulate, workload } from '../helpers.js';
import { loadGuestOs, loadWorkload } from '../../src/config/load.js';
import { expandGuest, resolveGuest } from '../../src/workloads/guest-model.js';
import { GuestActivity } from '../../src/config/guest-os.js';
import { Workload } from '../../src/config/schema.js';
import { InputError } from '../../src/config/errors.js';
import { resolveScenario } from '../../src/request/scenario.js';

const activity = GuestActivity.parse({
  os: 'linux-5.8',
  contextSwitches: { perGuestSec: 100, source: 't' },
  addressSpaceSwitchFraction: { value: 0.5, source: 't' },
  syscalls: { perGuestSec: 1000, source: 't' },
  pageFaults: { perGuestSec: 200, source: 't' },
  processes: { perGuestSec: 10, source: 't' },
});

function rateOf(events: ReturnType<typeof expandGuest>['events'], kind: string, match: (e: (typeof events)[number]) => boolean = () => true): number {
  return events.filter((e) => e.kind === kind && match(e)).reduce((a, e) => a + (e.perGuestSec ?? 0), 0);
}

test('Linux 5.8 on a Meltdown-affected CPU without FSGSBASE: FS_BASE per switch, CR3 per address-space change and exec, two CR3 per kernel entry', () => {
  const guest = resolveGuest(loadGuestOs('linux-5.8').guestOs, undefined, profile('nehalem'));
  assert.deepEqual([guest.kpti, guest.spectreV2, guest.fsgsbase], [true, 'retpoline', false]);
  const { events, perInterrupt } = expandGuest(activity, guest);
  assert.equal(rateOf(events, 'msr-write', (e) => e.msr === 'IA32_FS_BASE'), 100);
  assert.equal(rateOf(events, 'cr3-write', (e) => e.addressSpaceChange === undefined), 100 * 0.5 + 10);
  assert.equal(rateOf(events, 'cr3-write', (e) => e.addressSpaceChange === false), 2 * (1000 + 200));
  assert.equal(rateOf(events, 'page-fault'), 200);
  assert.equal(rateOf(events, 'process-lifecycle'), 10);
  assert.equal(rateOf(events, 'msr-write', (e) => e.msr === 'IA32_SPEC_CTRL'), 0);
  assert.deepEqual(perInterrupt, [{ kind: 'cr3-write', count: 2 }]);
  for (const e of events) assert.match(e.source, /^guest model: /);
});

test('Linux 6.x: no MSR write per switch where the CPU has FSGSBASE, the WRMSR fallback where it has not; no KPTI on a CPU with RDCL_NO', () => {
  const os = loadGuestOs('linux-6.x').guestOs;
  const spr = expandGuest({ ...activity, os: 'linux-6.x' }, resolveGuest(os, undefined, profile('sapphire-rapids')));
  assert.equal(rateOf(spr.events, 'msr-write'), 0);
  assert.equal(rateOf(spr.events, 'cr3-write', (e) => e.addressSpaceChange === false), 0);
  assert.deepEqual(spr.perInterrupt, []);
  const nehalem = expandGuest({ ...activity, os: 'linux-6.x' }, resolveGuest(os, undefined, profile('nehalem')));
  assert.equal(rateOf(nehalem.events, 'msr-write', (e) => e.msr === 'IA32_FS_BASE'), 100);
});

test('legacy IBRS writes SPEC_CTRL twice per kernel entry, interrupts included; settings override the OS defaults', () => {
  const guest = resolveGuest(loadGuestOs('linux-6.x').guestOs, { spectreV2: 'ibrs', kpti: false }, profile('nehalem'));
  const { events, perInterrupt } = expandGuest(activity, guest);
  assert.equal(rateOf(events, 'msr-write', (e) => e.msr === 'IA32_SPEC_CTRL'), 2 * (1000 + 200));
  assert.equal(rateOf(events, 'cr3-write', (e) => e.addressSpaceChange === false), 0);
  assert.deepEqual(perInterrupt, [{ kind: 'msr-write', msr: 'IA32_SPEC_CTRL', count: 2 }]);
});

test('Windows 10 writes KERNEL_GS_BASE on every switch and raises and lowers IRQL through CR8 in every interrupt', () => {
  const guest = resolveGuest(loadGuestOs('windows-10').guestOs, undefined, profile('sapphire-rapids'));
  const { events, perInterrupt } = expandGuest({ ...activity, os: 'windows-10' }, guest);
  assert.equal(rateOf(events, 'msr-write', (e) => e.msr === 'IA32_KERNEL_GS_BASE'), 100);
  assert.deepEqual(perInterrupt, [{ kind: 'tpr-write', count: 2 }]);
});

const kbCase = (features: string, guest?: { os?: string; kpti?: boolean }, profileName = 'sapphire-rapids') => {
  const wl = loadWorkload('kernel-build').workload;
  return {
    scenario: { name: 'kb', host: { pcpus: 2, hostTickHz: 250 }, vms: [{ workload: 'kernel-build', vcpus: 2 }], durationSec: 0.3, warmupSec: 0.05, seed: 5, ...(guest ? { guest } : {}) },
    workloads: [wl],
    profile: profile(profileName),
    features,
  };
};

const exitsOf = (s: ReturnType<typeof simulate>, reason: string): number => s.vms.reduce((a, vm) => a + (vm.exits[reason]?.count ?? 0), 0);
const eff = (s: ReturnType<typeof simulate>): number => s.vms[0].efficiency ?? NaN;

test('MSR bitmap off: a Linux 5.8 guest takes an MSR_WRITE per context switch that a Linux 6.x guest on the same CPU does not', () => {
  const old = simulate(kbCase('modern,-msr-bitmap', { os: 'linux-5.8' }));
  const cur = simulate(kbCase('modern,-msr-bitmap', { os: 'linux-6.x' }));
  const withBitmap = simulate(kbCase('modern', { os: 'linux-5.8' }));
  assert.ok(exitsOf(old, 'MSR_WRITE') > exitsOf(cur, 'MSR_WRITE'), `${exitsOf(old, 'MSR_WRITE')} > ${exitsOf(cur, 'MSR_WRITE')}`);
  assert.ok(exitsOf(withBitmap, 'MSR_WRITE') < exitsOf(old, 'MSR_WRITE'));
  assert.ok(eff(withBitmap) > eff(old), 'the bitmap raises efficiency for a guest that writes pass-through MSRs');
});

test('EPT removes KPTI\'s CR3 exits: a KPTI guest takes CR_ACCESS exits per syscall under shadow paging, none under EPT', () => {
  const shadowKpti = simulate(kbCase('nehalem,-ept', { kpti: true }, 'nehalem'));
  const shadowNoKpti = simulate(kbCase('nehalem,-ept', { kpti: false }, 'nehalem'));
  const ept = simulate(kbCase('nehalem', { kpti: true }, 'nehalem'));
  assert.ok(exitsOf(shadowKpti, 'CR_ACCESS') > 2 * exitsOf(shadowNoKpti, 'CR_ACCESS'));
  assert.equal(exitsOf(ept, 'CR_ACCESS'), 0);
  assert.ok(eff(shadowKpti) < eff(shadowNoKpti));
});

test('bad guest inputs: an unknown guest OS names the shipped ones; an activity with two rates is refused with its field', () => {
  assert.throws(
    () => resolveScenario('kernel-build', { guest: { os: 'linux-9.9' } }) && simulate(kbCase('modern', { os: 'linux-9.9' })),
    (e: unknown) => e instanceof InputError && /guest OS profile/.test(e.message) && /linux-5\.8/.test(e.message),
  );
  const bad = { ...structuredClone(loadWorkload('kernel-build').workload), guest: { os: 'linux-6.x', syscalls: { perUnit: 1, perGuestSec: 2, source: 't' } } };
  const parsed = Workload.safeParse(bad);
  assert.equal(parsed.success, false);
  assert.match(JSON.stringify(parsed.error?.issues), /exactly one rate/);
});

test('a workload without a guest section is not expanded (its events are all it does)', () => {
  const w = workload({ name: 'plain', description: 'd', sources: ['s'], kind: 'closed', unitName: 'u', cyclesPerUnit: 100000, events: [{ kind: 'cpuid', perUnit: 1, source: 's' }] });
  const c = { scenario: { name: 'p', host: { pcpus: 1, hostTickHz: 0 }, vms: [{ workload: 'plain', vcpus: 1 }], durationSec: 0.05, seed: 1, guest: { os: 'linux-5.8' } }, workloads: [w], profile: profile('nehalem'), features: 'none' };
  const s = simulate(c);
  assert.deepEqual(Object.keys(s.vms[0].exits).filter((r) => s.vms[0].exits[r].count > 0), ['CPUID']);
});
