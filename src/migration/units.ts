// Sizes, rates, bandwidths and durations as operators write them ("24GiB", "800MB/s", "10Gbit",
// "300ms"): one parser each, refusing an unknown unit or a non-positive figure with one message.
import { InputError, describeValue } from '../config/errors.js';

const CLI = 'command line';
const NUMBER = '([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)';

/** Bytes per unit: SI (kB, MB, GB, TB) and binary (KiB, MiB, GiB, TiB); K, M, G, T alone are binary (page sizes: 4K, 2M, 1G). */
const BYTE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
  k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40,
};

function split(flag: string, text: string, expected: string): { value: number; unit: string } {
  const m = new RegExp(`^\\s*${NUMBER}\\s*([A-Za-z/]*)\\s*$`).exec(text);
  if (!m) throw new InputError(CLI, flag, expected, describeValue(text));
  return { value: Number(m[1]), unit: m[2] };
}

/** A size: "24GiB", "512MB", "4K" (binary K/M/G), "1073741824" (bytes). */
export function parseBytes(flag: string, text: string): number {
  const expected = 'a size such as 24GiB, 512MB or 4K (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB; K, M, G alone are binary)';
  const { value, unit } = split(flag, text, expected);
  const per = unit === '' ? 1 : BYTE_UNITS[unit.toLowerCase()];
  if (per === undefined || !(value > 0)) throw new InputError(CLI, flag, expected, describeValue(text));
  return value * per;
}

/** Bytes per second from a bandwidth as links are quoted: "10Gbit" or "10Gb/s" (bits), "1.25GB/s" or "1GiB/s" (bytes). */
export function parseBandwidth(flag: string, text: string): number {
  const expected = 'a bandwidth such as 10Gbit, 25Gb/s, 1.25GB/s or 128MiB/s';
  const { value, unit } = split(flag, text, expected);
  const u = unit.replace(/\/s$|ps$/i, '');
  const bits: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };
  let perSec: number | undefined;
  // Lower-case b is bits (Gb/s, Gbit); upper-case B is bytes (GB/s, GiB/s).
  if (/bit$/i.test(u) || (/b$/.test(u) && !/B$/.test(u))) perSec = bits[u.toLowerCase()] === undefined ? undefined : bits[u.toLowerCase()] / 8;
  else if (/B$/.test(u) && unit !== u) perSec = BYTE_UNITS[u.toLowerCase()];
  if (perSec === undefined || !(value > 0)) throw new InputError(CLI, flag, expected, describeValue(text));
  return value * perSec;
}

/** A dirty rate: bytes per second ("800MB/s", "1GiB/s") or pages per second ("200000pages/s"), as pages of `pageBytes`. */
export function parseDirtyRate(flag: string, text: string, pageBytes: number): number {
  const expected = 'a dirty rate such as 800MB/s, 1GiB/s or 200000pages/s';
  const { value, unit } = split(flag, text, expected);
  if (!(value > 0)) throw new InputError(CLI, flag, expected, describeValue(text));
  if (/^pages\/s$/i.test(unit)) return value;
  const m = /^([A-Za-z]+)\/s$/.exec(unit);
  const per = m ? BYTE_UNITS[m[1].toLowerCase()] : undefined;
  if (per === undefined) throw new InputError(CLI, flag, expected, describeValue(text));
  return (value * per) / pageBytes;
}

/** A duration: "300ms", "0.3s", "2min"; a bare number is milliseconds (QEMU's downtime-limit unit). */
export function parseDurationSec(flag: string, text: string): number {
  const expected = 'a duration such as 300ms, 0.5s or 2min (a bare number is milliseconds)';
  const { value, unit } = split(flag, text, expected);
  const per: Record<string, number> = { '': 1e-3, ms: 1e-3, s: 1, min: 60 };
  if (per[unit] === undefined || !(value > 0)) throw new InputError(CLI, flag, expected, describeValue(text));
  return value * per[unit];
}
