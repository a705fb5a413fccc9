import type { LogResult } from '../../../../shared/contract.js';

export type LogLine = LogResult['lines'][number];

/** Indexes of the lines that contain `query` (case-insensitive); none for an empty query. */
export function findMatches(lines: LogLine[], query: string): number[] {
  const q = query.toLowerCase();
  if (q === '') return [];
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].text.toLowerCase().includes(q)) out.push(i);
  return out;
}

export interface Segment {
  text: string;
  match: boolean;
}

/** `text` cut into runs that do and do not match `query`, for highlighting. */
export function splitMatches(text: string, query: string): Segment[] {
  if (query === '') return [{ text, match: false }];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const out: Segment[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, i + q.length)) {
    if (i > at) out.push({ text: text.slice(at, i), match: false });
    out.push({ text: text.slice(i, i + q.length), match: true });
    at = i + q.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}

/** "2026-11-22T05:59:51.807110Z" → "05:59:51.807" in local time; the raw text when it is not a time. */
export function logTime(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
