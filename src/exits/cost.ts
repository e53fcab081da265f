// Cost composition of one exit round trip (SPEC §1, §10): the five exit steps,
// the handler (kernel, or user space plus the kernel↔user round trip), and VM
// entry. Mean cycles only; the engine draws each stage around these means.
import type { HandlerName, Profile } from '../config/schema.js';

/** Accounting categories, in the order an exit's stages happen. */
export const CAT = {
  GUEST: 0,
  EXIT_RECORD: 1,
  EXIT_SAVE_GUEST: 2,
  EXIT_MSR_STORE: 3,
  EXIT_LOAD_HOST: 4,
  EXIT_MSR_LOAD: 5,
  HANDLER_KERNEL: 6,
  HANDLER_USER: 7,
  ENTRY: 8,
  INDIRECT_TLB_REFILL: 9,
  INDIRECT_2D_WALK: 10,
  HOST_SCHED: 11,
  SPIN: 12,
  HALT_POLL: 13,
  IDLE: 14,
} as const;
export const N_CAT = 15;

export const CATEGORY_NAMES = [
  'guest', 'exit_record', 'exit_save_guest', 'exit_msr_store', 'exit_load_host', 'exit_msr_load',
  'handler_kernel', 'handler_user', 'entry', 'indirect_tlb_refill', 'indirect_2d_walk', 'host_sched',
  'spin', 'halt_poll', 'idle',
] as const;

export interface MsrLists {
  exitStore: number;
  exitLoad: number;
  entryLoad: number;
}

export interface StageBreakdown {
  recordExitInfo: number;
  saveGuestState: number;
  msrStore: number;
  loadHostState: number;
  msrLoad: number;
  handlerKernel: number;
  handlerUser: number;
  entry: number;
}

export function handlerMeanCycles(profile: Profile, handler: HandlerName): number {
  const h = profile.handlerCycles[handler];
  if (!h) throw new Error(`profile '${profile.name}' has no handler cost for '${handler}'`);
  return h.value;
}

/** Mean cycles of each stage of one round trip. */
export function stageMeans(
  profile: Profile,
  msr: MsrLists,
  handler: HandlerName,
  location: 'kernel' | 'user',
  handlerOverrideCycles?: number,
): StageBreakdown {
  const s = profile.stages;
  const handlerCycles = handlerOverrideCycles ?? handlerMeanCycles(profile, handler);
  return {
    recordExitInfo: s.recordExitInfoCycles.value,
    saveGuestState: s.saveGuestStateCycles.value,
    msrStore: s.perMsrCycles.value * msr.exitStore,
    loadHostState: s.loadHostStateCycles.value,
    msrLoad: s.perMsrCycles.value * msr.exitLoad,
    handlerKernel: location === 'kernel' ? handlerCycles : 0,
    handlerUser: location === 'user' ? handlerCycles + profile.kernelUserRoundTripCycles.value : 0,
    entry: s.entryCycles.value + s.perMsrCycles.value * msr.entryLoad,
  };
}

export function totalCycles(b: StageBreakdown): number {
  return (
    b.recordExitInfo + b.saveGuestState + b.msrStore + b.loadHostState + b.msrLoad + b.handlerKernel + b.handlerUser + b.entry
  );
}

/** The hardware part of a round trip: exit steps 1–5 and entry, no handler. */
export function hardwareRoundTripCycles(profile: Profile, msr: MsrLists): number {
  const b = stageMeans(profile, msr, 'cpuid', 'kernel', 0);
  return totalCycles(b);
}
