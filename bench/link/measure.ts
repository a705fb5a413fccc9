import { readFileSync } from 'node:fs';
import { watchRss } from '../../test/harness/transfer-files.js';

// One timed run of one client: wall seconds, this process's CPU seconds (every thread: the engine's
// hashing threads included), the process's peak RSS while it ran, and the service's CPU seconds.

export interface Run {
  seconds: number;
  cpu: number;
  peakRss: number;
  /** CPU seconds of the service's process (Azurite) during the run, NaN where unknown. */
  serviceCpu: number;
}

export async function timed(work: () => Promise<void>, servicePid?: number): Promise<Run> {
  globalThis.gc?.();
  const rss = watchRss();
  const cpu = process.cpuUsage();
  const service = servicePid === undefined ? Number.NaN : cpuSecondsOf(servicePid);
  const start = performance.now();
  let peakRss = 0;
  try {
    await work();
  } finally {
    peakRss = rss.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const serviceCpu = servicePid === undefined ? Number.NaN : cpuSecondsOf(servicePid) - service;
  return { seconds, cpu: (used.user + used.system) / 1e6, peakRss, serviceCpu };
}

/** /proc counts CPU time in USER_HZ ticks, 100 a second on Linux. */
const CLOCK_TICKS = 100;

/** CPU seconds a process has used so far (Linux /proc), or NaN where that cannot be read. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
