import { CAS_FOLDER, METADATA_FOLDER } from './layout.js';

// The runs on screen are listed together: one flat listing of the longest prefix their ids share (the local
// runtime names runs by their start, so rows next to each other share most digits), rather than one listing per run.
// On a long link that is one request instead of a screen's; and a service whose listing cost grows with the
// container (Azurite scans every blob of it per listing) answers one listing, not a screen's worth.

/** A shared listing may take in this many times the runs asked for (runs in between, listed for nothing). */
const MAX_COVER_RATIO = 2;
/** A prefix may always take in this many runs, whatever the ratio. */
const MIN_COVER = 8;

export interface RunGroup {
  /** The ids' common start: the listing is of `<flow>/<prefix>`. */
  prefix: string;
  ids: string[];
}

function commonStart(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/**
 * Groups of the runs `asked` (two or more each) whose shared prefix names few runs besides them among all the flow's
 * runs (`listed`), and none of the flow's other folders (its content store, its metadata). Runs in no group are left out.
 */
export function groupRuns(asked: readonly string[], listed: readonly string[]): RunGroup[] {
  const covered = (prefix: string) => listed.filter((id) => id.startsWith(prefix)).length;
  const allowed = (prefix: string, size: number) =>
    prefix !== '' && !CAS_FOLDER.startsWith(prefix) && !METADATA_FOLDER.startsWith(prefix) && covered(prefix) <= Math.max(MIN_COVER, size * MAX_COVER_RATIO);
  const groups: RunGroup[] = [];
  // The ids' shared prefix when it names few enough runs; else the same for each set of ids its next character parts.
  const split = (part: string[]) => {
    if (part.length < 2) return;
    const prefix = part.reduce(commonStart);
    if (allowed(prefix, part.length)) {
      groups.push({ prefix, ids: part });
      return;
    }
    const byNext = new Map<string, string[]>();
    for (const id of part) {
      const key = id.slice(0, prefix.length + 1);
      byNext.set(key, [...(byNext.get(key) ?? []), id]);
    }
    for (const next of byNext.values()) split(next);
  };
  split([...new Set(asked)].sort());
  return groups;
}
