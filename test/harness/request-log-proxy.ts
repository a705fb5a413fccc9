import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback HTTP proxy in front of a server that writes down every request it passes on (method,
// path with query, body): what a client really asked, whatever its own counters say.

export interface LoggedRequest {
  method: string;
  /** Path and query, e.g. /ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-… */
  url: string;
  body: string;
  /** From the request's end to the answer's end, as the proxy saw it (the server's time plus queueing). */
  ms: number;
}

export interface RequestLogProxy {
  uri: string;
  readonly requests: LoggedRequest[];
  close(): Promise<void>;
}

export async function startRequestLogProxy(upstreamUri: string): Promise<RequestLogProxy> {
  const upstream = new URL(upstreamUri);
  const requests: LoggedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const logged: LoggedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body: body.toString('utf8'), ms: 0 };
      requests.push(logged);
      const start = performance.now();
      res.on('finish', () => (logged.ms = performance.now() - start));
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
