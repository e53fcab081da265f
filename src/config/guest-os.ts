// The guest OS profile (guest-os/*.json): what the guest kernel does, in instructions a hypervisor
// may intercept, each time the guest switches context, enters the kernel or takes an interrupt —
// by kernel version and mitigation settings, each figure with its source. The guest model
// (src/workloads/guest-model.ts) expands a workload's activity rates with it (issue 30).
import { z } from 'zod';

const MsrName = z.string().min(1).max(64).regex(/^(0x[0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9_]*)$/, 'an MSR name (IA32_SPEC_CTRL) or number (0x48)');
const count = z.number().finite().min(0).max(64);

/** Spectre v2 kernel mitigations (Linux `spectre_v2=`): legacy IBRS writes SPEC_CTRL at every kernel entry and exit. */
export const SPECTRE_V2_MODES = ['retpoline', 'eibrs', 'ibrs'] as const;
export type SpectreV2Mode = (typeof SPECTRE_V2_MODES)[number];

const PerEvent = z
  .object({
    /** WRMSRs of each MSR, per event (a mean: 0.5 = every other event). */
    msrWrites: z
      .array(
        z
          .object({
            msr: MsrName,
            count,
            /** Written only on a CPU without this capability (a kernel with FSGSBASE falls back to WRMSR where the CPU lacks it). */
            cpuLacks: z.enum(['fsgsbase']).optional(),
            source: z.string().min(1),
          })
          .strict(),
      )
      .max(32)
      .default([]),
    /** Moves to CR8 (x64 IRQL changes) or TPR writes, per event. */
    tprWrites: z.object({ count, source: z.string().min(1) }).strict().optional(),
  })
  .strict();

export const GuestOs = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(200),
    description: z.string().min(1),
    sources: z.array(z.string().min(1)).min(1),
    /** The settings this OS runs with unless the scenario or the command line says otherwise. */
    defaults: z
      .object({
        /**
         * Kernel page-table isolation (KPTI; Windows: KVA shadow): two CR3 writes per kernel entry and
         * exit. 'auto': on when the CPU is vulnerable to Meltdown (the profile's capabilities.meltdown).
         */
        kpti: z.union([z.boolean(), z.literal('auto')]),
        /** 'auto': eIBRS where the CPU has it (capabilities.eibrs), else retpoline (or IBRS, see retbleedIbrs). */
        spectreV2: z.union([z.enum(SPECTRE_V2_MODES), z.literal('auto')]),
        /** Under 'auto', legacy IBRS on a CPU whose capabilities say retbleedIbrs (Linux ≥ 5.19's retbleed default). */
        retbleedIbrs: z.boolean().default(false),
        source: z.string().min(1),
      })
      .strict(),
    /** A context switch between two user threads (switch_to / SwapContext). */
    contextSwitch: PerEvent,
    /** A switch to another address space (switch_mm): its CR3 write is the workload's; here what comes with it. */
    addressSpaceSwitch: PerEvent.default({ msrWrites: [] }),
    /** Every kernel entry and exit pair (a syscall, an exception, an interrupt). */
    kernelEntry: z
      .object({
        /** CR3 writes per entry+exit with page-table isolation on (SWITCH_TO_KERNEL_CR3 / SWITCH_TO_USER_CR3). */
        kptiCr3Writes: z.object({ count, source: z.string().min(1) }).strict(),
        /** IA32_SPEC_CTRL writes per entry+exit under legacy IBRS (IBRS_ENTER / IBRS_EXIT). */
        ibrsSpecCtrlWrites: z.object({ count, source: z.string().min(1) }).strict(),
      })
      .strict(),
    /** What an interrupt's handling adds in the guest (beyond its kernel entry and EOI). */
    interrupt: PerEvent.default({ msrWrites: [] }),
    /**
     * Of the CR_ACCESS exits a shadow-paged guest of this OS takes (TPR writes aside), the share that
     * are CR3 writes — the rest are CR0/CR4 writes, which stay under EPT. Import splits a measured
     * CR_ACCESS count with it.
     */
    shadowCrAccessCr3Share: z.object({ value: z.number().finite().min(0).max(1), source: z.string().min(1) }).strict(),
  })
  .strict();
export type GuestOs = z.infer<typeof GuestOs>;

/** The guest's settings for one run: an OS profile's name and its mitigation settings. */
export const GuestSettings = z
  .object({
    /** A shipped guest OS profile (guest-os/) or a file; absent: each workload's own. */
    os: z.string().min(1).max(4096).optional(),
    kpti: z.boolean().optional(),
    spectreV2: z.enum(SPECTRE_V2_MODES).optional(),
  })
  .strict();
export type GuestSettings = z.infer<typeof GuestSettings>;

const rate = z.number().finite().positive().max(2 ** 53);

/** One activity's rate: per unit of work or per second of guest CPU time (exactly one), with its source. */
const ActivityRate = z
  .object({ perUnit: rate.optional(), perGuestSec: rate.optional(), source: z.string().min(1) })
  .strict()
  .refine((r) => (r.perUnit === undefined) !== (r.perGuestSec === undefined), { message: "exactly one rate: 'perUnit' or 'perGuestSec'" });
export type ActivityRate = z.infer<typeof ActivityRate>;

/**
 * What the guest OS and its programs do, measured natively (perf stat on bare metal): the guest
 * model turns each activity into the instructions it costs under the guest OS profile.
 */
export const GuestActivity = z
  .object({
    /** The guest OS profile the workload was measured under (a scenario or --guest-os may change it). */
    os: z.string().min(1).max(4096),
    /** Context switches (perf stat context-switches), voluntary and not. */
    contextSwitches: ActivityRate.optional(),
    /** Of the context switches, the fraction that change address space (a CR3 write): 1 between processes, 0 between threads. */
    addressSpaceSwitchFraction: z.object({ value: z.number().finite().min(0).max(1), source: z.string().min(1) }).strict().optional(),
    /** System calls (perf stat raw_syscalls:sys_enter). */
    syscalls: ActivityRate.optional(),
    /** Page faults (perf stat page-faults): each a guest #PF and a kernel entry. */
    pageFaults: ActivityRate.optional(),
    /** Processes created and run to exit (fork + exec + exit): an exec's new address space is a CR3 write. */
    processes: ActivityRate.optional(),
  })
  .strict();
export type GuestActivity = z.infer<typeof GuestActivity>;
