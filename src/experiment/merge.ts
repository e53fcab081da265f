// Joins the shard folders of one study into one result: refuses mixed
// studies, a job present in two shards, and missing jobs.
import { writeOwnedFile } from '../io/atomic.js';
import { checkReplaceable, claimFolder, ownership } from '../io/output-folder.js';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../config/errors.js';
import { readRecords, readState, removeRecords, writeRecord, type StudyRecord, type StudyState } from './study.js';

export interface Merged {
  state: StudyState;
  records: StudyRecord[];
}

export function expectedKeys(state: StudyState): string[] {
  const pw = Math.max(4, String(state.points.length - 1).length);
  const rw = Math.max(3, String(state.replications - 1).length);
  const keys: string[] = [];
  for (let p = 0; p < state.points.length; p++) {
    for (let r = 0; r < state.replications; r++) keys.push(`p${String(p).padStart(pw, '0')}-r${String(r).padStart(rw, '0')}`);
  }
  return keys;
}

export function mergeShards(dirs: string[]): Merged {
  if (dirs.length === 0) throw new InputError('command line', 'merge', 'one or more shard folders', 'none');
  let first: StudyState | undefined;
  const byKey = new Map<string, { rec: StudyRecord; dir: string }>();
  for (const dir of dirs) {
    const state = readState(dir);
    if (!state) throw new InputError(dir, 'study.json', 'a study folder written by exitsim sweep', 'no study.json');
    if (!first) first = state;
    else if (state.identity !== first.identity || state.replications !== first.replications) {
      throw new InputError(dir, 'study.json', `a shard of study ${first.name} (${first.identity}, ${first.replications} replications)`, `study ${state.name} (${state.identity}, ${state.replications} replications)`);
    }
    for (const [key, rec] of readRecords(dir, state.identity)) {
      const seen = byKey.get(key);
      if (seen) throw new InputError(dir, `runs/${key}.json`, 'each job in exactly one shard', `a duplicate of ${path.join(seen.dir, 'runs', `${key}.json`)}`);
      byKey.set(key, { rec, dir });
    }
  }
  const state = first as StudyState;
  const expected = expectedKeys(state);
  const missing = expected.filter((k) => !byKey.has(k));
  if (missing.length > 0) {
    throw new InputError(dirs.join(', '), 'runs', `all ${expected.length} jobs of study ${state.name}`, `${missing.length} missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}) — run the missing shards again`);
  }
  const extra = [...byKey.keys()].filter((k) => !expected.includes(k));
  if (extra.length > 0) throw new InputError(dirs.join(', '), 'runs', 'only jobs of this study', `unexpected ${extra.slice(0, 3).join(', ')}`);
  return { state: { ...state, shard: null }, records: expected.map((k) => byKey.get(k)!.rec) };
}

export function writeMergedRuns(out: string, merged: Merged, force: boolean, outputNames: string[] = []): void {
  claimFolder(out);
  const existing = ownership(out, 'study.json') === 'absent' ? undefined : readState(out);
  if ((existing || fs.readdirSync(out).some((f) => !f.startsWith('.'))) && !force) {
    throw new InputError(out, '--out', 'a new or empty folder (or --force)', 'a folder with files');
  }
  checkReplaceable(out, ['study.json', ...outputNames], true);
  // An earlier merge's records go (exitsim's own); a user's files in runs/ stay.
  if (existing) removeRecords(out, existing.identity);
  fs.mkdirSync(path.join(out, 'runs'), { recursive: true });
  for (const rec of merged.records) writeRecord(out, rec);
  writeOwnedFile(out, 'study.json', JSON.stringify(merged.state, null, 2) + '\n', true);
}
