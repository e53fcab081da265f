// AMD SVM #VMEXIT codes (src/exits/svm-reasons.ts) against Linux's svm.h, and
// `exitsim list exit-reasons --arch svm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SVM_EXIT_REASONS, parseSvmExitReason, svmCodeText, vmxEquivalent } from '../../src/exits/svm-reasons.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const exitsim = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'exitsim.js'), ...args], { cwd: root, encoding: 'utf8' });

test('SVM exit codes are Linux svm.h\'s (the ones issue 19 names), each code and name once', () => {
  const expected: Record<string, number> = {
    INTR: 0x60, NMI: 0x61, SMI: 0x62, INIT: 0x63, VINTR: 0x64, RDTSC: 0x6e, RDPMC: 0x6f, CPUID: 0x72, IRET: 0x74, INVD: 0x76,
    PAUSE: 0x77, HLT: 0x78, INVLPG: 0x79, IOIO: 0x7b, MSR: 0x7c, SHUTDOWN: 0x7f, VMRUN: 0x80, VMMCALL: 0x81, VMLOAD: 0x82,
    VMSAVE: 0x83, STGI: 0x84, CLGI: 0x85, RDTSCP: 0x87, WBINVD: 0x89, MONITOR: 0x8a, MWAIT: 0x8b, XSETBV: 0x8d,
    EFER_WRITE_TRAP: 0x8f, CR0_WRITE_TRAP: 0x90, INVPCID: 0xa2, NPF: 0x400, AVIC_INCOMPLETE_IPI: 0x401,
    AVIC_UNACCELERATED_ACCESS: 0x402, VMGEXIT: 0x403, EXCP_DE: 0x40, EXCP_PF: 0x4e, EXCP_XF: 0x53, READ_CR0: 0, WRITE_CR8: 0x18, WRITE_DR7: 0x37,
  };
  for (const [name, code] of Object.entries(expected)) assert.equal(parseSvmExitReason(name)?.code, code, name);
  assert.equal(new Set(SVM_EXIT_REASONS.map((r) => r.code)).size, SVM_EXIT_REASONS.length, 'codes unique');
  assert.equal(new Set(SVM_EXIT_REASONS.map((r) => r.name)).size, SVM_EXIT_REASONS.length, 'names unique');
  // Exceptions stay within 0x40–0x5f; nothing between 0xa3 and 0x3ff.
  for (const r of SVM_EXIT_REASONS) assert.ok(r.code <= 0xa2 || (r.code >= 0x400 && r.code <= 0x403), `${r.name} ${svmCodeText(r.code)}`);
});

test('SVM exits parse by macro name, perf name and code, and read as the closest VT-x reason', () => {
  assert.equal(parseSvmExitReason('npf')?.name, 'NPF');
  assert.equal(parseSvmExitReason('hypercall')?.name, 'VMMCALL');
  assert.equal(parseSvmExitReason('SVM_EXIT_IOIO')?.perfName, 'io');
  assert.equal(parseSvmExitReason('0x7c')?.name, 'MSR');
  assert.equal(parseSvmExitReason('124')?.name, 'MSR');
  assert.equal(parseSvmExitReason('PF excp')?.code, 0x4e);
  assert.equal(parseSvmExitReason('write_cr4_trap')?.code, 0x94);
  assert.equal(parseSvmExitReason('0x3ff'), undefined);
  assert.equal(parseSvmExitReason('EPT_VIOLATION'), undefined, 'a VT-x name is not an SVM exit');
  assert.equal(vmxEquivalent(parseSvmExitReason('npf')!), 'EPT_VIOLATION');
  assert.equal(vmxEquivalent(parseSvmExitReason('io')!), 'IO_INSTRUCTION');
  assert.equal(vmxEquivalent(parseSvmExitReason('CR4_WRITE_TRAP')!), 'CR_ACCESS');
  assert.equal(vmxEquivalent(parseSvmExitReason('STGI')!), '', 'no VT-x counterpart');
});

test('exitsim list exit-reasons --arch svm lists the codes with perf names; --json too; --arch elsewhere is refused', () => {
  const t = exitsim('list', 'exit-reasons', '--arch', 'svm');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^0x400\s+NPF\s+npf\s+EPT_VIOLATION$/m);
  assert.match(t.stdout, /^0x081\s+VMMCALL\s+hypercall\s+VMCALL$/m);
  const j = exitsim('list', 'exit-reasons', '--arch', 'svm', '--json');
  assert.equal(j.status, 0, j.stderr);
  const rows = JSON.parse(j.stdout) as Array<{ code: number; code_hex: string; name: string; perf_name: string | null }>;
  assert.equal(rows.length, SVM_EXIT_REASONS.length);
  assert.deepEqual(rows.find((r) => r.name === 'IOIO'), { code: 0x7b, code_hex: '0x07b', name: 'IOIO', perf_name: 'io', read_as: 'IO_INSTRUCTION' });
  assert.match(exitsim('list', 'exit-reasons').stdout, /EPT_VIOLATION/, 'VT-x stays the default');
  for (const args of [['list', 'workloads', '--arch', 'svm'], ['list', 'exit-reasons', '--arch', 'arm']]) {
    const r = exitsim(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
