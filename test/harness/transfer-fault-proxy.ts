import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback HTTP proxy in front of Azurite that misbehaves on purpose: some requests get 503 with
// Retry-After, some lose their connection before an answer, some lose it halfway through the
// answer's body, some stall: the connection stays open and silent (an upload's body is read and no
// answer comes; a download gets its headers and part of its body, then nothing). Everything else
// passes through unchanged, or with `trickle`, downloads' bodies slowly in small steady pieces (a
// thin link that still moves).

export interface FaultProxy {
  endpoint: string;
  faults: { throttled: number; dropped: number; cut: number; stalled: number };
  requests: number;
  close(): Promise<void>;
}

/** Every Nth request gets the fault (Infinity or absent: never). */
export interface FaultRates {
  throttle: number;
  drop: number;
  cut: number;
  stall?: number;
  /** Bytes per second for every download's body, sent in 4 KiB pieces; absent: as fast as it comes. */
  trickle?: number;
}

const PIECE = 4096;

/** Sends the answer's body at `rate` bytes per second in small pieces, so it never goes quiet for long. */
function trickle(answer: http.IncomingMessage, res: http.ServerResponse, rate: number): void {
  answer.on('data', (chunk: Buffer) => {
    answer.pause();
    let at = 0;
    const next = () => {
      if (res.destroyed) return answer.destroy();
      if (at >= chunk.length) return answer.resume();
      const piece = chunk.subarray(at, at + PIECE);
      at += piece.length;
      res.write(piece);
      setTimeout(next, (piece.length / rate) * 1000);
    };
    next();
  });
  answer.on('end', () => res.end());
}

export async function startFaultProxy(upstreamEndpoint: string, every: FaultRates): Promise<FaultProxy> {
  const upstream = new URL(upstreamEndpoint);
  const state: FaultProxy = { endpoint: '', faults: { throttled: 0, dropped: 0, cut: 0, stalled: 0 }, requests: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const n = ++state.requests;
    if (n % every.throttle === 0) {
      state.faults.throttled++;
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'retry-after': '0', 'x-ms-error-code': 'ServerBusy', 'content-length': '0' });
        res.end();
      });
      return;
    }
    if (n % every.drop === 0) {
      state.faults.dropped++;
      req.resume();
      req.on('end', () => req.socket.destroy());
      return;
    }
    const stall = every.stall !== undefined && n % every.stall === 0;
    if (stall && req.method !== 'GET') {
      state.faults.stalled++;
      req.resume();
      return;
    }
    const cut = n % every.cut === 0 && req.method === 'GET';
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (stall) {
          answer.once('data', (chunk: Buffer) => {
            state.faults.stalled++;
            res.write(chunk.subarray(0, Math.ceil(chunk.length / 2)));
            answer.destroy();
          });
          return;
        }
        if (cut) {
          answer.once('data', (chunk: Buffer) => {
            state.faults.cut++;
            res.write(chunk.subarray(0, Math.ceil(chunk.length / 2)));
            setImmediate(() => {
              res.socket?.destroy();
              answer.destroy();
            });
          });
          return;
        }
        if (every.trickle && req.method === 'GET') trickle(answer, res, every.trickle);
        else answer.pipe(res);
      },
    );
    forward.on('error', () => res.socket?.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.endpoint = `http://127.0.0.1:${port}${upstream.pathname}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
