// JSON Schema files for the input formats, generated from the zod validators
// (so editors can check and complete them; `npm run schemas` rewrites them).
import { z } from 'zod';
import { Profile, Scenario, SweepFile, Workload } from './schema.js';
import { GuestOs } from './guest-os.js';

export const SCHEMAS: Record<string, z.ZodType> = {
  'workload.schema.json': Workload,
  'scenario.schema.json': Scenario,
  'profile.schema.json': Profile,
  'sweep.schema.json': SweepFile,
  'guest-os.schema.json': GuestOs,
};

export function jsonSchemaText(name: string): string {
  const schema = z.toJSONSchema(SCHEMAS[name], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const title = name.replace('.schema.json', '');
  return JSON.stringify({ ...schema, $id: `https://exitsim.dev/schemas/${name}`, title: `exitsim ${title}` }, null, 2) + '\n';
}
