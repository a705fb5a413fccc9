// Metaflow's log line format (metaflow/mflog): `[MFLOG|0|<UTC ISO µs>Z|<source>|<uuid>]<text>`.
// A task's stdout (or stderr) may come from two sources, the local runtime (`runtime_*`) and the
// task itself on a remote compute layer (`task_*`), in separate files that Metaflow merges by time.

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  /** 1-based position in the merged log. */
  n: number;
  /** ISO-8601 UTC timestamp, or null for a line written without the mflog prefix. */
  time: string | null;
  /** 'runtime', 'task', or the file's kind for unstructured lines. */
  source: string;
  text: string;
}

const PREFIX = /^\[MFLOG\|0\|([^|\]]+)\|([^|\]]+)\|[^\]]*\](.*)$/;

interface ParsedLine {
  time: string | null;
  /** Sort key: an unstructured line sorts with the structured line before it in its own file. */
  key: string;
  source: string;
  text: string;
  order: number;
}

function parseFile(text: string, fallbackSource: string, order: number): ParsedLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let lastKey = '';
  return lines.map((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const match = PREFIX.exec(line);
    if (match) {
      lastKey = match[1];
      return { time: match[1], key: match[1], source: match[2], text: match[3], order: order + i };
    }
    return { time: null, key: lastKey, source: fallbackSource, text: line, order: order + i };
  });
}

/** Merges the files of one stream by timestamp, keeping each file's own order for equal times. */
export function mergeLogs(files: { source: string; text: string }[]): LogLine[] {
  const parsed = files.flatMap((file, f) => parseFile(file.text, file.source, f * 1e9));
  // ISO timestamps with a fixed width compare correctly as strings.
  parsed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order));
  return parsed.map((line, i) => ({ n: i + 1, time: line.time, source: line.source, text: line.text }));
}

/** The file names that hold one attempt's stream, newest layout first (`task_*` remote, `runtime_*` local, bare legacy). */
export function logFileNames(attempt: number, stream: LogStream): { source: string; kind: string; name: string }[] {
  return [
    { source: 'task', kind: `task_${stream}.log` },
    { source: 'runtime', kind: `runtime_${stream}.log` },
    { source: 'legacy', kind: `${stream}.log` },
  ].map((f) => ({ ...f, name: `${attempt}.${f.kind}` }));
}

/** Epoch ms of the latest mflog timestamp in the texts, or null when no line carries one. */
export function lastLogTime(texts: string[]): number | null {
  let last: number | null = null;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const match = PREFIX.exec(line);
      // Date.parse keeps the milliseconds of mflog's microsecond times.
      const at = match ? Date.parse(match[1]) : NaN;
      if (!Number.isNaN(at) && (last === null || at > last)) last = at;
    }
  }
  return last;
}
