// A device request: the device's kind and bus decide the exit (SPEC §3); the engine arms its
// completion and the unit may wait for it.
import { InputError, describeValue } from '../../config/errors.js';
import { BEHAVIOUR_IO } from '../../engine/model.js';
import { decideEvent, planOf } from './decided.js';
import type { EventCompiler } from './types.js';

export const compileIo: EventCompiler = (e, field, ctx) => {
  if (e.device === undefined) throw new InputError(ctx.file, `${field}.device`, 'the name of a device from `devices`', 'nothing');
  const device = ctx.deviceIndex.get(e.device) ?? -1;
  if (device < 0) {
    throw new InputError(ctx.file, `${field}.device`, `one of the workload's devices (${[...ctx.deviceIndex.keys()].join(', ') || 'none defined'})`, describeValue(e.device));
  }
  const d = ctx.workload.devices[device];
  const decided = decideEvent(e, ctx, device, { deviceKind: d.kind, deviceBus: d.bus, deviceExitsPerOp: d.exitsPerOp ?? 1 });
  return planOf(e, ctx, decided, BEHAVIOUR_IO, device);
};
