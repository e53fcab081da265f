// How each VM type turns the decision table's exits into what the host sees (an exhaustive record:
// a new VM type must say). A plain VM's exits are the table's; a nested guest's reach L0 first and
// most are reflected to its L1 hypervisor (nested.ts); a confidential VM's become #VE/#VC requests,
// direct exits, or work without the host (confidential.ts). Applied once per run, never per event.
import { confidentialExits, type ConfidentialVmType } from '../confidential.js';
import { nestedExits } from '../nested.js';
import type { ResolvedExit } from '../resolve.js';
import type { Arch } from '../arch/types.js';
import type { VmType } from './types.js';

export interface TransformContext {
  arch: Arch;
  features: number;
}

const confidential = (vmType: ConfidentialVmType) => (exits: ResolvedExit[]) => confidentialExits(exits, { vmType });

export const EXIT_TRANSFORMS: Readonly<Record<VmType, (exits: ResolvedExit[], ctx: TransformContext) => ResolvedExit[]>> = {
  plain: (exits) => exits,
  nested: (exits, ctx) => nestedExits(exits, ctx),
  tdx: confidential('tdx'),
  'sev-es': confidential('sev-es'),
  'sev-snp': confidential('sev-snp'),
};
