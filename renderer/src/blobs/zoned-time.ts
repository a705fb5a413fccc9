// Blob times with their time zone spelled out: a property pane is where a user compares a blob's
// time with a run's or a log's, which may be in another zone.

const ZONED = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

export function zonedTime(ms: number | null): string {
  return ms === null ? '—' : ZONED.format(ms);
}

export function utcTime(ms: number | null): string | undefined {
  return ms === null ? undefined : new Date(ms).toISOString();
}
