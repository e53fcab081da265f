// The event-kind registry: every instruction event kind a workload can name, with the compiler that
// turns one of its events into an engine class. The record is exhaustive: a new kind in the schema
// without a compiler here is a compile error.
import type { INSTRUCTION_EVENT_KINDS } from '../../config/schema.js';
import { compileDecided } from './decided.js';
import { compileIo } from './io.js';
import { compileMsrAccess } from './msr.js';
import { compileIpiSend } from './ipi-send.js';
import { compileRawExit } from './raw-exit.js';
import { compileCr3Write } from './cr3-write.js';
import { compileTimerProgram } from './timer-program.js';
import { compileProcessLifecycle } from './process-lifecycle.js';
import type { EventCompiler } from './types.js';

export const EVENT_COMPILERS: Record<(typeof INSTRUCTION_EVENT_KINDS)[number], EventCompiler> = {
  'page-fault': compileDecided,
  'first-touch': compileDecided,
  'cr3-write': compileCr3Write,
  invlpg: compileDecided,
  io: compileIo,
  'msr-read': compileMsrAccess,
  'msr-write': compileMsrAccess,
  cpuid: compileDecided,
  rdtsc: compileDecided,
  vmcall: compileDecided,
  'tpr-write': compileDecided,
  'timer-program': compileTimerProgram,
  'ipi-send': compileIpiSend,
  'dr-access': compileDecided,
  'raw-exit': compileRawExit,
  'pt-write': compileDecided,
  'process-lifecycle': compileProcessLifecycle,
  wbinvd: compileDecided,
  invd: compileDecided,
};

export type { CompiledEvent, EventCompiler, VmCompileContext } from './types.js';
