// RDMSR / WRMSR: the scenario's MSR bitmap decides whether the MSR is intercepted.
import { InputError } from '../../config/errors.js';
import { decideEvent, planOf } from './decided.js';
import type { EventCompiler } from './types.js';

export const compileMsrAccess: EventCompiler = (e, field, ctx) => {
  if (e.msr === undefined) throw new InputError(ctx.file, `${field}.msr`, 'the MSR name (e.g. IA32_TSC_DEADLINE)', 'nothing');
  return planOf(e, ctx, decideEvent(e, ctx, -1, { msrIntercepted: !ctx.passThrough.has(e.msr.toUpperCase()) }));
};
