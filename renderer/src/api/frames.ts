import { contract, events, type Channel, type EventName, type Reply } from '../../../shared/contract.js';
import { StratusErrorShape } from '../../../shared/errors.js';

// Parses the JSON text frames the browser-mode host sends. The socket is a trust boundary like
// any other: a frame that does not match the contract becomes an error, never a crash.

export type ServerFrame =
  | { kind: 'reply'; id: number; reply: unknown }
  | { kind: 'event'; event: EventName; payload: unknown }
  | { kind: 'invalid' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(events, value);
}

export function parseServerFrame(text: string): ServerFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { kind: 'invalid' };
  }
  if (!isRecord(frame)) return { kind: 'invalid' };
  if (typeof frame.id === 'number' && 'reply' in frame) return { kind: 'reply', id: frame.id, reply: frame.reply };
  if (isEventName(frame.event)) return { kind: 'event', event: frame.event, payload: frame.payload };
  return { kind: 'invalid' };
}

/** Checks a raw reply against the channel's declared result, so callers get the contract's types. */
export function checkReply<C extends Channel>(channel: C, raw: unknown): Reply<C> {
  if (isRecord(raw) && raw.ok === false) {
    const error = StratusErrorShape.safeParse(raw.error);
    if (error.success) return { ok: false, error: error.data };
  }
  if (isRecord(raw) && raw.ok === true) {
    const value = contract[channel].result.safeParse(raw.value);
    // TypeScript cannot narrow contract[channel] by a generic C; the parse above is the check.
    if (value.success) return { ok: true, value: value.data } as Reply<C>;
  }
  return {
    ok: false,
    error: { code: 'INTERNAL', message: `The Stratus host sent a malformed reply to ${channel}.` },
  };
}
