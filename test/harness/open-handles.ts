import { readdirSync, readlinkSync } from 'node:fs';

// What a process still holds open, for lifetime tests: worker threads (an idle worker is unref'd,
// so getActiveResourcesInfo misses it; the diagnostic report lists every one), resources keeping
// the event loop alive, and files open under a folder.

export function workerThreads(): number {
  return (process.report.getReport() as { workers: unknown[] }).workers.length;
}

/** Active resources by type, e.g. { Timeout: 2, TCPSocketWrap: 1 }. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Files this process has open under `folder` (Linux /proc; elsewhere none are seen). */
export function openFilesUnder(folder: string): string[] {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  return fds.flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(folder) ? [target] : [];
    } catch {
      return [];
    }
  });
}
