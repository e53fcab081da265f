// The fitted profile as a file: the base profile with each fitted cost's value and source replaced,
// its provenance (base, logs by SHA-256, fits) in calibratedFrom, and nothing else changed. No date
// or path of this machine goes in: the same logs and flags give the same bytes.
import crypto from 'node:crypto';
import path from 'node:path';
import { produce } from 'immer';
import type { Profile } from '../config/schema.js';
import type { CalibrationFit } from './fit.js';

export interface LogFile {
  file: string;
  text: string;
}

export const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');

type Cited = { value: number; source: string; estimate?: boolean };

/** Every Cited a fitted parameter id stands for (the round trip is four stages). */
function citedOf(d: Profile, id: string): Cited[] {
  if (id.startsWith('stages')) return [d.stages.recordExitInfoCycles, d.stages.saveGuestStateCycles, d.stages.loadHostStateCycles, d.stages.entryCycles];
  if (id === 'kernelUserRoundTripCycles') return [d.kernelUserRoundTripCycles];
  if (id === 'svm.vmloadCycles') return d.svm ? [d.svm.vmloadCycles] : [];
  if (id === 'svm.vmsaveCycles') return d.svm ? [d.svm.vmsaveCycles] : [];
  if (id.startsWith('handlerCycles.')) {
    const h = d.handlerCycles[id.slice('handlerCycles.'.length) as keyof Profile['handlerCycles']];
    return h ? [h] : [];
  }
  return [];
}

export function calibratedProfile(o: { name: string; base: Profile; fit: CalibrationFit; logs: LogFile[]; featuresLabel: string; frequency?: { ghz: number; source: string } }): Profile {
  const logName = (f: string) => path.basename(f);
  const names = o.logs.map((l) => logName(l.file)).join(', ');
  const roundTrip = o.fit.fitted.find((f) => f.id.startsWith('stages'));
  return produce(o.fit.profile, (d) => {
    d.name = o.name;
    d.generation = `${o.base.generation}, calibrated`;
    d.description = `${o.base.name} calibrated by exitsim calibrate to the kvm-unit-tests figures in ${names}: ${o.fit.fitted.length} cost(s) fitted, every other number ${o.base.name}'s`;
    if (o.frequency) d.frequencyGHz = { value: o.frequency.ghz, source: o.frequency.source };
    for (const f of o.fit.fitted) {
      const where = `${f.test} = ${f.measured} cycles in ${f.files.map(logName).join(', ')}`;
      for (const c of citedOf(d, f.id)) {
        c.source = f.id.startsWith('stages')
          ? `fitted by exitsim calibrate: ${o.base.name}'s split of its hardware round trip, scaled to ${f.value} cycles so that ${where}`
          : `fitted by exitsim calibrate to ${where} (${o.base.name}: ${Math.round(f.baseValue)})`;
        delete c.estimate;
      }
    }
    if (roundTrip) {
      const hash = o.logs.find((l) => roundTrip.files.includes(l.file))?.text;
      d.calibration = {
        target: roundTrip.test === 'vmcall' ? 'kvm-unit-tests-vmcall' : 'kvm-unit-tests-cpuid',
        cycles: roundTrip.measured,
        source: `kvm-unit-tests log ${roundTrip.files.map(logName).join(', ')}${hash ? ` (sha256 ${sha256(hash).slice(0, 16)}…)` : ''}, fitted by exitsim calibrate`,
        splitRule: `${o.base.name}'s split of the hardware round trip (${Math.round(roundTrip.baseValue)} cycles) kept, scaled to ${roundTrip.value}; handler costs ${o.base.name}'s except those fitted`,
      };
    }
    d.calibratedFrom = {
      tool: 'exitsim calibrate',
      base: o.base.name,
      features: o.featuresLabel,
      logs: o.logs.map((l) => ({ file: logName(l.file), sha256: sha256(l.text) })),
      fitted: o.fit.fitted.map((f) => ({ parameter: f.id, test: f.test, file: f.files.map(logName).join(', '), measuredCycles: f.measured, baseValue: Math.round(f.baseValue), value: f.value })),
    };
  });
}
