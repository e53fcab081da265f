// Examples shown at the end of each command's --help: one line a new user can
// paste (each runs from a clone as written; test/unit/cli.test.ts runs a few).
export const EXAMPLES: Record<string, string[]> = {
  run: ['exitsim run kernel-build', 'exitsim run network-server --features nehalem --duration 2 --json', 'exitsim run kernel-build --vms 4 --pcpus 4 --replications 5 --out /tmp/kb5'],
  compare: ['exitsim compare kernel-build --features none --features ept --features modern', 'exitsim compare oltp-database --ci-target 0.5', 'exitsim compare kernel-build --profile sapphire-rapids --profile genoa --features modern'],
  estimate: ['exitsim estimate kernel-build', 'exitsim estimate network-server --vms 8 --pcpus 4 --scheduler fair --features none --features modern --json'],
  explain: ['exitsim explain EPT_VIOLATION', 'exitsim explain CPUID --profile nehalem --features none', 'exitsim explain NPF --profile genoa', 'exitsim explain AVIC_INCOMPLETE_IPI --profile milan --apic xapic'],
  list: ['exitsim list workloads', 'exitsim list exit-reasons', 'exitsim list exit-reasons --arch svm'],
  study: ['exitsim study', 'exitsim study --quick --out /tmp/study'],
  microbench: ['exitsim microbench', 'exitsim microbench --profile skylake-sp --features nehalem --out /tmp/micro', 'exitsim microbench --profile genoa'],
  sensitivity: ['exitsim sensitivity kernel-build --delta 10', 'exitsim sensitivity network-server --out /tmp/tornado'],
  sweep: ['exitsim sweep workloads/studies/msr-bitmap.yaml', 'exitsim sweep workloads/studies/generations.yaml --shard 1/4 --out /tmp/gen-1'],
  merge: ['exitsim merge /tmp/gen-1 /tmp/gen-2 /tmp/gen-3 /tmp/gen-4 --out /tmp/gen'],
  capacity: ['exitsim capacity network-server --sla "efficiency>=90%"', 'exitsim capacity oltp-database --sla "p99_latency_us<=500" --features none --features modern'],
  tui: ['exitsim tui kernel-build --features none --features modern'],
  import: ['exitsim import test/fixtures/real-exits/01-sysbench-cpu.txt -o /tmp/sysbench.json'],
  calibrate: ['exitsim calibrate test/fixtures/kvm-unit-tests/lutomirski-2017-vmexit.log -o /tmp/my-host.json', 'exitsim calibrate test/fixtures/kvm-unit-tests/avery-2019-svm.log --base rome -o /tmp/epyc.json && exitsim compare kernel-build --profile /tmp/epyc.json'],
  migrate: ['exitsim migrate oltp-database --vcpus 8 --guest-memory 24GiB --dirty-rate 800MB/s --bandwidth 10Gbit', 'exitsim migrate kernel-build --guest-memory 8GiB --dirty-rate 2GB/s --bandwidth 10Gbit --auto-converge --json'],
  rerun: ['exitsim run kernel-build --out /tmp/kb && exitsim rerun /tmp/kb/manifest.json --out /tmp/kb-again'],
  table: ['exitsim table results/default-study', 'exitsim table results/default-study --format latex', 'exitsim table validation --out /tmp/tables'],
  report: ['exitsim run kernel-build --out /tmp/kb && exitsim report /tmp/kb'],
  validate: ['exitsim validate workloads/kernel-build.json'],
};
