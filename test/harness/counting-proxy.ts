import net from 'node:net';

// A loopback TCP proxy in front of Azurite that counts the bytes the service sends back (bodies
// and headers): what a client really downloaded, whatever its SDK or our store code say.

export interface CountingProxy {
  /** The upstream endpoint with the proxy's host and port. */
  endpoint: string;
  /** Bytes received from the service so far. */
  readonly received: number;
  close(): Promise<void>;
}

export async function startCountingProxy(upstreamEndpoint: string): Promise<CountingProxy> {
  const upstream = new URL(upstreamEndpoint);
  const sockets = new Set<net.Socket>();
  let received = 0;
  const server = net.createServer((client) => {
    const service = net.connect(Number(upstream.port), upstream.hostname);
    const close = () => {
      client.destroy();
      service.destroy();
    };
    for (const socket of [client, service]) {
      sockets.add(socket);
      socket.on('error', close).on('close', () => {
        sockets.delete(socket);
        close();
      });
    }
    service.on('data', (chunk: Buffer) => (received += chunk.length));
    client.pipe(service);
    service.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}${upstream.pathname}`,
    get received() {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
