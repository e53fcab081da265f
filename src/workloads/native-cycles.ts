// Bare-metal cycles of each guest event's own work (SPEC §10): what the event
// costs when no hypervisor is involved, and what the guest still pays when the
// event does not exit. A workload may override any of them per event.

export interface NativeCost {
  cycles: number;
  source: string;
  estimate: boolean;
}

export const NATIVE_CYCLES: Record<string, NativeCost> = {
  'page-fault': { cycles: 1500, source: 'a guest minor page fault ≈ 1–2 k cycles (SPEC §10)', estimate: true },
  'first-touch': { cycles: 0, source: 'the guest-side work of a first touch is its #PF, counted there', estimate: false },
  'cr3-write': { cycles: 200, source: 'MOV to CR3 with PCID, no full flush; assumed', estimate: true },
  invlpg: { cycles: 150, source: 'assumed', estimate: true },
  io: { cycles: 200, source: 'a doorbell write to a real device; assumed', estimate: true },
  'msr-read': { cycles: 100, source: 'assumed', estimate: true },
  'msr-write': { cycles: 150, source: 'assumed', estimate: true },
  cpuid: { cycles: 100, source: 'CPUID ≈ 100 cycles natively (SPEC §10)', estimate: true },
  rdtsc: { cycles: 25, source: 'assumed (RDTSC latency of recent cores)', estimate: true },
  vmcall: { cycles: 0, source: 'a hypercall has no bare-metal counterpart', estimate: false },
  'tpr-write': { cycles: 17, source: 'mov_to_cr8 16–17 cycles with TPR shadow, i.e. without an exit (Lutomirski 2017, kvm-unit-tests)', estimate: false },
  'timer-program': { cycles: 100, source: 'WRMSR IA32_TSC_DEADLINE natively; assumed', estimate: true },
  'ipi-send': { cycles: 200, source: 'x2APIC ICR write natively; assumed', estimate: true },
  'dr-access': { cycles: 20, source: 'assumed', estimate: true },
  'raw-exit': { cycles: 0, source: 'an imported exit with no known guest-side work', estimate: true },
  'pt-write': { cycles: 20, source: 'a store to a page-table entry that hits the cache, plus its locking in the guest kernel; assumed', estimate: true },
  'process-lifecycle': { cycles: 0, source: 'the guest\'s own fork, exec and exit work is inside cyclesPerUnit (a measured CPU time); only what a hypervisor adds is modelled', estimate: false },
  wbinvd: { cycles: 0, source: 'not modelled natively: writing back and invalidating every cache costs the host far more than the exit, and depends on how much is dirty', estimate: true },
  invd: { cycles: 0, source: 'not modelled natively: INVD discards the caches (no guest runs it outside tests)', estimate: true },
  eoi: { cycles: 50, source: 'x2APIC EOI write natively; assumed', estimate: true },
  timer: { cycles: 0, source: 'the guest interrupt handler is the workload field interruptHandlerCycles', estimate: false },
  'device-interrupt': { cycles: 0, source: 'the guest interrupt handler is the workload field interruptHandlerCycles', estimate: false },
};
