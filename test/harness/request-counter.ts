import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/**
 * Counts the HTTP requests this process sends (after the SDK's retries), and the listings among them,
 * from Node's own `http.client.request.start` channel: what went over the wire, whatever the SDK does.
 */
export class RequestCounter {
  lists = 0;
  total = 0;
  private readonly onRequest = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    this.total++;
    if (new URL(request.path, 'http://host').searchParams.get('comp') === 'list') this.lists++;
  };

  start(): this {
    diagnostics.subscribe('http.client.request.start', this.onRequest);
    return this;
  }

  stop(): void {
    diagnostics.unsubscribe('http.client.request.start', this.onRequest);
  }
}
