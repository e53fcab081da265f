// Reads input files (JSON or YAML), validates them against the schemas and
// turns the first problem into one InputError: file, field path, expected,
// found. Shipped workloads and profiles are found by name.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';
import { InputError, describeValue } from './errors.js';
import { didYouMean } from './suggest.js';
import { Profile, Scenario, Workload, type ScenarioInput } from './schema.js';
import { MAX_DATA_FILE_BYTES, readInputText } from './read-input.js';
import { GuestOs } from './guest-os.js';

/** The package root (where package.json, workloads/ and profiles/ are). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'profiles'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('exitsim: cannot find the package root (package.json with profiles/)');
    dir = up;
  }
}

export const workloadsDir = (): string => path.join(packageRoot(), 'workloads');
export const profilesDir = (): string => path.join(packageRoot(), 'profiles');

function listNames(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((f) => f.replace(/\.(json|ya?ml)$/, ''))
    .sort();
}

export const shippedWorkloadNames = (): string[] => listNames(workloadsDir());
export const shippedProfileNames = (): string[] => listNames(profilesDir());
export const guestOsDir = (): string => path.join(packageRoot(), 'guest-os');
export const shippedGuestOsNames = (): string[] => listNames(guestOsDir());

/** Parses a JSON or YAML file into plain data, or throws an InputError naming the line. */
export function readDataFile(file: string): unknown {
  let text = readInputText(file, MAX_DATA_FILE_BYTES, 'JSON or YAML file');
  // Editors on Windows save a byte-order mark: it is not content.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new InputError(file, '', 'JSON or YAML content', 'an empty file');
  if (/\.ya?ml$/i.test(file)) {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    // A warning is an error here: an unknown tag (!!flaot, !include) would otherwise be read as a string.
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      const e = problems[0];
      const line = e.linePos?.[0]?.line;
      throw new InputError(file, line ? `line ${line}` : '', 'valid YAML', e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
    }
    try {
      // maxAliasCount bounds "billion laughs" alias expansion (yaml's own guard, stated here).
      return doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new InputError(file, '', 'YAML whose aliases expand to a bounded document', (err as Error).message.split('\n')[0]);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    throw new InputError(file, jsonErrorLine(text, msg), 'valid JSON', msg.replace(/, (\.\.\.)?".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, ''));
  }
}

/** "line N" of a JSON syntax error: from V8's position, else from YAML's parser (YAML is a superset of JSON). */
function jsonErrorLine(text: string, message: string): string {
  const lineAt = (pos: number) => `line ${text.slice(0, pos).split('\n').length}`;
  const m = /position (\d+)/.exec(message);
  if (m) return lineAt(Number(m[1]));
  if (/end of JSON input/.test(message)) return lineAt(text.trimEnd().length);
  // Node 20: Unexpected token '}', ..."  "kind": }" is not valid JSON — find the quoted context.
  const ctx = /Unexpected token '(.+?)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (ctx) {
    const at = text.indexOf(ctx[2]);
    if (at >= 0) return lineAt(at + ctx[2].lastIndexOf(ctx[1]));
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  const line = doc.errors[0]?.linePos?.[0]?.line;
  return line ? `line ${line}` : '';
}

function valueAt(input: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = input;
  for (const key of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function formatPath(p: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of p) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

type Issue = z.core.$ZodIssue;

/** Chooses the issue of a union that went deepest (the branch the user meant). */
function deepest(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      const d = deepest({ ...sub, path: [...issue.path, ...sub.path] } as Issue);
      if (!best || d.path.length > best.path.length) best = d;
    }
  }
  return best ?? issue;
}

function knownKeys(schema: z.ZodType, p: ReadonlyArray<PropertyKey>): string[] {
  // Only used for hints; walks object shapes by key and array elements by index.
  let s: unknown = schema;
  for (const key of p) {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return [];
    if (def.type === 'array') s = def.element;
    else if (def.type === 'object') s = (def.shape as Record<string, unknown>)[String(key)];
    else if (def.type === 'default' || def.type === 'optional') {
      s = def.innerType;
      return knownKeys(s as z.ZodType, p);
    } else return [];
    const inner = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (inner && (inner.type === 'default' || inner.type === 'optional')) s = inner.innerType;
  }
  const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

export function validate<T extends z.ZodType>(schema: T, data: unknown, file: string): z.infer<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = deepest(r.error.issues[0] as Issue);
  const where = formatPath(issue.path);
  const found = valueAt(data, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const field = where ? `${where}.${key}` : key;
      const known = knownKeys(schema, issue.path);
      throw new InputError(file, field, `one of the known fields${known.length ? ` (${known.join(', ')})` : ''}`, `an unknown field '${key}'`, didYouMean(key, known));
    }
    case 'invalid_type':
      throw new InputError(file, where, issue.expected === 'number' ? 'a finite number' : `${issue.expected}`, describeValue(found));
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      throw new InputError(file, where, `one of ${values.join(', ')}`, describeValue(found), typeof found === 'string' ? didYouMean(found, issue.values.map(String)) : '');
    }
    case 'too_small':
      throw new InputError(file, where, `${issue.origin === 'array' ? 'at least' : issue.inclusive ? '≥' : '>'} ${issue.minimum}${issue.origin === 'array' ? ' items' : ''}`, describeValue(found));
    case 'too_big':
      throw new InputError(file, where, `${issue.inclusive ? '≤' : '<'} ${Number(issue.maximum) === 2 ** 53 ? '2^53 (no cycle count or rate beyond it is exact)' : issue.maximum}`, describeValue(found));
    default:
      throw new InputError(file, where, issue.message, describeValue(found));
  }
}

/** A workload by shipped name or by path. */
export function loadWorkload(nameOrFile: string): { workload: Workload; file: string } {
  const file = resolveInput(nameOrFile, workloadsDir(), shippedWorkloadNames(), 'workload');
  return { workload: validate(Workload, readDataFile(file), file), file };
}

export function loadProfile(nameOrFile: string): { profile: Profile; file: string } {
  const file = resolveInput(nameOrFile, profilesDir(), shippedProfileNames(), 'CPU profile');
  return { profile: validate(Profile, readDataFile(file), file), file };
}

/** A guest OS profile by shipped name (guest-os/) or by path. */
export function loadGuestOs(nameOrFile: string): { guestOs: GuestOs; file: string } {
  const file = resolveInput(nameOrFile, guestOsDir(), shippedGuestOsNames(), 'guest OS profile');
  return { guestOs: validate(GuestOs, readDataFile(file), file), file };
}

function resolveInput(nameOrFile: string, dir: string, names: string[], what: string): string {
  if (fs.existsSync(nameOrFile) && fs.statSync(nameOrFile).isFile()) return nameOrFile;
  for (const ext of ['.json', '.yaml', '.yml']) {
    const f = path.join(dir, nameOrFile + ext);
    if (fs.existsSync(f)) return f;
  }
  throw new InputError(
    nameOrFile,
    '',
    `a ${what} file or one of the shipped ${what}s (${names.join(', ')})`,
    'neither',
    didYouMean(nameOrFile, names),
  );
}

/** Is this data a scenario (it places VMs) rather than a workload? */
export function looksLikeScenario(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'vms' in data;
}

/** VM placements a scenario may list (each has at least one vCPU; build.ts caps vCPUs at 65,536). */
export const MAX_VM_PLACEMENTS = 65_536;

export function parseScenario(data: unknown, file: string): Scenario {
  // Counted before anything is validated or loaded: 70,000 placements took 4 s to reach the vCPU cap.
  const vms = (data as { vms?: unknown } | null)?.vms;
  const placements = Array.isArray(vms) ? vms.length : 0;
  if (placements > MAX_VM_PLACEMENTS) throw new InputError(file, 'vms', `at most ${MAX_VM_PLACEMENTS.toLocaleString('en-US')} VM placements (use count for many VMs alike)`, placements.toLocaleString('en-US'));
  // Likewise the total they ask for, when every count is a plain number.
  if (Array.isArray(vms)) {
    let total = 0;
    for (const v of vms) total += typeof v?.vcpus === 'number' && typeof v?.count === 'number' ? v.vcpus * v.count : typeof v?.vcpus === 'number' ? v.vcpus : 0;
    if (total > MAX_VM_PLACEMENTS) throw new InputError(file, 'vms', `at most ${MAX_VM_PLACEMENTS.toLocaleString('en-US')} vCPUs in one scenario`, total.toLocaleString('en-US'));
  }
  return validate(Scenario, data, file);
}

export type { ScenarioInput };
