import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { StratusError } from '../../../shared/errors.js';
import { startWorker } from '../../workers/worker-entry.js';
import type { SummaryFilter } from './aggregate.js';
import type { TokenAnswers, TokenReply, TokenRequest } from './protocol.js';

// Token usage of MLflow sqlite stores as the main process asks for it: each call is a message to
// the token worker (cache-worker.ts), which keeps one usage cache per MLflow file under user data.
// The worker is started on first use and referenced only while a request is pending, so an idle
// one keeps neither the CLI nor a test process alive.

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type Op = Exclude<TokenRequest['op'], 'close'>;

/** One cache per MLflow file, named by a digest of its resolved path (no path leaks into names). */
export function usageCacheFile(userDataDir: string, sourceFile: string): string {
  return path.join(userDataDir, 'mlflow-tokens', `${createHash('sha1').update(path.resolve(sourceFile)).digest('hex')}.sqlite`);
}

function toError(error: Extract<TokenReply, { ok: false }>['error']): Error {
  if (error.code) return new StratusError({ code: error.code, message: error.message });
  if (error.name === 'IndexVersionError') {
    return new StratusError({ code: 'CORRUPT_DATA', message: error.message, hint: 'Deleting the file only loses the token usage cache; it is rebuilt from MLflow.' });
  }
  return new StratusError({ code: 'INTERNAL', message: `Computing token usage failed: ${error.message}` });
}

export class TokenAnalytics {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly userDataDir: string) {}

  summary(sourceFile: string, filter: SummaryFilter): Promise<TokenAnswers['summary']> {
    return this.call('summary', sourceFile, { filter });
  }

  /** The per-day-per-model series alone. */
  days(sourceFile: string, filter: SummaryFilter): Promise<TokenAnswers['days']> {
    return this.call('days', sourceFile, { filter });
  }

  sync(sourceFile: string): Promise<TokenAnswers['sync']> {
    return this.call('sync', sourceFile, {});
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.send({ id: this.nextId++, op: 'close' }).catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private call<K extends Op>(op: K, sourceFile: string, extra: object): Promise<TokenAnswers[K]> {
    const request = { id: this.nextId++, op, sourceFile, cacheFile: usageCacheFile(this.userDataDir, sourceFile), ...extra } as TokenRequest;
    return this.send(request) as Promise<TokenAnswers[K]>;
  }

  private start(): Worker {
    const worker = startWorker(import.meta.url, 'cache-worker');
    worker.unref();
    worker.on('message', (reply: TokenReply) => {
      const waiting = this.untrack(reply.id);
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(toError(reply.error));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new StratusError({ code: 'INTERNAL', message: `The token usage thread failed: ${err.message}` })));
    worker.on('exit', (code) => fail(new StratusError({ code: 'INTERNAL', message: `The token usage thread stopped (exit code ${code}).` })));
    return worker;
  }

  private send(request: TokenRequest): Promise<unknown> {
    this.worker ??= this.start();
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  private untrack(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return waiting;
  }
}
