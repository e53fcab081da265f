// KVM's adaptive halt polling (virt/kvm/kvm_main.c, grow_halt_poll_ns /
// shrink_halt_poll_ns): a vCPU's poll window after a halt of `haltedCycles`.
// A halt longer than the maximum window resets it to 0; a shorter one grows it
// (from the start value, doubling, up to the maximum). `maxCycles` 0: no polling.
export function nextPollWindow(windowCycles: number, haltedCycles: number, maxCycles: number, startCycles: number): number {
  if (maxCycles === 0) return windowCycles;
  if (haltedCycles > maxCycles) return 0;
  if (windowCycles < maxCycles) return windowCycles === 0 ? startCycles : Math.min(maxCycles, windowCycles * 2);
  return windowCycles;
}
