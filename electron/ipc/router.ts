import type { z } from 'zod';
import { contract, isChannel, type Channel, type Reply, type ResultOf } from '../../shared/contract.js';
import { StratusError, type StratusErrorShape } from '../../shared/errors.js';
import { redactShape } from '../security/redact.js';

// The single entry point for every call from a window, a browser tab or the CLI: the channel
// must be declared, the arguments must parse with its schema before any handler runs, and the
// result must parse too. Every failure becomes a typed {code, message, hint?, detail?}.

export type Handlers = {
  [C in Channel]: (args: z.infer<(typeof contract)[C]['args']>) => Promise<ResultOf<C>>;
};

/** The handlers of one domain's channels (see shared/channels/). */
export type HandlersFor<K extends Channel> = Pick<Handlers, K>;

const MAX_ISSUES = 5;

/** The error as it may leave main: texts quoting a server or a request are scrubbed of credentials. */
export function toErrorShape(err: unknown, secrets: readonly string[] = []): StratusErrorShape {
  if (err instanceof StratusError) return redactShape(err.toShape(), secrets);
  return redactShape(
    {
      code: 'INTERNAL',
      message: 'Something went wrong inside Stratus.',
      detail: err instanceof Error ? err.message : String(err),
    },
    secrets,
  );
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, MAX_ISSUES)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
    .slice(0, 2000);
}

/** Arguments arrive as JSON or structured clones: plain objects only, never a Date, Map or class instance. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export interface Router {
  dispatch(channel: unknown, args: unknown): Promise<Reply<Channel>>;
}

/** `secrets`: values known to be secret (the environment's), cut out of every error text too. */
export function createRouter(handlers: Handlers, secrets: readonly string[] = []): Router {
  return {
    async dispatch(channel, args) {
      if (!isChannel(channel)) {
        const name = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 100)) : `of type ${typeof channel}`;
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel ${name}.` } };
      }
      if (!isPlainObject(args)) {
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `Invalid arguments for ${channel}: expected an object.` } };
      }
      const spec = contract[channel];
      const parsed = spec.args.safeParse(args);
      if (!parsed.success) {
        return {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: `Invalid arguments for ${channel}: ${describeIssues(parsed.error)}` },
        };
      }
      try {
        const handler = handlers[channel] as (a: unknown) => Promise<unknown>;
        const result = spec.result.safeParse(await handler(parsed.data));
        if (!result.success) {
          return {
            ok: false,
            error: { code: 'INTERNAL', message: `${channel} produced a malformed result.`, detail: describeIssues(result.error) },
          };
        }
        return { ok: true, value: result.data } as Reply<Channel>;
      } catch (err) {
        return { ok: false, error: toErrorShape(err, secrets) };
      }
    },
  };
}
