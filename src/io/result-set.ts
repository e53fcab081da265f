// Reading a result folder back (table, report): a folder a user may have edited, cut, or copied by
// hand is read as strictly as an input file. The set is complete only with its manifest (written
// last); every file read must be the one the manifest lists — a regular file (not a link, not a
// FIFO) of the listed size, checked before it is read, with the listed SHA-256 — and parse as the
// CSV exitsim writes: the header's columns, one record per line, numbers where numbers go.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../config/errors.js';
import { MAX_STATE_FILE_BYTES, readStateJson } from '../config/read-input.js';
import { sha256 } from './output-folder.js';

/** A result CSV of a 100,000-point study is ~60 MB; anything larger was not written by exitsim. */
export const MAX_RESULT_FILE_BYTES = 256 * 1024 * 1024;

interface Listed {
  name: string;
  bytes: number;
  sha256: string;
}

export interface CsvSpec {
  /** Columns the reader needs. */
  columns: string[];
  /** Of those, the ones that must hold a finite number (an empty cell allowed where `optional` says). */
  numbers?: string[];
  optional?: string[];
}

export class ResultSet {
  private constructor(
    readonly dir: string,
    private readonly listed: Map<string, Listed> | undefined,
  ) {}

  static open(dir: string, what = 'a results folder (written by run --out, compare --out, study, sweep, merge or rerun)'): ResultSet {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch (err) {
      throw new InputError(dir, '', what, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : `an unreadable path (${(err as NodeJS.ErrnoException).code})`);
    }
    if (!st.isDirectory()) throw new InputError(dir, '', what, 'a file');
    const manifest = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifest)) {
      const some = ['runs.csv', 'exits.csv'].filter((f) => fs.existsSync(path.join(dir, f)));
      throw new InputError(dir, 'manifest.json', 'a complete results folder (exitsim writes its manifest last)', some.length > 0 ? `${some.join(' and ')} without manifest.json: an interrupted write, or a set copied in part; run the command again` : 'no results (no manifest.json, runs.csv or exits.csv)');
    }
    checkRegular(manifest, MAX_STATE_FILE_BYTES);
    const m = readStateJson<{ tool?: unknown; kind?: unknown; files?: unknown }>(manifest, 'an exitsim manifest.json', ['tool']);
    if (m.tool !== 'exitsim' || (m.kind !== 'runs' && m.kind !== 'study')) throw new InputError(manifest, m.tool !== 'exitsim' ? 'tool' : 'kind', "the manifest of exitsim results (tool 'exitsim', kind 'runs' or 'study')", JSON.stringify(m.tool !== 'exitsim' ? m.tool : m.kind) ?? 'nothing');
    let listed: Map<string, Listed> | undefined;
    if (m.files !== undefined) {
      if (!Array.isArray(m.files)) throw new InputError(manifest, 'files', 'the list of the files of the set', 'not a list');
      listed = new Map();
      m.files.forEach((f: Partial<Listed>, i) => {
        if (!f || typeof f.name !== 'string' || !Number.isSafeInteger(f.bytes) || typeof f.sha256 !== 'string') throw new InputError(manifest, `files[${i}]`, 'a file entry (name, bytes, sha256)', 'a damaged entry');
        listed!.set(f.name, f as Listed);
      });
    }
    return new ResultSet(dir, listed);
  }

  has(name: string): boolean {
    return this.listed ? this.listed.has(name) : fs.existsSync(path.join(this.dir, name));
  }

  /** The bytes of a file of the set, checked against the manifest before and after reading. */
  text(name: string): string {
    const file = path.join(this.dir, name);
    const entry = this.listed?.get(name);
    if (this.listed && !entry) throw new InputError(file, '', 'a file the manifest lists', 'one it does not list');
    const st = checkRegular(file, MAX_RESULT_FILE_BYTES);
    if (entry && st.size !== entry.bytes) throw new InputError(file, '', `the file the manifest lists (${entry.bytes.toLocaleString('en-US')} bytes)`, `${st.size.toLocaleString('en-US')} bytes — cut, appended to or replaced since it was written`);
    const buf = fs.readFileSync(file);
    if (entry && sha256(buf) !== entry.sha256) throw new InputError(file, '', 'the file the manifest lists (its SHA-256)', 'other content — edited since it was written');
    if (buf.includes(0)) throw new InputError(file, '', 'a text file', 'a NUL byte (a binary or damaged file)');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      throw new InputError(file, '', 'UTF-8 text', 'invalid UTF-8 (a binary or damaged file)');
    }
  }

  /** A CSV of the set as records, refused by file and line unless it is what exitsim writes. */
  csv(name: string, spec: CsvSpec): Record<string, string>[] {
    const file = path.join(this.dir, name);
    const text = this.text(name);
    let rows: Record<string, string>[];
    try {
      rows = parse(text, { columns: true, skip_empty_lines: false, relax_column_count: false, relax_quotes: false }) as Record<string, string>[];
    } catch (err) {
      const e = err as Error & { lines?: number };
      throw new InputError(file, e.lines !== undefined ? `line ${e.lines}` : '', 'CSV as exitsim writes it', e.message.split('\n')[0].replace(/^Invalid Record Length: /, '').slice(0, 120));
    }
    const header = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
    const missing = spec.columns.filter((c) => !header.split(',').includes(c));
    if (missing.length > 0) throw new InputError(file, 'line 1', `the columns exitsim writes (${spec.columns.slice(0, 4).join(', ')}, …)`, `no column ${missing[0]}`);
    if (rows.length === 0) throw new InputError(file, '', 'at least one row under the header', 'a header alone (a cut file)');
    const optional = new Set(spec.optional ?? []);
    rows.forEach((r, i) => {
      for (const c of spec.numbers ?? []) {
        const v = r[c];
        if ((v === '' || v === undefined) && optional.has(c)) continue;
        if (v === undefined || v === '' || !Number.isFinite(Number(v))) throw new InputError(file, `line ${i + 2}, ${c}`, 'a finite number', v === undefined ? 'nothing' : JSON.stringify(v.slice(0, 40)));
      }
    });
    return rows;
  }
}

function checkRegular(file: string, maxBytes: number): fs.Stats {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    throw new InputError(file, '', 'a file of the result set', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `an unreadable path (${(err as NodeJS.ErrnoException).code})`);
  }
  if (st.isSymbolicLink()) throw new InputError(file, '', 'a regular file of the result set', 'a symbolic link');
  if (!st.isFile()) throw new InputError(file, '', 'a regular file of the result set', st.isFIFO() ? 'a named pipe (FIFO)' : st.isDirectory() ? 'a folder' : 'not a regular file');
  if (st.size > maxBytes) throw new InputError(file, '', `a result file of at most ${maxBytes / 1024 / 1024} MB`, `${(st.size / 1024 / 1024).toFixed(0)} MB`);
  return st;
}
