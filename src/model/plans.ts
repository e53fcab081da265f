// The plan table under construction: each event class's exits as steps (reason, handler mean and
// spread, where it runs, how often), packed into the typed arrays the episode composer reads.
import { LOCATION_GUEST, LOCATION_L1, LOCATION_MONITOR } from '../engine/episode.js';
import type { PlanTable } from '../engine/model.js';
import { lognormalParams } from '../engine/random.js';
import { CONFIDENTIAL_HANDLERS } from '../exits/confidential.js';
import { softwareDecodeCycles } from '../exits/cost.js';
import { NESTED_HANDLERS } from '../exits/nested.js';
import { MMU_LOCK_HELD_SHARE } from '../workloads/shadow-mmu.js';
import type { ResolvedExit } from '../exits/resolve.js';
import { InputError } from '../config/errors.js';
import type { HandlerName, Profile } from '../config/schema.js';

/** Plan-step location codes the episode composer reads (stepUser). */
const LOCATION_CODE: Record<ResolvedExit['location'], number> = {
  kernel: 0,
  user: 1,
  l1: LOCATION_L1,
  'l1-user': LOCATION_L1,
  guest: LOCATION_GUEST,
  monitor: LOCATION_MONITOR,
};

/** Handlers of the nested and confidential machinery (never replaced by a measured handler time). */
export const MECHANISM_HANDLERS: ReadonlySet<string> = new Set<string>([...NESTED_HANDLERS, ...CONFIDENTIAL_HANDLERS]);

export class PlanBuilder {
  private readonly start: number[] = [];
  private readonly length: number[] = [];
  private readonly native: number[] = [];
  private readonly reason: number[] = [];
  private readonly repeat: number[] = [];
  private readonly probability: number[] = [];
  private readonly user: number[] = [];
  private readonly handlerMean: number[] = [];
  private readonly handlerMu: number[] = [];
  private readonly handlerSigma: number[] = [];
  /** Per step: cycles of its handler spent holding the VM's mmu_lock for write (0: none, or a measured handler). */
  private readonly lockHold: number[] = [];
  /** Handler names some plan uses (for sensitivity analysis; not read by the loop). */
  readonly handlersUsed = new Set<string>();

  constructor(
    private readonly profile: Profile,
    private readonly nativeMode: boolean,
    private readonly features: number,
  ) {}

  /**
   * Adds a plan: its exits' steps, and the native cycles the guest still runs. `handlerOverride`
   * replaces the profile's handler mean; `measured`: it is a measured time, which already holds
   * whatever the measured host waited for its locks (no mmu_lock wait is added to it).
   */
  add(exits: ResolvedExit[], nativeCycles: number, handlerOverride?: number, measured = false): number {
    const id = this.start.length;
    this.start.push(this.reason.length);
    this.native.push(Math.round(nativeCycles));
    if (!this.nativeMode) {
      for (const e of exits) {
        // A measured handler time (an imported workload) stands for the host's handler only, never
        // for the nested or confidential machinery around it.
        const override = MECHANISM_HANDLERS.has(e.handler) ? undefined : handlerOverride;
        // The host's handler of a VMGEXIT reads its arguments from the GHCB and writes the results
        // back (no instruction decode: the guest's #VC handler did it).
        const own = e.cycles ?? override ?? this.cost(e.handler) + (e.via === 'vmgexit' ? 0 : softwareDecodeCycles(this.profile, this.features, e.handler));
        const mean = own + (e.via === 'vmgexit' ? this.cost('sev-ghcb-sync') : 0) + (e.location === 'user' || e.location === 'l1-user' ? this.profile.kernelUserRoundTripCycles.value : 0);
        const { mu, sigma } = lognormalParams(mean, this.profile.handlerCv.value);
        if (override === undefined && e.cycles === undefined) this.handlersUsed.add(e.handler);
        if (e.via === 'vmgexit') this.handlersUsed.add('sev-ghcb-sync');
        this.reason.push(e.reason);
        this.repeat.push(e.repeat);
        this.probability.push(e.probability);
        this.user.push(LOCATION_CODE[e.location]);
        this.handlerMean.push(Math.round(mean));
        this.handlerMu.push(mu);
        this.handlerSigma.push(mean > 0 ? sigma : 0);
        const share = measured || e.cycles !== undefined || e.location !== 'kernel' ? 0 : (MMU_LOCK_HELD_SHARE[e.handler] ?? 0);
        this.lockHold.push(share * own);
      }
    }
    this.length.push(this.reason.length - this.start[id]);
    return id;
  }

  /** Plans made so far (the next plan's id). */
  get count(): number {
    return this.start.length;
  }

  /**
   * Per event of `plan`: its expected mmu_lock write acquisitions, cycles holding the lock, and host
   * cycles (each round trip's `roundTripCycles` plus its handler).
   */
  lockLoadOf(plan: number, roundTripCycles: number): { acquisitions: number; holdCycles: number; hostCycles: number } {
    let acquisitions = 0;
    let holdCycles = 0;
    let hostCycles = 0;
    for (let s = this.start[plan]; s < this.start[plan] + this.length[plan]; s++) {
      const times = this.repeat[s] * this.probability[s];
      hostCycles += times * (this.handlerMean[s] + (this.user[s] <= 1 ? roundTripCycles : 0));
      if (this.lockHold[s] > 0) {
        acquisitions += times;
        holdCycles += times * this.lockHold[s];
      }
    }
    return { acquisitions, holdCycles, hostCycles };
  }

  /** Adds `waitCycles` of spinning for mmu_lock to every step of plans [from, to) that takes it. */
  addLockWait(from: number, to: number, waitCycles: number): void {
    if (!(waitCycles > 0) || from >= to) return;
    for (let s = this.start[from]; s < this.reason.length && (to >= this.start.length || s < this.start[to]); s++) {
      if (this.lockHold[s] === 0) continue;
      const mean = this.handlerMean[s] + Math.round(waitCycles);
      const { mu, sigma } = lognormalParams(mean, this.profile.handlerCv.value);
      this.handlerMean[s] = mean;
      this.handlerMu[s] = mu;
      this.handlerSigma[s] = sigma;
    }
  }

  private cost(handler: HandlerName): number {
    return this.profile.handlerCycles[handler]?.value ?? this.missing(handler);
  }

  /** A handler's mean cycles from the profile (an input error if the profile lacks it). */
  meanOf(handler: HandlerName): number {
    this.handlersUsed.add(handler);
    return (this.profile.handlerCycles[handler]?.value ?? this.missing(handler)) + softwareDecodeCycles(this.profile, this.features, handler);
  }

  private missing(handler: string): never {
    throw new InputError(`profile ${this.profile.name}`, `handlerCycles.${handler}`, 'a handler cost', 'nothing');
  }

  table(): PlanTable {
    return {
      start: Int32Array.from(this.start),
      length: Int32Array.from(this.length),
      nativeCycles: Float64Array.from(this.native),
      stepReason: Int32Array.from(this.reason),
      stepRepeat: Int32Array.from(this.repeat),
      stepProbability: Float64Array.from(this.probability),
      stepUser: Uint8Array.from(this.user),
      stepHandlerMean: Float64Array.from(this.handlerMean),
      stepHandlerMu: Float64Array.from(this.handlerMu),
      stepHandlerSigma: Float64Array.from(this.handlerSigma),
    };
  }
}
