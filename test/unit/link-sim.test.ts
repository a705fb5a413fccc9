import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, echoServer, measureRtts, Meter, moveData, rateServer, type Server } from '../harness/link-sim/probes.js';
import { PROFILES, scaled, type LinkProfile } from '../harness/link-sim/profiles.js';
import { startLinkProxy, type LinkProxy } from '../harness/link-sim/proxy.js';

// The link simulator imposes what its profiles say, measured with plain sockets through it: the
// round trip it adds and the rates per connection and for all connections together, each within 10%. The
// lan and office caps are checked scaled down to a tenth and a quarter (the same code with fewer bytes: the
// sender, the proxy and the receiver share this process's one thread); the bench measures the real
// figures with the proxy in a process of its own. Bytes keep their order, half
// closes pass through, and a reset on one side reaches the other. The timed checks are retried: on
// a machine with more runnable work than cores a timer can fire tens of milliseconds late.

const MB = 1e6;
let servers: Server[] = [];
let proxies: LinkProxy[] = [];

afterEach(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(servers.map((s) => s.close()));
  proxies = [];
  servers = [];
});

async function through(server: Promise<Server>, profile: LinkProfile): Promise<LinkProxy> {
  const upstream = await server;
  servers.push(upstream);
  const proxy = await startLinkProxy({ host: '127.0.0.1', port: upstream.port }, profile);
  proxies.push(proxy);
  return proxy;
}

/** Enough bytes for about `seconds` at `rate`. */
const bytesFor = (rate: number, seconds: number, connections = 1) => Math.round((rate * seconds) / connections);

describe.each([
  { profile: PROFILES.lan, rates: scaled(PROFILES.lan, 0.1) },
  { profile: PROFILES.office, rates: scaled(PROFILES.office, 0.25) },
  { profile: PROFILES.home, rates: PROFILES.home },
])('the $profile.name link', { retry: 2 }, ({ profile, rates }) => {
  it(`adds a round trip of ${profile.rttMs} ms (±10%)`, async () => {
    // What the loopback and the proxy's own hops cost is measured through an unlimited proxy and taken off.
    const base = await through(echoServer(), PROFILES.unlimited);
    const link = await through(echoServer(), profile);
    const [rtt, baseRtt] = await measureRtts([link.port, base.port], 40);
    expect(rtt - baseRtt).toBeGreaterThan(profile.rttMs * 0.9);
    expect(rtt - baseRtt).toBeLessThan(profile.rttMs * 1.1);
  });

  it(`carries ${rates.perConnection / MB} MB/s on one connection, both ways (±10%)`, async () => {
    const upMeter = new Meter();
    const up = await through(rateServer(upMeter), rates);
    await moveData(up.port, { connections: 1, bytes: bytesFor(rates.perConnection, 0.6), direction: 'up', meter: upMeter });
    const downMeter = new Meter();
    const down = await through(rateServer(new Meter(), bytesFor(rates.perConnection, 0.6)), rates);
    await moveData(down.port, { connections: 1, bytes: 0, direction: 'down', meter: downMeter });
    for (const rate of [upMeter.rate, downMeter.rate]) {
      expect(rate).toBeGreaterThan(rates.perConnection * 0.9);
      expect(rate).toBeLessThan(rates.perConnection * 1.1);
    }
  });

  it(`carries ${rates.total / MB} MB/s over connections together (±10%)`, async () => {
    // Enough connections that their own caps add up to twice the total.
    const connections = Math.max(2, Math.ceil((2 * rates.total) / rates.perConnection));
    const meter = new Meter();
    const proxy = await through(rateServer(meter), rates);
    await moveData(proxy.port, { connections, bytes: bytesFor(rates.total, 0.8, connections), direction: 'up', meter });
    expect(meter.rate).toBeGreaterThan(rates.total * 0.9);
    expect(meter.rate).toBeLessThan(rates.total * 1.1);
  });
});

describe('the link simulator', () => {
  it('keeps each direction in order and passes a half close through', async () => {
    const proxy = await through(echoServer(), scaled(PROFILES.office, 4));
    const sent = randomBytes(3 * 1024 * 1024 + 17);
    const socket = await connect(proxy.port);
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      socket.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve()).on('error', reject);
    });
    // Written in uneven pieces, then only our side is closed: the echo still comes back whole and ends.
    for (let at = 0; at < sent.length; at += 70_001) socket.write(sent.subarray(at, at + 70_001));
    socket.end();
    await ended;
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
  });

  it('resets the client when the service resets the connection', async () => {
    const proxy = await through(echoServerThatResets(), PROFILES.office);
    const socket = await connect(proxy.port);
    const closed = new Promise<boolean>((resolve) => socket.on('end', () => resolve(true)).on('close', () => resolve(true)).on('error', () => undefined));
    socket.write('hello');
    expect(await closed).toBe(true);
  });

  it('closes the client at once when the service cannot be reached', async () => {
    const unused = await freePort();
    const proxy = await startLinkProxy({ host: '127.0.0.1', port: unused }, PROFILES.home);
    proxies.push(proxy);
    const socket = await connect(proxy.port);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c)).on('error', () => undefined);
    await new Promise<void>((resolve) => socket.on('end', () => resolve()).on('close', () => resolve()));
    expect(received).toEqual([]);
  });
});

/** A service that resets each connection as soon as it reads something. */
async function echoServerThatResets(): Promise<Server> {
  const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
