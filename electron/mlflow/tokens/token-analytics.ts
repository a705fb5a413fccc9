import { createHash } from 'node:crypto';
import path from 'node:path';
import { StratusError } from '../../../shared/errors.js';
import { startWorker } from '../../core/workers/worker-entry.js';
import { LazyWorkerRpc } from '../../core/workers/lazy-worker-rpc.js';
import type { SummaryFilter } from './aggregate.js';
import type { TokenAnswers, TokenReply, TokenRequest } from './protocol.js';

// Token usage of MLflow sqlite stores as the main process asks for it: each call is a message to
// the token worker (cache-worker.ts), which keeps one usage cache per MLflow file under user data.
// The worker is started on first use, and again after it died (electron/core/workers/lazy-worker-rpc.ts).

type TokenError = Extract<TokenReply, { ok: false }>['error'];
type Op = Exclude<TokenRequest['op'], 'close'>;

/** One cache per MLflow file, named by a digest of its resolved path (no path leaks into names). */
export function usageCacheFile(userDataDir: string, sourceFile: string): string {
  return path.join(userDataDir, 'mlflow-tokens', `${createHash('sha1').update(path.resolve(sourceFile)).digest('hex')}.sqlite`);
}

function toError(error: TokenError): Error {
  if (error.code) return new StratusError({ code: error.code, message: error.message });
  if (error.name === 'SchemaVersionError') {
    return new StratusError({ code: 'CORRUPT_DATA', message: error.message, hint: 'Deleting the file only loses the token usage cache; it is rebuilt from MLflow.' });
  }
  return new StratusError({ code: 'INTERNAL', message: `Computing token usage failed: ${error.message}` });
}

export class TokenAnalytics {
  private readonly rpc = new LazyWorkerRpc<TokenError>(() => startWorker(import.meta.url, 'cache-worker'), {
    rebuild: toError,
    died: (cause) =>
      new StratusError({
        code: 'INTERNAL',
        message: 'error' in cause ? `The token usage thread failed: ${cause.error.message}` : `The token usage thread stopped (exit code ${cause.exitCode}).`,
      }),
  });

  constructor(private readonly userDataDir: string) {}

  summary(sourceFile: string, filter: SummaryFilter): Promise<TokenAnswers['summary']> {
    return this.call('summary', sourceFile, { filter });
  }

  /** The per-day-per-model series alone. */
  days(sourceFile: string, filter: SummaryFilter): Promise<TokenAnswers['days']> {
    return this.call('days', sourceFile, { filter });
  }

  /** Latency and errors: every span's timing is read, so it is asked for apart from the summary. */
  latency(sourceFile: string, filter: SummaryFilter): Promise<TokenAnswers['latency']> {
    return this.call('latency', sourceFile, { filter });
  }

  sync(sourceFile: string): Promise<TokenAnswers['sync']> {
    return this.call('sync', sourceFile, {});
  }

  async close(): Promise<void> {
    await this.rpc.close(new StratusError({ code: 'INTERNAL', message: 'The token usage thread is closed.' }), (id) => ({ id, op: 'close' }) satisfies TokenRequest);
  }

  private call<K extends Op>(op: K, sourceFile: string, extra: object): Promise<TokenAnswers[K]> {
    const cacheFile = usageCacheFile(this.userDataDir, sourceFile);
    return this.rpc.request((id) => ({ id, op, sourceFile, cacheFile, ...extra }) as TokenRequest) as Promise<TokenAnswers[K]>;
  }
}
