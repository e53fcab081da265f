// Bad inputs tried against the real CLI, and what each gets. docs/robustness.md
// is generated from these (npm run robustness-doc); a test runs them again and
// fails when the document and the CLI disagree.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Case {
  what: string;
  args: string[];
}

const B = 'test/fixtures/bad';
const I = 'test/fixtures/import';
/**
 * Result folders and manifests damaged on purpose, made by prepareCases() from real runs: inside the
 * checkout (ignored by git), so two checkouts testing at once do not share them.
 */
export const S = 'test/robustness/sets';
const SA = path.join(ROOT, S);

export const CASES: Case[] = [
  { what: 'malformed JSON (a stray comma)', args: ['run', `${B}/malformed.json`] },
  { what: 'empty file', args: ['run', `${B}/empty.json`] },
  { what: 'YAML syntax error', args: ['run', `${B}/yaml-syntax.yaml`] },
  { what: 'negative rate', args: ['run', `${B}/negative-rate.json`] },
  { what: 'NaN (YAML .nan)', args: ['run', `${B}/nan.yaml`] },
  { what: 'missing field', args: ['run', `${B}/missing-field.json`] },
  { what: 'unknown field (a typo)', args: ['run', `${B}/unknown-field.json`] },
  { what: 'value outside an enum', args: ['run', `${B}/bad-enum.json`] },
  { what: 'string where a number belongs', args: ['run', `${B}/wrong-type.json`] },
  { what: 'event names an unknown device', args: ['run', `${B}/unknown-device.json`] },
  { what: 'unknown event kind', args: ['run', `${B}/unknown-event-kind.json`] },
  { what: 'two rates on one event', args: ['run', `${B}/two-rates.json`] },
  { what: 'a unit waiting on a device that completes at once', args: ['run', `${B}/wait-on-instant-device.json`] },
  { what: 'deadlinePassed on an event that is not a timer programming', args: ['run', `${B}/deadline-passed-wrong-kind.json`] },
  { what: '--ci-target that is not a positive number', args: ['run', 'idle-guest', '--ci-target', '0'] },
  { what: '--ci-target with --replications', args: ['run', 'idle-guest', '--ci-target', '1', '--replications', '3'] },
  { what: 'open workload without an arrival rate', args: ['run', `${B}/open-without-arrivals.json`] },
  { what: 'a rate faster than one event per cycle', args: ['run', `${B}/zero-gap.json`] },
  { what: 'unknown workload name (a typo)', args: ['run', 'kernel-bild'] },
  { what: 'scenario naming an unknown workload', args: ['run', `${B}/scenario-unknown-workload.yaml`] },
  { what: 'pinned scheduler with more vCPUs than pCPUs', args: ['run', `${B}/scenario-pinned-overflow.yaml`] },
  { what: '4,096,000 vCPUs', args: ['run', `${B}/scenario-too-many-vcpus.yaml`] },
  { what: 'a feature the CPU generation lacks', args: ['run', `${B}/scenario-feature-cpu-lacks.yaml`] },
  { what: 'an SVM feature an AMD generation lacks (VMCB clean bits on Barcelona)', args: ['run', 'cpu-bound', '--profile', 'barcelona', '--features', 'npt,vmcb-clean'] },
  { what: 'APICv without IPI virtualization on SVM (AVIC is one feature)', args: ['run', 'cpu-bound', '--profile', 'genoa', '--features', 'modern,-ipiv'] },
  { what: 'an exit name SVM does not have, on an AMD profile', args: ['explain', 'EPT_MISCONFIGG', '--profile', 'genoa'] },
  { what: 'a confidential VM type the CPU cannot run (SEV-SNP on Sapphire Rapids)', args: ['run', 'cpu-bound', '--vm-type', 'sev-snp'] },
  { what: 'a scenario asking for a TD on an AMD part', args: ['run', `${B}/scenario-tdx-on-amd.yaml`] },
  { what: 'a nested-only feature named for a plain VM', args: ['run', 'cpu-bound', '--features', 'modern,evmcs'] },
  { what: 'an enlightened VMCS on an AMD profile', args: ['run', 'cpu-bound', '--profile', 'genoa', '--vm-type', 'nested', '--features', 'modern,evmcs'] },
  { what: 'an unknown VM type', args: ['run', 'cpu-bound', '--vm-type', 'sgx'] },
  { what: 'an x86-only feature on an arm64 profile (the enlightened VMCS)', args: ['run', 'cpu-bound', '--profile', 'altra', '--features', 'vhe,evmcs'] },
  { what: 'a GIC feature the arm64 CPU lacks (GICv4.1 on Altra)', args: ['run', 'cpu-bound', '--profile', 'altra', '--features', 'vhe,gicv4.1'] },
  { what: 'VHE on an ARMv8.0 profile', args: ['run', 'cpu-bound', '--profile', 'xgene', '--features', 'vhe'] },
  { what: 'a nested guest on an arm64 profile (NV2 is not modelled)', args: ['run', 'cpu-bound', '--profile', 'graviton3', '--vm-type', 'nested'] },
  { what: 'an x86 confidential VM type on an arm64 profile', args: ['run', 'cpu-bound', '--profile', 'graviton3', '--vm-type', 'tdx'] },
  { what: 'a sweep tuple with fewer values than its paths', args: ['sweep', `${B}/sweep-tuple-length.yaml`] },
  { what: 'several --profile with replications (compare across CPUs runs one each)', args: ['compare', 'cpu-bound', '--profile', 'genoa', '--profile', 'sapphire-rapids', '--replications', '3'] },
  { what: 'zero duration in a scenario', args: ['run', `${B}/scenario-zero-duration.yaml`] },
  { what: 'CPU profile with a negative frequency', args: ['validate', `${B}/profile-negative-frequency.json`] },
  { what: 'sweep path that does not exist', args: ['sweep', `${B}/sweep-bad-path.yaml`, '--out', '/tmp/exitsim-robustness-sweep'] },
  { what: 'sweep range that runs backwards', args: ['sweep', `${B}/sweep-bad-range.yaml`] },
  { what: 'sweep with an unknown feature', args: ['sweep', `${B}/sweep-unknown-feature.yaml`] },
  { what: 'sweep name with a space', args: ['sweep', `${B}/sweep-bad-name.yaml`] },
  { what: 'unknown feature flag (a typo)', args: ['run', 'cpu-bound', '--features', 'ept,msr-bitmapp'] },
  { what: 'pCPUs = 0', args: ['run', 'cpu-bound', '--pcpus', '0'] },
  { what: 'duration = 0', args: ['run', 'cpu-bound', '--duration', '0'] },
  { what: 'negative duration', args: ['run', 'cpu-bound', '--duration', '-1'] },
  { what: 'seed that is not an integer', args: ['run', 'cpu-bound', '--seed', '1.5'] },
  { what: 'a run that would take hours', args: ['run', 'kernel-build', '--duration', '100000'] },
  { what: 'output folder under a regular file', args: ['run', 'cpu-bound', '--quick', '--out', `${B}/README.md/out`] },
  { what: 'shard outside 1..N', args: ['sweep', 'workloads/studies/msr-bitmap.yaml', '--shard', '3/2'] },
  { what: 'malformed SLA', args: ['capacity', 'cpu-bound', '--sla', 'efficiency>>0.9'] },
  { what: 'an unknown capacity search', args: ['capacity', 'cpu-bound', '--sla', 'efficiency>=90%', '--search', 'guess'] },
  { what: 'a simulation flag given to the analytic estimate', args: ['estimate', 'kernel-build', '--replications', '5'] },
  { what: 'an estimate of a workload that does not exist', args: ['estimate', 'kernel-bild'] },
  { what: 'an efficiency SLA as a fraction while screens show percent', args: ['capacity', 'cpu-bound', '--sla', 'efficiency>=0.85'] },
  { what: 'unknown exit reason to explain', args: ['explain', 'EPT_VIOLATOIN'] },
  { what: 'unknown list', args: ['list', 'profile'] },
  { what: 'guest OS that is not shipped (--guest-os)', args: ['run', 'kernel-build', '--quick', '--guest-os', 'linux-2.6'] },
  { what: 'guest KPTI neither on nor off', args: ['run', 'kernel-build', '--quick', '--guest-kpti', 'yes'] },
  { what: 'unknown Spectre v2 mode', args: ['run', 'kernel-build', '--quick', '--spectre-v2', 'ibpb'] },
  { what: 'guest activity with two rates', args: ['run', `${B}/guest-two-rates.json`, '--quick'] },
  { what: 'workload naming a guest OS that is not shipped', args: ['run', `${B}/guest-unknown-os.json`, '--quick'] },
  { what: 'calibrate: an empty log', args: ['calibrate', `${B}/empty.json`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: a log with no test it reads', args: ['calibrate', `${B}/kvm-unit-tests-no-test.log`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: a negative figure', args: ['calibrate', `${B}/kvm-unit-tests-negative.log`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: an absurd figure (over 10^8 cycles)', args: ['calibrate', `${B}/kvm-unit-tests-absurd.log`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: repeats of one test that contradict each other', args: ['calibrate', `${B}/kvm-unit-tests-repeats.log`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: "calibrate: a confidential guest's log", args: ['calibrate', `${B}/kvm-unit-tests-sev.log`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: an arm64 micro-bench table', args: ['calibrate', `${B}/kvm-unit-tests-arm64.log`, '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: "calibrate: a nested guest's round trips", args: ['calibrate', `${B}/kvm-unit-tests-nested.log`, '--base', 'sapphire-rapids', '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: svm lines with an Intel base', args: ['calibrate', 'test/fixtures/kvm-unit-tests/avery-2019-svm.log', '--base', 'sapphire-rapids', '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: a TSC rate of 0 GHz', args: ['calibrate', 'test/fixtures/kvm-unit-tests/lutomirski-2017-vmexit.log', '--frequency', '0', '-o', '/tmp/exitsim-robustness-profile.json'] },
  { what: 'calibrate: no output file', args: ['calibrate', 'test/fixtures/kvm-unit-tests/lutomirski-2017-vmexit.log'] },
  { what: "calibrate: --force onto a file calibrate did not write", args: ['calibrate', 'test/fixtures/kvm-unit-tests/lutomirski-2017-vmexit.log', '--force', '-o', 'README.md'] },
  { what: 'migrate: a workload that states no memory', args: ['migrate', 'test/fixtures/bom-workload.json', '--dirty-rate', '800MB/s'] },
  { what: 'migrate: the dirty ring on a host kernel without it', args: ['migrate', 'oltp-database', '--dirty-tracking', 'ring', '--host-kernel', '5.10'] },
  { what: 'migrate: PML on an AMD CPU', args: ['migrate', 'oltp-database', '--dirty-tracking', 'pml', '--profile', 'genoa'] },
  { what: 'sweep: a migration study', args: ['sweep', 'workloads/studies/migration.yaml'] },
  { what: 'migrate: evacuating 0 VMs at a time', args: ['migrate', 'oltp-database', '--evacuate', '0'] },
  { what: 'migrate: a host kernel that is no version', args: ['migrate', 'oltp-database', '--host-kernel', 'latest'] },
  { what: 'migrate: a bandwidth in an unknown unit', args: ['migrate', 'oltp-database', '--guest-memory', '24GiB', '--dirty-rate', '800MB/s', '--bandwidth', '10 parsecs'] },
  { what: 'migrate: a downtime limit of 0', args: ['migrate', 'oltp-database', '--guest-memory', '24GiB', '--dirty-rate', '800MB/s', '--downtime-limit', '0'] },
  { what: 'migrate: a dirty rate above memory per second', args: ['migrate', 'oltp-database', '--guest-memory', '1GiB', '--dirty-rate', '2GB/s'] },
  { what: 'migrate: PML on a CPU without it', args: ['migrate', 'oltp-database', '--guest-memory', '24GiB', '--dirty-rate', '800MB/s', '--dirty-tracking', 'pml', '--profile', 'nehalem', '--features', 'nehalem'] },
  { what: 'import: a guest OS that is not shipped', args: ['import', `${I}/perf-shadow-boot.txt`, '--features', 'none', '--profile', 'nehalem', '--guest-os', 'solaris', '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'import: a guest perf stat with a row perf could not count', args: ['import', `${I}/perf-shadow-boot.txt`, '--features', 'none', '--profile', 'nehalem', '--guest-stat', `${B}/guest-stat-not-supported.txt`, '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'import: a guest perf stat that is no perf stat', args: ['import', `${I}/perf-shadow-boot.txt`, '--features', 'none', '--profile', 'nehalem', '--guest-stat', 'README.md', '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'guest OS profile without its kernel-entry section', args: ['run', 'kernel-build', '--quick', '--guest-os', `${B}/guest-os-missing-kernel-entry.json`] },
  { what: 'unknown command', args: ['simulate', 'cpu-bound'] },
  { what: 'measurement: truncated perf table', args: ['import', `${I}/bad-truncated.txt`, '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'measurement: unknown exit reason', args: ['import', `${I}/bad-unknown-reason.txt`, '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'measurement: percentages that contradict the total', args: ['import', `${I}/bad-wrong-total.txt`, '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'measurement: more HLT time than the window\'s vCPU-seconds', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '--duration', '22.66', '--vcpus', '1', '--unobserved', 'zero', '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'measurement: empty file', args: ['import', `${I}/bad-empty.txt`, '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'measurement: a binary file', args: ['import', 'test/fixtures/bad/binary.bin', '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'a cycle count beyond 2^53 (1e300)', args: ['run', 'test/fixtures/bad/absurd-cycles.json'] },
  { what: 'a duration of 1e-300 s', args: ['run', 'cpu-bound', '--duration', '1e-300'] },
  { what: 'a hexadecimal duration', args: ['run', 'cpu-bound', '--duration', '0x10'] },
  { what: '--quick beside --duration', args: ['run', 'cpu-bound', '--quick', '--duration', '5'] },
  { what: 'seeds past 2^53 with replications', args: ['run', 'cpu-bound', '--seed', '9007199254740991', '--replications', '3'] },
  { what: 'a shard count of 1e20', args: ['sweep', 'workloads/studies/msr-bitmap.yaml', '--shard', '1/1e20'] },
  { what: 'a host tick faster than the clock can count', args: ['run', 'cpu-bound', '--host-tick', '1000000000000'] },
  { what: 'a sweep parameter path through __proto__', args: ['sweep', 'test/fixtures/bad/sweep-proto.yaml', '--out', '/tmp/exitsim-robustness-sweep'] },
  { what: "a sweep named '..'", args: ['sweep', 'test/fixtures/bad/sweep-dotdot.yaml'] },
  { what: 'an empty output path', args: ['run', 'cpu-bound', '--quick', '--out', ''] },
  { what: 'an unknown feature in a scenario file (blamed on the file)', args: ['run', 'test/fixtures/bad/scenario-bad-feature.json'] },
  { what: 'a pCPU count beyond the schema (blamed on the flag)', args: ['run', 'cpu-bound', '--pcpus', '100000'] },
  { what: 'control characters in a name', args: ['validate', 'test/fixtures/bad/control-chars.json'] },
  { what: 'two presets in one feature set', args: ['compare', 'cpu-bound', '--features', 'none,modern'] },
  { what: 'an empty feature set', args: ['run', 'cpu-bound', '--features', ''] },
  { what: 'two feature sets for sensitivity', args: ['sensitivity', 'cpu-bound', '--features', 'none', '--features', 'modern'] },
  { what: 'replications for sensitivity', args: ['sensitivity', 'cpu-bound', '--replications', '3'] },
  { what: 'a flag the live view does not use', args: ['tui', 'cpu-bound', '--json'] },
  { what: 'the default study into a folder with other files (without --force)', args: ['study', '--quick', '--out', 'test/fixtures/bad'] },
  { what: 'merge of a folder that is not a study', args: ['merge', 'docs', '--out', '/tmp/exitsim-robustness-merge'] },
  { what: 'report on a folder without results', args: ['report', 'docs'] },
  { what: 'a character device as input (/dev/zero never ends)', args: ['validate', '/dev/zero'] },
  { what: 'a character device as a measurement', args: ['import', '/dev/zero', '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'YAML "billion laughs" (aliases of aliases)', args: ['run', `${B}/yaml-alias-bomb.yaml`] },
  { what: 'YAML alias without its anchor', args: ['run', `${B}/yaml-undefined-alias.yaml`] },
  { what: 'a sweep of a million points', args: ['sweep', `${B}/sweep-too-many-points.yaml`] },
  { what: 'a hundred thousand replications', args: ['run', 'cpu-bound', '--replications', '100000'] },
  { what: 'a damaged study.json', args: ['merge', `${B}/corrupt-study`, '--out', '/tmp/exitsim-robustness-merge'] },
  { what: 'an unknown option (commander)', args: ['run', 'cpu-bound', '--sead', '3'] },
  { what: 'a missing argument (commander)', args: ['run'] },
  { what: 'a choice outside the list (commander)', args: ['run', 'cpu-bound', '--scheduler', 'lottery'] },
  { what: 'a flag left without its value (the next flag follows)', args: ['capacity', 'cpu-bound', '--sla', '--duration', '1'] },
  { what: 'a live view paced to take days (fuzz)', args: ['tui', 'cpu-bound', '--speed', '1e-300'] },
  { what: 'an empty shard (fuzz)', args: ['sweep', 'workloads/studies/msr-bitmap.yaml', '--shard', ''] },
  { what: 'a perturbation too small to show (fuzz)', args: ['sensitivity', 'cpu-bound', '--delta', '1e-300'] },
  { what: 'a CI target beyond 100 pp (fuzz)', args: ['run', 'cpu-bound', '--ci-target', '9007199254740993'] },
  { what: 'a bad feature set in a scenario compare does not use (fuzz)', args: ['compare', `${B}/scenario-bad-feature.json`] },
  { what: 'a bad feature set in a scenario, to validate (fuzz)', args: ['validate', `${B}/scenario-bad-feature.json`] },
  { what: 'a workload the live view would refuse in its worker (fuzz)', args: ['tui', `${B}/unknown-device.json`] },
  // Issue 28: what a fault and bad-input run found on main.
  { what: 'a duration of 5e-324 s in a scenario', args: ['run', `${B}/scenario-subnormal-duration.yaml`] },
  { what: 'a scenario seed of 2^53 − 1 with 3 replications (seeds would repeat)', args: ['run', `${B}/scenario-seed-past-2-53.yaml`, '--replications', '3'] },
  { what: 'a seed near 2^53 with --ci-target (its last replications would share seeds)', args: ['run', 'idle-guest', '--quick', '--ci-target', '1', '--seed', '9007199254740985'] },
  { what: 'an empty MSR name', args: ['run', `${B}/scenario-empty-msr-name.yaml`] },
  { what: 'a 10,000-character MSR name', args: ['validate', `${B}/msr-name-10000-chars.json`] },
  { what: 'an unknown YAML tag (!!flaot)', args: ['run', `${B}/yaml-unknown-tag.yaml`] },
  { what: 'invalid UTF-8', args: ['run', `${B}/invalid-utf8.yaml`] },
  { what: 'integer: true on a parameter of names', args: ['sweep', `${B}/sweep-integer-on-names.yaml`] },
  { what: 'a sweep of −3 replications', args: ['sweep', `${B}/sweep-negative-replications.yaml`] },
  { what: 'an Intel nested feature on an AMD profile', args: ['run', 'cpu-bound', '--profile', 'genoa', '--vm-type', 'nested', '--features', 'modern,vmcs-shadowing'] },
  { what: 'an AMD nested feature on an Intel profile', args: ['run', 'cpu-bound', '--vm-type', 'nested', '--features', 'none,vgif'] },
  { what: 'an Intel measurement imported onto an AMD profile', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '--profile', 'genoa', '-o', '/tmp/exitsim-robustness.json'] },
  { what: 'a second --profile to capacity (it would be ignored)', args: ['capacity', 'cpu-bound', '--sla', 'efficiency>=90%', '--profile', 'genoa', '--profile', 'sapphire-rapids'] },
  { what: 'a second --profile to the live view', args: ['tui', 'cpu-bound', '--profile', 'genoa', '--profile', 'sapphire-rapids'] },
  { what: 'two CPU files that both name themselves genoa', args: ['compare', 'cpu-bound', '--quick', '--profile', 'genoa', '--profile', `${B}/profile-named-genoa.json`] },
  { what: 'an import whose --out is a folder (with --force)', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', `${S}/a-folder.json`, '--force'] },
  { what: 'an import to a file name that is an extension alone', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', `${S}/.json`] },
  { what: 'an import --name of nothing', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', '/tmp/exitsim-robustness.json', '--name', ''] },
  { what: 'an import --name with a terminal escape sequence', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', '/tmp/exitsim-robustness.json', '--name', 'a\u001b[31mred'] },
  { what: 'an import of 65,537 vCPUs', args: ['import', 'test/fixtures/real-exits/01-sysbench-cpu.txt', '-o', '/tmp/exitsim-robustness.json', '--vcpus', '65537'] },
  { what: 'a profile clocked at 0 GHz (microbench)', args: ['microbench', '--profile', `${S}/zero-ghz.json`] },
  { what: 'slurm: 100,001 shards', args: ['slurm', 'submit', 'workloads/studies/msr-bitmap.yaml', '--shards', '100001', '--dry-run', '--out', `${S}/slurm`] },
  { what: 'slurm: a time limit of "soon"', args: ['slurm', 'submit', 'workloads/studies/msr-bitmap.yaml', '--shards', '2', '--time', 'soon', '--dry-run', '--out', `${S}/slurm`] },
  { what: 'slurm: a newline and a shell command in --sbatch-arg', args: ['slurm', 'submit', 'workloads/studies/msr-bitmap.yaml', '--shards', '2', '--sbatch-arg', '--account=x\nrm -rf /', '--dry-run', '--out', `${S}/slurm`] },
  { what: 'slurm: $( ) in --partition', args: ['slurm', 'submit', 'workloads/studies/msr-bitmap.yaml', '--shards', '2', '--partition', '$(reboot)', '--dry-run', '--out', `${S}/slurm`] },
  { what: 'slurm: --out is a file', args: ['slurm', 'submit', 'workloads/studies/msr-bitmap.yaml', '--shards', '2', '--dry-run', '--out', 'README.md'] },
  // Readers of result folders a user may have edited, cut, or copied by hand.
  { what: 'table: a line appended to exits.csv', args: ['table', `${S}/appended`] },
  { what: 'table: a =HYPERLINK(…) cell put into runs.csv', args: ['table', `${S}/hyperlink`] },
  { what: 'table: a binary runs.csv', args: ['table', `${S}/binary`] },
  { what: 'table: runs.csv padded with NUL bytes', args: ['table', `${S}/nul-padded`] },
  { what: 'table: runs.csv cut short', args: ['table', `${S}/truncated`] },
  { what: 'table: runs.csv cut to its header', args: ['table', `${S}/header-only`] },
  { what: 'table: an unbalanced quote in runs.csv (a set without a file list)', args: ['table', `${S}/unbalanced-quote`] },
  { what: 'table: NaN efficiencies (a set without a file list)', args: ['table', `${S}/nan`] },
  { what: 'table: runs.csv a symbolic link to /etc/passwd', args: ['table', `${S}/symlink`] },
  { what: 'table: runs.csv a FIFO (it would block for ever)', args: ['table', `${S}/fifo`] },
  { what: 'report: a 300 MB runs.csv', args: ['report', `${S}/huge`] },
  { what: 'table: a set without its manifest', args: ['table', `${S}/no-manifest`] },
  { what: "table: a study's summary.csv removed", args: ['table', `${S}/no-summary`] },
  { what: "table: '{' as study.json", args: ['table', `${S}/brace-study`] },
  { what: 'merge into an --out that is a file', args: ['merge', `${S}/study`, '--out', 'README.md'] },
  { what: "sweep into a folder where another sweep's run record was copied", args: ['sweep', `${S}/tiny-sweep.yaml`, '--out', `${S}/foreign-record`] },
  { what: 'rerun: a seed of "x"', args: ['rerun', `${S}/rerun-seed-x.json`, '--out', `${S}/rerun-out`] },
  { what: 'rerun: a seed of −7 (the digest unchanged)', args: ['rerun', `${S}/rerun-seed-negative.json`, '--out', `${S}/rerun-out`] },
  { what: 'rerun: the scenario removed', args: ['rerun', `${S}/rerun-no-scenario.json`, '--out', `${S}/rerun-out`] },
  { what: 'rerun: the embedded profile swapped for another', args: ['rerun', `${S}/rerun-profile-swapped.json`, '--out', `${S}/rerun-out`] },
  { what: "rerun: kind 'capacity'", args: ['rerun', `${S}/rerun-kind-capacity.json`, '--out', `${S}/rerun-out`] },
  { what: 'rerun: a study manifest of −3 replications', args: ['rerun', `${S}/rerun-study-negative-replications.json`, '--out', `${S}/rerun-out`] },
];


const exitsim = (...args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'exitsim.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`exitsim ${args.join(' ')}: ${r.stderr}`);
};

/** Replaces a file of a set in place (the manifest still lists the original's size and hash). */
function damage(set: string, name: string, f: (text: Buffer) => Buffer | string): void {
  fs.writeFileSync(path.join(SA, set, name), f(fs.readFileSync(path.join(SA, set, name))));
}

/**
 * The damaged result folders and manifests the reader cases run on: one real run and one real sweep,
 * copied and damaged the ways a user's hand (or a full disk) damages them. Deterministic (seeded runs).
 */
export function prepareCases(): void {
  fs.rmSync(SA, { recursive: true, force: true });
  fs.mkdirSync(SA, { recursive: true });
  exitsim('run', 'cpu-bound', '--quick', '--out', `${S}/run`);
  exitsim('run', 'cpu-bound', '--quick', '--vm-type', 'tdx', '--out', `${S}/run-tdx`);
  fs.writeFileSync(`${SA}/tiny-sweep.yaml`, 'name: tiny\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: cpu-bound, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [modern]\n');
  fs.writeFileSync(`${SA}/other-sweep.yaml`, 'name: other\nbase: { name: t, host: { pcpus: 2 }, vms: [{ workload: idle-guest, vcpus: 1 }], durationSec: 0.01 }\nparameters: [{ path: seed, values: [1, 2] }]\nfeatureSets: [none]\n');
  exitsim('sweep', `${S}/tiny-sweep.yaml`, '--out', `${S}/study`);
  exitsim('sweep', `${S}/other-sweep.yaml`, '--out', `${S}/other`);
  const copy = (from: string, to: string) => fs.cpSync(path.join(SA, from), path.join(SA, to), { recursive: true });
  for (const name of ['appended', 'hyperlink', 'binary', 'nul-padded', 'truncated', 'header-only', 'symlink', 'fifo', 'huge', 'no-manifest']) copy('run', name);
  damage('appended', 'exits.csv', (b) => b.toString() + 'cpu-bound.modern.s1,HLT,1,1,1,1,1,1,1,1,1,1\n');
  damage('hyperlink', 'runs.csv', (b) => b.toString().replace('cpu-bound,', '=HYPERLINK("http://example.invalid"),'));
  damage('binary', 'runs.csv', (b) => Buffer.from(Array.from({ length: b.length }, (_, i) => (i * 151 + 7) % 256)));
  damage('nul-padded', 'runs.csv', (b) => Buffer.concat([b, Buffer.alloc(4096)]));
  damage('truncated', 'runs.csv', (b) => b.subarray(0, Math.floor(b.length / 2)));
  damage('header-only', 'runs.csv', (b) => b.toString().split('\n')[0] + '\n');
  fs.rmSync(`${SA}/symlink/runs.csv`);
  fs.symlinkSync('/etc/passwd', `${SA}/symlink/runs.csv`);
  fs.rmSync(`${SA}/fifo/runs.csv`);
  spawnSync('mkfifo', [`${SA}/fifo/runs.csv`]);
  fs.truncateSync(`${SA}/huge/runs.csv`, 300 * 1024 * 1024); // sparse: 300 MB without writing them
  fs.rmSync(`${SA}/no-manifest/manifest.json`);
  // A set whose manifest has no file list (an earlier exitsim's): its CSVs are parsed strictly instead.
  for (const name of ['unbalanced-quote', 'nan']) {
    copy('run', name);
    const m = JSON.parse(fs.readFileSync(path.join(SA, name, 'manifest.json'), 'utf8'));
    delete m.files;
    fs.writeFileSync(path.join(SA, name, 'manifest.json'), JSON.stringify(m, null, 2));
  }
  damage('unbalanced-quote', 'runs.csv', (b) => b.toString().replace('cpu-bound,', '"cpu-bound,'));
  damage('nan', 'runs.csv', (b) => b.toString().replace(/,0\.9\d+,/, ',NaN,'));
  copy('study', 'no-summary');
  fs.rmSync(`${SA}/no-summary/summary.csv`);
  copy('study', 'brace-study');
  fs.writeFileSync(`${SA}/brace-study/study.json`, '{');
  copy('study', 'foreign-record');
  fs.copyFileSync(`${SA}/other/runs/p0001-r000.json`, `${SA}/foreign-record/runs/p0001-r000.json`);
  fs.rmSync(`${SA}/foreign-record/manifest.json`); // an interrupted study, to be resumed
  fs.mkdirSync(`${SA}/a-folder.json`);
  const profile = JSON.parse(fs.readFileSync(path.join(ROOT, 'profiles', 'nehalem.json'), 'utf8'));
  profile.frequencyGHz.value = 0;
  fs.writeFileSync(`${SA}/zero-ghz.json`, JSON.stringify(profile));
  // Damaged manifests for rerun.
  const manifest = JSON.parse(fs.readFileSync(`${SA}/run/manifest.json`, 'utf8'));
  const mutate = (name: string, f: (m: Record<string, any>) => void, keepDigest = true) => {
    const m = structuredClone(manifest);
    f(m);
    if (!keepDigest) delete m.inputs_sha256;
    fs.writeFileSync(`${SA}/${name}`, JSON.stringify(m, null, 2));
  };
  mutate('rerun-seed-x.json', (m) => (m.runs[0].seed = 'x'), false);
  mutate('rerun-seed-negative.json', (m) => (m.runs[0].seed = -7));
  mutate('rerun-no-scenario.json', (m) => delete m.inputs[0].scenario, false);
  mutate('rerun-profile-swapped.json', (m) => (m.inputs[0].profile = JSON.parse(fs.readFileSync(path.join(ROOT, 'profiles', 'genoa.json'), 'utf8'))));
  mutate('rerun-kind-capacity.json', (m) => (m.kind = 'capacity'));
  const study = JSON.parse(fs.readFileSync(`${SA}/study/manifest.json`, 'utf8'));
  study.study.replications = -3;
  delete study.inputs_sha256;
  fs.writeFileSync(`${SA}/rerun-study-negative-replications.json`, JSON.stringify(study, null, 2));
}

export interface Outcome {
  code: number | null;
  message: string;
  stdout: string;
}

export function runCase(c: Case): Outcome {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'exitsim.js'), ...c.args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000 });
  return { code: r.status, message: r.stderr.trim(), stdout: r.stdout };
}

export function robustnessDoc(outcomes: Outcome[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = CASES.map((c, i) => `| ${esc(c.what)} | \`exitsim ${esc(c.args.join(' '))}\` | ${outcomes[i].code} | ${esc(outcomes[i].message)} |`);
  return `# Bad inputs and what they get

Generated by \`npm run robustness-doc\` from \`test/robustness/cases.ts\`, which runs the real CLI on
each; a test runs them again and fails if this table and the CLI disagree. Exit codes: 2 bad input or
usage, 1 runtime failure, 130 interrupted. Every answer is one line naming the file (or the flag),
the field path, what was expected and what was found; none prints a stack trace or writes an output
file. Property-based tests (\`test/unit/properties.test.ts\`, fast-check) feed random and mutated
workloads, scenarios, sweeps, profiles and measurements to the same validators and parsers: each is
accepted and simulates without error (no NaN in the output), or refused with such a message.
A fuzz run of the whole command line (\`test/long/cli-fuzz.test.ts\`, 10,000 cases in process:
every command from a valid base with one thing made wrong — a flag's value, an unknown flag, a bad
input file, a flag left without its value) checks exit code 2, one line in this form naming the
flag or the file, no stack trace, nothing on stdout and nothing written. The rows marked *(fuzz)*
are what it found.

Inputs are bounded before they are read: regular files only (a FIFO or \`/dev/zero\` is refused at
once), at most 4 MB for scenarios, workloads, profiles and sweeps and 256 MB for measurements,
YAML aliases limited; sweeps at most 100,000 points and 1,000,000 jobs, checked before any is built.

**No user file is lost.** An output folder belongs to the user: exitsim keeps a ledger in it
(\`.exitsim-owned.json\`: every file it wrote there, with size and SHA-256) and replaces only those of
its files that nobody edited since — and only with \`--force\`, or when it resumes its own study. A
user's file of a result's name, or a result the user edited, is refused with \`--force\` or without;
nothing is ever deleted but exitsim's own unedited files and run records; no command removes a folder
(one it created and left empty, because it was refused, is removed again). One writer at a time: a
command holds \`.exitsim.lock\` (its pid and host) while it writes; a second writer is refused, and a
lock whose process is gone is taken over; temporary files of a killed writer are cleared on the next
run. Files are written to a temporary name and renamed, the manifest last; the manifest lists every
file of the set with its size and SHA-256, and embeds a digest of the inputs rerun uses.
\`test/long/data-safety.test.ts\` places user files anywhere in every command's output folder (and
as a property, at random places and names) and checks they survive a run, a resume and \`--force\`;
\`test/long/output-folder.test.ts\` races two writers, kills one between its writes and renames,
and tries newlines, quotes, \`$( )\`, backticks and \`;\` in every flag that reaches a Slurm script.

**Readers are as strict as inputs.** \`table\`, \`report\`, \`merge\`, \`rerun\` and a resuming
sweep refuse a set without its manifest, a file the manifest does not list or whose size (checked
before reading) or hash differs, a link, a FIFO, a file over 256 MB, NUL bytes, invalid UTF-8, a CSV
that is not what exitsim writes, a run record of another study; \`test/long/reader-fuzz.test.ts\`
damages result folders at random (cut, appended, binary, linked, FIFO, huge, removed) and checks
every answer is a clean run or one line. CSV text cells that a spreadsheet would run as a formula get
a leading \`'\`. A killed or interrupted sweep keeps every finished job and resumes
(\`test/unit/study.test.ts\`).

| bad input | command | exit | what exitsim says |
|---|---|---|---|
${rows.join('\n')}
`;
}
