const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; whole bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Groups digits so raw byte counts stay readable in tooltips. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 run", "3 runs". */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Minutes east of UTC → "UTC", "UTC+01:00", "UTC-03:30". */
export function formatZone(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const abs = Math.abs(offsetMinutes);
  return `UTC${offsetMinutes > 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Epoch ms → "2026-11-22 05:59:51 UTC+01:00": the wall clock `offsetMinutes` east of UTC, with that zone
 * named, so a time read off a screenshot or pasted into a chat means one instant. "—" when unknown.
 */
export function formatTimeAt(ms: number | null, offsetMinutes: number): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  // The UTC fields of the shifted instant are the wall clock in that zone.
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${formatZone(offsetMinutes)}`;
}

/** Epoch ms in this computer's time zone (its offset on that date, so summer and winter times differ): every time the app shows. */
export function formatTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return formatTimeAt(ms, -new Date(ms).getTimezoneOffset());
}

/** Epoch ms → "05:59:51", the local time of day alone, for chart axes whose tooltip gives the full time. */
export function formatClock(ms: number): string {
  return formatTime(ms).slice(11, 19);
}

/** Epoch ms → the same instant as ISO 8601 UTC, for tooltips. */
export function isoTime(ms: number | null): string | undefined {
  return ms === null ? undefined : new Date(ms).toISOString();
}

/** 950 → "950 ms", 61_000 → "1m 01s", 3_725_000 → "1h 02m 05s"; "—" when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s} s`;
}
