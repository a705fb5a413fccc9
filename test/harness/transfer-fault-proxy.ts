import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback HTTP proxy in front of Azurite that misbehaves on purpose: some requests get 503 with
// Retry-After, some lose their connection before an answer, some lose it halfway through the
// answer's body. Everything else passes through unchanged.

export interface FaultProxy {
  endpoint: string;
  faults: { throttled: number; dropped: number; cut: number };
  requests: number;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamEndpoint: string, every: { throttle: number; drop: number; cut: number }): Promise<FaultProxy> {
  const upstream = new URL(upstreamEndpoint);
  const state: FaultProxy = { endpoint: '', faults: { throttled: 0, dropped: 0, cut: 0 }, requests: 0, close: async () => undefined };
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
    const cut = n % every.cut === 0 && req.method === 'GET';
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
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
        answer.pipe(res);
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
