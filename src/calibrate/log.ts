// kvm-unit-tests output as people paste it → the measured tests. Tolerant of decoration (a
// run_tests.sh log, a raw serial log, e-mail quoting, timestamps, PASS/SKIP lines), strict about
// what it cannot read: an absurd number, a test repeated with figures beyond noise, or a log of
// another architecture is refused with its line.
import { InputError } from '../config/errors.js';

/** One measurement: a test's cycles (TSC) as the log prints them. */
export interface LoggedTest {
  /** x86/vmexit test name (cpuid, vmcall, …) or svm latency name (svm_latency_vmrun, …). */
  test: string;
  cycles: number;
  /** 1-based line of the (first) figure; `lines` has every line the test was read from. */
  line: number;
  lines: number[];
  /** Every figure the log holds for it (the test run several times): `cycles` is their median. */
  figures: number[];
  /** The file(s) it was read from. */
  files: string[];
}

export interface ParsedLog {
  file: string;
  tests: LoggedTest[];
  /** Figures the log holds that calibrate does not read, each with why. */
  ignored: Array<{ test: string; line: number; why: string }>;
  /** Tests the harness skipped or failed (PASS/FAIL/SKIP lines), for the report. */
  harness: Array<{ status: string; test: string; line: number }>;
  /** The TSC rate the log states (a kernel's "tsc: Detected … MHz" line), GHz; undefined when it does not. */
  tscGHz?: number;
  /** Which suites the figures came from. */
  suites: Array<'vmexit' | 'svm'>;
}

/** Beyond this a figure is not cycles of one exit (a misread column, a unit error): refused. */
export const ABSURD_CYCLES = 1e8;
/** Repeated figures of one test further apart than this (max/min − 1) contradict each other. */
export const REPEAT_SPREAD_MAX = 0.1;

/** x86/vmexit.c tests, as it prints them ("%s %d\n", name, cycles per iteration). */
export const VMEXIT_TEST_NAMES = [
  'cpuid', 'vmcall', 'wbinvd', 'invd', 'mov_from_cr8', 'mov_to_cr8', 'inl_from_pmtimer', 'inl_from_qemu', 'inl_from_kernel', 'outl_to_kernel',
  'wr_tsc_adjust_msr', 'rd_tsc_adjust_msr', 'wr_kernel_gs_base', 'wr_ibrs_msr', 'wr_ibpb_msr', 'tscdeadline_immed', 'tscdeadline', 'mov_dr',
  'x2apic_self_ipi', 'ipi', 'ipi_halt', 'ipi_poll', 'xapic_ipi_poll', 'xapic_self_ipi',
] as const;

/** vmexit.c tests exitsim cannot express, and why (a figure of one is named in the report, not used). */
export const VMEXIT_NOT_EXPRESSIBLE: Record<string, string> = {
  ple_round_robin: 'a token passed among spinning vCPUs: PAUSE-loop exits depend on the spin pattern, which the model does not have',
  self_ipi_sti_nop: 'a self-IPI held back until STI: the engine has no guest interrupt masking',
  self_ipi_sti_hlt: 'a self-IPI held back until STI: the engine has no guest interrupt masking',
  self_ipi_tpr: 'a self-IPI held back by the TPR: the engine has no guest TPR',
  self_ipi_tpr_sti_nop: 'a self-IPI held back by the TPR: the engine has no guest TPR',
  self_ipi_tpr_sti_hlt: 'a self-IPI held back by the TPR: the engine has no guest TPR',
  x2apic_self_ipi_sti_nop: 'a self-IPI held back until STI: the engine has no guest interrupt masking',
  x2apic_self_ipi_sti_hlt: 'a self-IPI held back until STI: the engine has no guest interrupt masking',
  x2apic_self_ipi_tpr: 'a self-IPI held back by the TPR: the engine has no guest TPR',
  x2apic_self_ipi_tpr_sti_nop: 'a self-IPI held back by the TPR: the engine has no guest TPR',
  x2apic_self_ipi_tpr_sti_hlt: 'a self-IPI held back by the TPR: the engine has no guest TPR',
  wr_tsx_ctrl_msr: 'IA32_TSX_CTRL exists on some Intel parts only: the model has no such MSR',
  toggle_cr0_wp: 'a CR0 write with an MMU context reset: not a guest event kind of the model',
  toggle_cr4_pge: 'a CR4 write with a TLB flush: not a guest event kind of the model',
  'mmio-no-eventfd:pci-mem': 'needs pci-testdev, which the model has no device for',
  'mmio-wildcard-eventfd:pci-mem': 'needs pci-testdev, which the model has no device for',
  'mmio-datamatch-eventfd:pci-mem': 'needs pci-testdev, which the model has no device for',
  'portio-no-eventfd:pci-io': 'needs pci-testdev, which the model has no device for',
  'portio-wildcard-eventfd:pci-io': 'needs pci-testdev, which the model has no device for',
  'portio-datamatch-eventfd:pci-io': 'needs pci-testdev, which the model has no device for',
};

/** svm.c latency lines ("Latency VMRUN : max: … min: … avg: …"): the average is read. */
const SVM_LATENCY: Record<string, string> = { VMRUN: 'svm_latency_vmrun', VMEXIT: 'svm_latency_vmexit', VMLOAD: 'svm_latency_vmload', VMSAVE: 'svm_latency_vmsave', STGI: 'svm_latency_stgi', CLGI: 'svm_latency_clgi' };

/** What calibrate cannot read from an svm latency line, and why. */
export const SVM_NOT_EXPRESSIBLE: Record<string, string> = {
  svm_latency_stgi: 'STGI: a single-level KVM exit runs no STGI/CLGI (and with vGIF an L1\'s do not exit): no profile cost to fit',
  svm_latency_clgi: 'CLGI: a single-level KVM exit runs no STGI/CLGI (and with vGIF an L1\'s do not exit): no profile cost to fit',
};

// Decoration a line may carry before its figure: e-mail quoting, a timestamp, a harness prefix.
const QUOTE = /^(?:\s*[>|]\s?)+/;
const TIMESTAMP = /^\s*\[\s*[\d.:T-]+\s*\]\s*/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const FIGURE = /^([a-z][a-z0-9_:-]*)\s+(-?\d+(?:\.\d+)?)(?:\s*cycles)?\s*$/;
const SVM_LINE = /^Latency\s+(VMRUN|VMEXIT|VMLOAD|VMSAVE|STGI|CLGI)\s*:\s*max:\s*(-?\d+)\s+min:\s*(-?\d+)\s+avg:\s*(-?\d+)\s*$/;
const HARNESS = /^(PASS|FAIL|SKIP|XFAIL)[:\s]+\s*([A-Za-z0-9_:.-]+)/;
const TSC_RATE = /(?:tsc: (?:Detected|Refined TSC clocksource calibration:?)\s+([\d.]+)\s*MHz)|(?:TSC frequency[:=\s]+([\d.]+)\s*(MHz|GHz|kHz))/i;
// An arm64 kvm-unit-tests micro-bench table (arm/micro-bench.c): its test names, in ns.
const ARM_MICROBENCH = /^(hvc|mmio_read_user|mmio_read_vgic|eoi|ipi|lpi|timer_10ms)\s+[\d.]+\s+[\d.]+/;
// A confidential guest says so on its console.
const CONFIDENTIAL = /(Memory Encryption Features active:.*SEV)|(\bSEV(-ES|-SNP)? (is )?(active|enabled)\b)|(tdx: Guest detected)|(\bTDX guest\b)/i;

function clean(raw: string): string {
  return raw.replace(ANSI, '').replace(/\r$/, '').replace(QUOTE, '').replace(TIMESTAMP, '').trim();
}

/** Reads one log's text (`file` names it in messages). */
export function parseKvmUnitTestsLog(file: string, text: string): ParsedLog {
  if (text.trim() === '') throw new InputError(file, '(top level)', 'kvm-unit-tests output (x86/vmexit lines such as "cpuid 1019", or svm "Latency VMRUN : max: … avg: …" lines)', 'an empty file');
  const byTest = new Map<string, { figures: number[]; lines: number[] }>();
  const ignored: ParsedLog['ignored'] = [];
  const harness: ParsedLog['harness'] = [];
  const suites = new Set<'vmexit' | 'svm'>();
  let tscGHz: number | undefined;
  const lines = text.split('\n');
  const add = (test: string, cycles: number, lineNo: number, raw: string) => {
    if (!Number.isFinite(cycles) || cycles <= 0) throw new InputError(file, `line ${lineNo}`, `a positive cycle count for ${test}`, `'${raw.trim()}'`);
    if (cycles > ABSURD_CYCLES) throw new InputError(file, `line ${lineNo}`, `cycles of one exit (at most ${ABSURD_CYCLES.toExponential(0)}) for ${test}`, `${cycles.toLocaleString('en-US')} in '${raw.trim()}'`, ' — a figure this large is not one exit\'s cost: check the column or the unit');
    const t = byTest.get(test) ?? { figures: [], lines: [] };
    t.figures.push(cycles);
    t.lines.push(lineNo);
    byTest.set(test, t);
  };
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = clean(raw);
    if (line === '') return;
    const conf = CONFIDENTIAL.exec(line);
    if (conf) throw new InputError(file, `line ${lineNo}`, "a plain VM's kvm-unit-tests log", `a confidential guest's ('${line.slice(0, 80)}')`, ' — its exits go through the TDX module or the GHCB, whose costs calibrate does not fit; run the tests in a plain VM of the same host');
    if (ARM_MICROBENCH.test(line)) throw new InputError(file, `line ${lineNo}`, 'x86 kvm-unit-tests output (x86/vmexit, svm)', `an arm64 micro-bench table ('${line.replace(/\s+/g, ' ').slice(0, 60)}')`, ' — exitsim has no arm64 architecture yet (its profiles arrive with arm64 support)');
    const rate = TSC_RATE.exec(line);
    if (rate) {
      const v = Number(rate[1] ?? rate[2]);
      const unit = rate[1] !== undefined ? 'MHz' : rate[3];
      const ghz = unit === 'GHz' ? v : unit === 'MHz' ? v / 1000 : v / 1e6;
      if (Number.isFinite(ghz) && ghz > 0) tscGHz = ghz;
      return;
    }
    const h = HARNESS.exec(line);
    if (h) {
      harness.push({ status: h[1], test: h[2], line: lineNo });
      return;
    }
    const svm = SVM_LINE.exec(line);
    if (svm) {
      suites.add('svm');
      const test = SVM_LATENCY[svm[1]];
      if (SVM_NOT_EXPRESSIBLE[test]) ignored.push({ test, line: lineNo, why: SVM_NOT_EXPRESSIBLE[test] });
      else add(test, Number(svm[4]), lineNo, raw);
      return;
    }
    const m = FIGURE.exec(line);
    if (!m) return; // decoration: a QEMU command line, "enabling apic", "cr0 = …", a SUMMARY line
    const [, name, value] = m;
    if ((VMEXIT_TEST_NAMES as readonly string[]).includes(name)) {
      suites.add('vmexit');
      add(name, Number(value), lineNo, raw);
    } else if (VMEXIT_NOT_EXPRESSIBLE[name]) {
      suites.add('vmexit');
      ignored.push({ test: name, line: lineNo, why: VMEXIT_NOT_EXPRESSIBLE[name] });
    }
  });
  if (byTest.size === 0) {
    throw new InputError(file, '(top level)', `a kvm-unit-tests figure calibrate reads (x86/vmexit: ${VMEXIT_TEST_NAMES.slice(0, 6).join(', ')}, …; svm: Latency VMRUN/VMEXIT/VMLOAD/VMSAVE)`, ignored.length > 0 ? `only tests it cannot use (${[...new Set(ignored.map((x) => x.test))].join(', ')})` : `none in ${lines.length - (text.endsWith('\n') ? 1 : 0)} lines`);
  }
  const tests: LoggedTest[] = [];
  for (const [test, { figures, lines: at }] of byTest) {
    const sorted = [...figures].sort((a, b) => a - b);
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    if (hi / lo - 1 > REPEAT_SPREAD_MAX) {
      const iLo = figures.indexOf(lo);
      const iHi = figures.indexOf(hi);
      throw new InputError(file, `lines ${at[iLo]} and ${at[iHi]}`, `repeated runs of ${test} within ${REPEAT_SPREAD_MAX * 100}% of each other (run-to-run noise)`, `${lo} and ${hi} cycles (${((hi / lo - 1) * 100).toFixed(0)}% apart)`, ' — two hosts or two configurations in one log? Give each its own calibrate');
    }
    const mid = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    tests.push({ test, cycles: mid, line: at[0], lines: at, figures, files: [file] });
  }
  tests.sort((a, b) => a.line - b.line);
  return { file, tests, ignored, harness, ...(tscGHz !== undefined ? { tscGHz } : {}), suites: [...suites] };
}

/** Several logs of one host read as one: a test in two files must agree as repeats in one do. */
export function mergeLogs(logs: ParsedLog[]): ParsedLog {
  if (logs.length === 1) return logs[0];
  const text = logs.flatMap((l) => l.tests.flatMap((t) => t.figures.map((f) => ({ t: t.test, f, file: l.file, line: t.line }))));
  const byTest = new Map<string, typeof text>();
  for (const x of text) byTest.set(x.t, [...(byTest.get(x.t) ?? []), x]);
  const tests: LoggedTest[] = [];
  for (const [test, xs] of byTest) {
    const figures = xs.map((x) => x.f).sort((a, b) => a - b);
    if (figures[figures.length - 1] / figures[0] - 1 > REPEAT_SPREAD_MAX) {
      const lo = xs.find((x) => x.f === figures[0])!;
      const hi = xs.find((x) => x.f === figures[figures.length - 1])!;
      throw new InputError(`${hi.file}`, `line ${hi.line}`, `${test} within ${REPEAT_SPREAD_MAX * 100}% of the same test in ${lo.file} (line ${lo.line}: ${lo.f})`, `${hi.f} cycles`, ' — logs of two hosts or configurations: calibrate one host at a time');
    }
    const n = figures.length;
    tests.push({ test, cycles: n % 2 ? figures[(n - 1) / 2] : (figures[n / 2 - 1] + figures[n / 2]) / 2, line: xs[0].line, lines: xs.map((x) => x.line), figures, files: [...new Set(xs.map((x) => x.file))] });
  }
  const rates = [...new Set(logs.map((l) => l.tscGHz).filter((g): g is number => g !== undefined))];
  return {
    file: logs.map((l) => l.file).join(', '),
    tests,
    ignored: logs.flatMap((l) => l.ignored),
    harness: logs.flatMap((l) => l.harness),
    ...(rates.length > 0 ? { tscGHz: rates[0] } : {}),
    suites: [...new Set(logs.flatMap((l) => l.suites))],
  };
}
