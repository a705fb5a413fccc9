import { asBytes, asInt, asObject, asStr, qualified } from './access.js';
import type { PreviewValue } from '../../../shared/preview-types.js';
import type { PyObject, PyValue } from './value.js';

// datetime, date, time and timedelta from their pickled state (CPython's _datetimemodule packs
// the fields into 4/6/10 bytes), and the tzinfo objects that come with them: datetime.timezone,
// pytz, zoneinfo and dateutil. Also epoch-based instants (pandas Timestamp, numpy datetime64).

interface Tz {
  name: string | null;
  /** Seconds east of UTC, when the tzinfo has a fixed offset. */
  offset: number | null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function isoTime(hour: number, minute: number, second: number, micro: number): string {
  return `${pad(hour)}:${pad(minute)}:${pad(second)}${micro ? `.${pad(micro, 6)}` : ''}`;
}

/** Python's utcoffset spelling: +HH:MM, with :SS only when needed. */
function isoOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hms = `${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}`;
  return `${sign}${hms}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

function timedeltaSeconds(v: PyValue | undefined): number | undefined {
  const td = asObject(v, 'datetime.timedelta');
  if (td === undefined) return undefined;
  const [days, seconds, micro] = td.args.map(asInt);
  return (days ?? 0) * 86400 + (seconds ?? 0) + (micro ?? 0) / 1e6;
}

function readTz(v: PyValue | undefined): Tz | null {
  if (v === undefined || v.kind === 'none') return null;
  const obj = asObject(v);
  if (obj === undefined) return { name: v.kind, offset: null };
  const [first, second] = obj.args;
  switch (qualified(obj)) {
    case 'datetime.timezone': {
      const offset = timedeltaSeconds(first) ?? null;
      const named = asStr(second);
      if (named !== undefined) return { name: named, offset };
      return { name: offset === 0 ? 'UTC' : offset === null ? null : `UTC${isoOffset(offset)}`, offset };
    }
    case 'pytz._UTC':
    case 'dateutil.tz.tz.tzutc':
      return { name: 'UTC', offset: 0 };
    case 'pytz._p':
      // (zone, utcoffset seconds, dst seconds, tzname) for DST zones; (zone,) for static ones.
      return { name: asStr(first) ?? null, offset: asInt(second) ?? null };
    case 'zoneinfo.ZoneInfo._unpickle':
    case 'zoneinfo._zoneinfo.ZoneInfo._unpickle':
    case 'backports.zoneinfo.ZoneInfo._unpickle':
      return { name: asStr(first) ?? null, offset: null };
    case 'dateutil.tz.tz.tzoffset':
      return { name: asStr(first) ?? null, offset: asInt(second) ?? null };
    default:
      return { name: qualified(obj), offset: null };
  }
}

function withTz(iso: string, tz: Tz | null): { iso: string; tz: string | null } {
  return { iso: tz?.offset === null || tz === null ? iso : iso + isoOffset(tz.offset), tz: tz?.name ?? null };
}

/** The fields as packed bytes (what pickles hold), or as ints (the constructor's signature). */
function fields(obj: PyObject, packedLength: number): { bytes?: Buffer; ints?: number[] } | undefined {
  const bytes = asBytes(obj.args[0]);
  if (bytes?.length === packedLength) return { bytes };
  const ints = obj.args.map(asInt);
  if (ints.length > 0 && ints.every((n) => n !== undefined)) return { ints: ints as number[] };
  return undefined;
}

export function interpretDate(obj: PyObject): PreviewValue | undefined {
  const f = fields(obj, 4);
  if (f?.bytes) return { kind: 'date', iso: isoDate(f.bytes.readUInt16BE(0), f.bytes[2], f.bytes[3]) };
  if (f?.ints && f.ints.length === 3) return { kind: 'date', iso: isoDate(f.ints[0], f.ints[1], f.ints[2]) };
  return undefined;
}

export function interpretDatetime(obj: PyObject): PreviewValue | undefined {
  const f = fields(obj, 10);
  if (f?.bytes) {
    const b = f.bytes;
    // The month byte's high bit is PEP 495's `fold`, which isoformat does not show.
    const date = isoDate(b.readUInt16BE(0), b[2] & 0x7f, b[3]);
    const time = isoTime(b[4], b[5], b[6], b.readUIntBE(7, 3));
    return { kind: 'datetime', ...withTz(`${date}T${time}`, readTz(obj.args[1])) };
  }
  if (f?.ints && f.ints.length >= 3) {
    const [y, mo, d, h = 0, mi = 0, s = 0, us = 0] = f.ints;
    return { kind: 'datetime', iso: `${isoDate(y, mo, d)}T${isoTime(h, mi, s, us)}`, tz: null };
  }
  return undefined;
}

export function interpretTime(obj: PyObject): PreviewValue | undefined {
  const f = fields(obj, 6);
  if (f?.bytes === undefined) return undefined;
  const b = f.bytes;
  return { kind: 'time', ...withTz(isoTime(b[0] & 0x7f, b[1], b[2], b.readUIntBE(3, 3)), readTz(obj.args[1])) };
}

/** Normalised like Python's timedelta: 0 <= seconds < 86400, 0 <= microseconds < 1e6. */
export function timedeltaFromMicros(total: bigint): PreviewValue {
  const dayMicro = 86_400_000_000n;
  const d = total >= 0n ? total / dayMicro : -((-total + dayMicro - 1n) / dayMicro);
  const rest = total - d * dayMicro;
  const s = Number(rest / 1_000_000n);
  const us = Number(rest % 1_000_000n);
  const days = Number(d);
  const clock = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${us ? `.${pad(us, 6)}` : ''}`;
  const text = days === 0 ? clock : `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}`;
  return { kind: 'timedelta', days, seconds: s, microseconds: us, text };
}

export function interpretTimedelta(obj: PyObject): PreviewValue | undefined {
  const parts = obj.args.map(asInt);
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const [days = 0, seconds = 0, micro = 0] = parts as number[];
  return timedeltaFromMicros((BigInt(days) * 86400n + BigInt(seconds)) * 1_000_000n + BigInt(micro));
}

// A Map: the unit comes from the pickle, and may name an Object.prototype member.
const UNIT_NANOS = new Map<string, bigint>([
  ['D', 86_400_000_000_000n], ['h', 3_600_000_000_000n], ['m', 60_000_000_000n], ['s', 1_000_000_000n],
  ['ms', 1_000_000n], ['us', 1_000n], ['ns', 1n],
]);

export function unitNanos(unit: string): bigint | undefined {
  return UNIT_NANOS.get(unit);
}

/** The range of JS Date, in ms either side of the epoch. */
const MAX_DATE_MS = 8_640_000_000_000_000n;

/**
 * An instant counted in nanoseconds since the Unix epoch, as ISO 8601 (local to `offset` if
 * given); undefined beyond the years JS dates reach (about ±270,000).
 */
export function isoFromEpochNanos(nanos: bigint, offset: number | null = null): string | undefined {
  const shifted = nanos + BigInt(offset ?? 0) * 1_000_000_000n;
  const ms = shifted >= 0n ? shifted / 1_000_000n : -((-shifted + 999_999n) / 1_000_000n);
  if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) return undefined;
  const subMs = Number(shifted - ms * 1_000_000n);
  // [+-YY]YYYY-MM-DDTHH:MM:SS.mmmZ: the tail has a fixed width, the year does not.
  const base = new Date(Number(ms)).toISOString();
  let fraction = `${base.slice(-4, -1)}${pad(subMs, 6)}`.replace(/(000)+$/, '');
  if (fraction !== '') fraction = `.${fraction}`;
  return `${base.slice(0, -5)}${fraction}${offset === null ? '' : isoOffset(offset)}`;
}

/** pandas Timestamp: `_unpickle_timestamp(value, freq, tz[, reso])`; value counts `reso` units. */
export function interpretTimestamp(obj: PyObject): PreviewValue | undefined {
  const [value, , tzValue, reso] = obj.args;
  const raw = value?.kind === 'int' ? BigInt(value.value) : undefined;
  if (raw === undefined) return undefined;
  // numpy's NPY_DATETIMEUNIT codes, which pandas 2 passes as reso: 7=s, 8=ms, 9=us, 10=ns.
  const perUnit = { 7: 1_000_000_000n, 8: 1_000_000n, 9: 1_000n, 10: 1n }[asInt(reso) ?? 10] ?? 1n;
  const tz = readTz(tzValue);
  // A zone without a fixed offset: show the UTC instant, marked as such.
  const iso = isoFromEpochNanos(raw * perUnit, tz === null ? null : (tz.offset ?? 0));
  return iso === undefined ? undefined : { kind: 'datetime', iso, tz: tz?.name ?? null };
}
