// Live runs for the terminal UI: the scenario under each feature set and its
// bare-metal twin advance in lockstep slices, paced to a chosen speed, and a
// frame of summaries is published a few times a second. No terminal here: the
// worker entry (live-worker.ts) carries frames to whoever listens.
import { Simulation } from '../engine/simulation.js';
import { summarize, type RunSummary } from '../metrics/summarize.js';
import { LIVE_SLICE_SEC } from './settings.js';
import type { PointJob } from './job.js';
import { buildRunModel, runId, summaryContext } from '../request/run-path.js';

export interface LiveFrame {
  type: 'frame';
  simSeconds: number;
  totalSeconds: number;
  /** Guest events of all runs per wall second, over the last frame. */
  eventsPerWallSec: number;
  simSecondsPerWallSec: number;
  /** Wall seconds since the run started (pauses included). */
  elapsedWallSeconds: number;
  paused: boolean;
  done: boolean;
  summaries: RunSummary[];
}

export type LiveCommand =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'speed'; simSecondsPerWallSec: number }
  | { type: 'stop' };

export class LiveRun {
  private readonly sims: Simulation[];
  private readonly native: Simulation;
  private readonly f: number;
  private readonly slice: number;
  private paused = false;
  private stepping = false;
  private stopped = false;
  private finished = false;
  private speed: number;
  private simBudget = 0;
  private lastWall = 0;
  private events = 0;
  private startedWall = performance.now();

  constructor(
    private readonly job: PointJob,
    speed: number,
    private readonly frameMs: number,
    private readonly publish: (frame: LiveFrame) => void,
  ) {
    this.native = new Simulation(buildRunModel(job.spec, 0, { nativeMode: true }));
    this.sims = job.featureSets.map((features) => new Simulation(buildRunModel(job.spec, features)));
    this.f = job.spec.profile.frequencyGHz.value * 1e9;
    this.slice = Math.round(this.f * LIVE_SLICE_SEC);
    this.speed = speed;
  }

  command(c: LiveCommand): void {
    if (c.type === 'pause') {
      // Budget earned before the pause is dropped, so time stops where the user paused it.
      this.paused = true;
      this.simBudget = 0;
    } else if (c.type === 'resume') this.paused = false;
    else if (c.type === 'step') this.stepping = true;
    else if (c.type === 'speed') this.speed = c.simSecondsPerWallSec;
    else this.stopped = true;
  }

  private get now(): number {
    return this.native.currentCycles;
  }

  private advance(to: number): void {
    for (const s of [this.native, ...this.sims]) {
      const before = s.guestEvents;
      s.runUntil(to);
      this.events += s.guestEvents - before;
    }
  }

  frame(wallSeconds: number): LiveFrame {
    const end = this.native.endCycles;
    // At the end the runs are finished — open episodes and entries booked up to the end, as a
    // plain run books them — and the last frame reads their final counters, not a snapshot.
    const finished = this.now >= end;
    if (finished && !this.finished) {
      for (const s of [this.native, ...this.sims]) s.finish();
      this.finished = true;
    }
    const read = (s: Simulation) => (finished ? s.result : s.snapshot());
    const nat = read(this.native);
    const summaries = this.sims.map((s, i) =>
      summarize(read(s), nat, {
        ...summaryContext(this.job.spec, this.job.featureSets[i], runId('live', this.job.featureSets[i])),
        // The window so far.
        durationSec: Math.max(1e-9, (this.now - this.job.spec.scenario.warmupSec * this.f) / this.f),
      }),
    );
    const frame: LiveFrame = {
      type: 'frame',
      simSeconds: this.now / this.f,
      totalSeconds: end / this.f,
      eventsPerWallSec: wallSeconds > 0 ? this.events / wallSeconds : 0,
      simSecondsPerWallSec: 0,
      elapsedWallSeconds: (performance.now() - this.startedWall) / 1000,
      paused: this.paused,
      done: this.now >= end,
      summaries,
    };
    this.events = 0;
    return frame;
  }

  /** Runs until the end (or stop), publishing frames; yields to the event loop between frames. */
  async run(): Promise<void> {
    for (const s of [this.native, ...this.sims]) s.start();
    this.startedWall = performance.now();
    this.publish(this.frame(0)); // something to show at once, even when started paused
    this.lastWall = performance.now();
    const end = this.native.endCycles;
    let frameStart = performance.now();
    let simAtFrame = this.now;
    while (!this.stopped) {
      const wall = performance.now();
      const dt = (wall - this.lastWall) / 1000;
      this.lastWall = wall;
      if (!this.paused) this.simBudget += this.speed > 0 ? dt * this.speed * this.f : Infinity;
      if (this.stepping) {
        // A step is taken at once, whether or not a frame is due.
        this.stepping = false;
        if (this.paused) this.advance(Math.min(end, this.now + this.slice));
        else this.simBudget += this.slice;
      }
      if (!this.paused) {
        // Work until the frame is due, the budget is spent or the run ends.
        while (this.now < end && this.simBudget >= 1 && performance.now() - frameStart < this.frameMs) {
          // At full speed nothing needs pacing: bigger slices cost less.
          const step = Math.min(this.speed === 0 ? this.slice * 10 : this.slice, this.simBudget, end - this.now);
          const target = this.now + Math.max(1, Math.floor(step));
          this.advance(target);
          this.simBudget -= step;
        }
      }
      const elapsed = (performance.now() - frameStart) / 1000;
      if (elapsed * 1000 >= this.frameMs || this.now >= end) {
        const frame = this.frame(elapsed);
        frame.simSecondsPerWallSec = elapsed > 0 ? (this.now - simAtFrame) / this.f / elapsed : 0;
        this.publish(frame);
        frameStart = performance.now();
        simAtFrame = this.now;
        if (frame.done) return;
      }
      // Let commands arrive; sleep a little when there is nothing to do.
      await new Promise((r) => setTimeout(r, this.paused || this.simBudget < 1 ? 15 : 0));
    }
  }
}
