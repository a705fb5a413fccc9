import { echoServer, measureRtts, Meter, moveData, rateServer } from '../../test/harness/link-sim/probes.js';
import { startLinkProcess } from '../../test/harness/link-sim/process.js';
import { PROFILES, type ProfileName } from '../../test/harness/link-sim/profiles.js';
import type { Report } from '../report.js';
import { cpuSecondsOf } from './measure.js';

// The link simulator's own figures, with the proxy in a process of its own as the transfer bench
// runs it: what it carries with no limits (it must stay far above the profiles), and for each
// profile the round trip it adds and the rate it lets through all connections together.

const MB = 1e6;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

async function carry(profile: ProfileName, connections: number, bytesEach: number): Promise<{ seconds: number; rate: number; cpuPerGiB: number }> {
  const meter = new Meter();
  const server = await rateServer(meter);
  const link = await startLinkProcess({ host: '127.0.0.1', port: server.port }, profile);
  try {
    const cpu = cpuSecondsOf(link.pid);
    const start = performance.now();
    await moveData(link.port, { connections, bytes: bytesEach, direction: 'up', meter });
    const seconds = (performance.now() - start) / 1000;
    return { seconds, rate: meter.rate, cpuPerGiB: (cpuSecondsOf(link.pid) - cpu) / ((connections * bytesEach) / GiB) };
  } finally {
    await link.stop();
    await server.close();
  }
}

export async function simulatorFigures(report: Report, profiles: readonly ProfileName[]): Promise<void> {
  const free = await carry('unlimited', 8, 128 * MiB);
  report({ name: `link simulator with no limits, 1 GiB over 8 connections (${(free.rate / MiB).toFixed(0)} MiB/s)`, value: free.seconds, unit: 's', baseline: { name: 'the lan profile’s cap', value: (1024 * MiB) / PROFILES.lan.total } });
  for (const name of profiles) {
    const profile = PROFILES[name];
    const echo = await echoServer();
    const base = await startLinkProcess({ host: '127.0.0.1', port: echo.port }, 'unlimited');
    const link = await startLinkProcess({ host: '127.0.0.1', port: echo.port }, name);
    const [rtt, baseRtt] = await measureRtts([link.port, base.port], 40);
    await Promise.all([link.stop(), base.stop(), echo.close()]);
    report({ name: `${name} link, added round trip (median of 40, less the unlimited proxy’s ${baseRtt.toFixed(2)} ms)`, value: Number((rtt - baseRtt).toFixed(2)), unit: 'ms', baseline: { name: 'profile', value: profile.rttMs } });
    const connections = Math.max(2, Math.ceil((2 * profile.total) / profile.perConnection));
    const bytesEach = Math.round((profile.total * 2) / connections);
    const measured = await carry(name, connections, bytesEach);
    report({ name: `${name} link, measured rate over ${connections} connections`, value: Number((measured.rate / MB).toFixed(1)), unit: 'MB/s', baseline: { name: 'profile’s total cap', value: profile.total / MB } });
    // CPU the simulator takes from the service and the clients it carries: less is better.
    report({ name: `${name} link, the simulator's CPU per GiB carried`, value: Number(measured.cpuPerGiB.toFixed(2)), unit: 's', baseline: { name: 'with no limits', value: Number(free.cpuPerGiB.toFixed(2)) } });
  }
}
