// One exit, stage by stage (`exitsim explain`): which decision-table rule
// causes it under a feature set, its handler, and the mean cycles of each
// stage on a CPU profile. Plain data; output/explain.ts renders it.
import { DEFAULT_MSR_LISTS, type Profile } from '../config/schema.js';
import { stageMeans, totalCycles } from './cost.js';
import { DECISION_TABLE } from './decision-table.js';
import { FEATURE_BIT } from './features.js';
import { exitReasonName } from './reasons.js';

export interface ExplainedStage {
  what: string;
  cycles: number;
  source: string;
}

export interface ExitExplanation {
  name: string;
  number: number;
  handler: string;
  location: 'kernel' | 'user';
  /** The decision-table rule that produces it (the first whose features match, else the first at all). */
  rule: (typeof DECISION_TABLE)[number] | undefined;
  /** Whether that rule's features match the set (else the exit does not happen with them). */
  happens: boolean;
  stages: ExplainedStage[];
  totalCycles: number;
}

export function explainExit(reason: number, profile: Profile, features: number): ExitExplanation {
  const name = exitReasonName(reason);
  const rules = DECISION_TABLE.filter((rule) => rule.exits.some((e) => e.reason === name));
  const enabled = (rule: (typeof rules)[number]) =>
    !rule.when?.features || Object.entries(rule.when.features).every(([f, want]) => ((features & FEATURE_BIT[f as keyof typeof FEATURE_BIT]) !== 0) === want);
  const rule = rules.find(enabled) ?? rules[0];
  const spec = rule?.exits.find((e) => e.reason === name);
  const handler = spec?.handler ?? 'raw-exit';
  const location = spec?.location ?? 'kernel';
  const b = stageMeans(profile, DEFAULT_MSR_LISTS, handler, location);
  const stages: ExplainedStage[] = [
    { what: '1 record exit information (exit reason, qualification)', cycles: b.recordExitInfo, source: 'SDM §28.2' },
    { what: '2 save guest state (CRs, DRs, segments, RIP/RSP/RFLAGS)', cycles: b.saveGuestState, source: 'SDM §28.3' },
    { what: `3 VM-exit MSR-store area (${DEFAULT_MSR_LISTS.exitStore} MSRs)`, cycles: b.msrStore, source: 'SDM §28.4' },
    { what: '4 load host state', cycles: b.loadHostState, source: 'SDM §28.5' },
    { what: `5 VM-exit MSR-load area (${DEFAULT_MSR_LISTS.exitLoad} MSRs)`, cycles: b.msrLoad, source: 'SDM §28.6' },
    { what: location === 'user' ? `handler '${handler}' in user space (+ kernel↔user round trip)` : `handler '${handler}' in the kernel`, cycles: b.handlerKernel + b.handlerUser, source: 'profile handlerCycles' },
    { what: `VM entry (checks, guest state, ${DEFAULT_MSR_LISTS.entryLoad} MSR loads)`, cycles: b.entry, source: 'SDM ch. 27' },
  ];
  return { name, number: reason, handler, location, rule, happens: rule !== undefined && enabled(rule), stages, totalCycles: totalCycles(b) };
}
