import { readFileSync } from 'node:fs';
import { watchRss } from '../../test/harness/transfer-files.js';

// One timed run of one client: wall seconds, this process's CPU seconds (every thread: the engine's
// hashing threads included), the process's RSS before and at its peak, the service's and the link
// simulator's CPU seconds, and how busy the machine's cores were (everyone's work, other sessions'
// too): when they were busy all along, the CPU and not the link bounded the run.

export interface Run {
  seconds: number;
  cpu: number;
  peakRss: number;
  /** RSS when the run started, after a collection where the bench runs with --expose-gc: what earlier clients left. */
  startRss: number;
  /** CPU seconds of the service's process (Azurite) during the run, NaN where unknown. */
  serviceCpu: number;
  /** CPU seconds of the link simulator's process during the run, NaN where unknown. */
  linkCpu: number;
  /** Share of the machine's CPU time that was busy during the run (0–1), NaN where unknown. */
  machineBusy: number;
}

export async function timed(work: () => Promise<void>, servicePid?: number, linkPid?: number): Promise<Run> {
  globalThis.gc?.();
  const startRss = process.memoryUsage.rss();
  const rss = watchRss();
  const cpu = process.cpuUsage();
  const service = servicePid === undefined ? Number.NaN : cpuSecondsOf(servicePid);
  const link = linkPid === undefined ? Number.NaN : cpuSecondsOf(linkPid);
  const machine = machineTicks();
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
  const linkCpu = linkPid === undefined ? Number.NaN : cpuSecondsOf(linkPid) - link;
  const after = machineTicks();
  const machineBusy = (after.busy - machine.busy) / (after.total - machine.total);
  return { seconds, cpu: (used.user + used.system) / 1e6, peakRss, startRss, serviceCpu, linkCpu, machineBusy };
}

/** The machine's busy and total CPU ticks so far, over every core (Linux /proc/stat; NaN elsewhere). */
function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    // idle and iowait are the time no one could use.
    return { busy: total - cpu[3] - cpu[4], total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
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
