import { randomBytes } from 'node:crypto';
import net from 'node:net';

// Plain-socket measurements of a link (no HTTP, no SDK): round trips of one byte, and the rate at
// which a receiver sees bytes arrive from one or several connections, in either direction.

export interface Server {
  port: number;
  close(): Promise<void>;
}

async function listen(handler: (socket: net.Socket) => void): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).on('error', () => undefined);
    handler(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes what it reads and ends its side when the client ends its own. */
export const echoServer = () => listen((socket) => socket.pipe(socket));

/** Counts arrivals: the rate from the first byte's arrival to the last's, so the round trip does not dilute it. */
export class Meter {
  private first = 0;
  private firstBytes = 0;
  private last = 0;
  total = 0;

  arrived(bytes: number): void {
    const now = performance.now();
    if (this.first === 0) {
      this.first = now;
      this.firstBytes = bytes;
    }
    this.last = now;
    this.total += bytes;
  }

  /** Bytes per second. */
  get rate(): number {
    return ((this.total - this.firstBytes) / (this.last - this.first)) * 1000;
  }
}

/** Counts what clients send (ending its side when they end theirs), or sends each `send` random bytes and ends. */
export function rateServer(meter: Meter, send = 0): Promise<Server> {
  return listen((socket) => {
    socket.on('data', (chunk: Buffer) => meter.arrived(chunk.length));
    socket.on('end', () => socket.end());
    if (send > 0) writeAll(socket, send);
  });
}

function writeAll(socket: net.Socket, bytes: number): void {
  const chunk = randomBytes(64 * 1024);
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once('drain', pump);
    }
    socket.end();
  };
  pump();
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The median of `count` one-byte round trips on one connection to each port (after a first one that
 * opens it), the ports taking turns so that a busy moment on the machine weighs on each alike.
 */
export async function measureRtts(ports: number[], count: number): Promise<number[]> {
  const sockets = await Promise.all(ports.map((port) => connect(port)));
  const ping = (socket: net.Socket) =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      socket.once('data', () => resolve(performance.now() - start));
      socket.write('x');
    });
  const times = sockets.map(() => [] as number[]);
  for (const socket of sockets) await ping(socket);
  for (let i = 0; i < count; i++) for (const [n, socket] of sockets.entries()) times[n].push(await ping(socket));
  for (const socket of sockets) socket.destroy();
  return times.map(median);
}

/**
 * Moves data over `connections` connections at once through `port`: each sends `bytes` up to a
 * rateServer (direction 'up', the server's meter counts), or reads what the server sends (direction
 * 'down', `meter` counts here). Resolves when every connection has ended both ways.
 */
export async function moveData(port: number, options: { connections: number; bytes: number; direction: 'up' | 'down'; meter: Meter }): Promise<void> {
  const sockets = await Promise.all(Array.from({ length: options.connections }, () => connect(port)));
  try {
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve, reject) => {
            socket.on('error', reject).on('end', () => resolve());
            if (options.direction === 'down') socket.on('data', (chunk: Buffer) => options.meter.arrived(chunk.length));
            else {
              socket.resume();
              writeAll(socket, options.bytes);
            }
          }),
      ),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}
