import net from 'node:net';
import { Direction } from './direction.js';
import type { LinkProfile } from './profiles.js';
import { SerialLink } from './serial-link.js';

// A loopback TCP proxy that puts a simulated network link in front of a service (Azurite in the
// tests and the bench): the profile's round trip (each direction delayed by half), its cap per
// connection and its cap for all connections together, and a small jitter. A new connection's first
// bytes wait one round trip, as they would for TCP's handshake. Half closes pass through; an error
// on either side resets both.

export interface LinkProxy {
  host: string;
  port: number;
  profile: LinkProfile;
  /** Bytes carried towards the service and back. */
  readonly carried: { up: number; down: number };
  readonly connections: number;
  /** `endpoint` (http://host:port/path) with the proxy's host and port. */
  through(endpoint: string): string;
  close(): Promise<void>;
}

export async function startLinkProxy(upstream: { host: string; port: number }, profile: LinkProfile): Promise<LinkProxy> {
  const up = new SerialLink(profile.total);
  const down = new SerialLink(profile.total);
  const carried = { up: 0, down: 0 };
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const oneWayMs = profile.rttMs / 2;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    connections++;
    const service = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
    const acceptedAt = performance.now();
    const reset = () => {
      client.destroy();
      service.destroy();
    };
    const toService = new Direction(client, service, { connection: new SerialLink(profile.perConnection), bytesPerSecond: profile.perConnection, total: up, oneWayMs, jitterMs: profile.jitterMs, notBefore: acceptedAt + profile.rttMs, carried: (n) => (carried.up += n) });
    const toClient = new Direction(service, client, { connection: new SerialLink(profile.perConnection), bytesPerSecond: profile.perConnection, total: down, oneWayMs, jitterMs: profile.jitterMs, notBefore: 0, carried: (n) => (carried.down += n) });
    for (const [socket, reading] of [[client, toService], [service, toClient]] as const) {
      sockets.add(socket);
      socket.on('error', reset);
      // Closed without its end having passed (destroyed, reset): the other side goes too.
      socket.on('close', () => {
        sockets.delete(socket);
        if (!reading.ended) reset();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    profile,
    carried,
    get connections() {
      return connections;
    },
    through(endpoint) {
      const url = new URL(endpoint);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString().replace(/\/$/, '');
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
