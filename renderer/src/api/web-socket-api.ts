import type { ArgsOf, Channel, EventName, EventPayload, Reply, StratusApi } from '../../../shared/contract.js';
import { events } from '../../../shared/contract.js';
import { MAX_MESSAGE_BYTES, messageTooLarge, utf8Bytes } from '../../../shared/message-size.js';
import { checkReply, parseServerFrame } from './frames.js';

// Browser mode: the same StratusApi as Electron's preload, carried over one WebSocket to the
// host that served the page. The socket opens on first use and reopens after a loss, so a
// restarted host is reachable again from the next call (or a Retry) without reloading.

interface Pending {
  channel: Channel;
  resolve: (reply: Reply<Channel>) => void;
}

type Listener = (payload: unknown) => void;

const LOST_CONNECTION: Reply<Channel> = {
  ok: false,
  error: {
    code: 'UNREACHABLE',
    message: 'Lost connection to the Stratus host…',
    hint: 'Check that the Stratus process that printed this page’s address is still running.',
  },
};

/** Close code of a message over the host's limit (RFC 6455 1009). */
const MESSAGE_TOO_BIG = 1009;

export function createWebSocketApi(url: string): StratusApi {
  let socket: WebSocket | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<Listener>>();

  function onMessage(message: MessageEvent) {
    if (typeof message.data !== 'string') return;
    const frame = parseServerFrame(message.data);
    if (frame.kind === 'reply') {
      const call = pending.get(frame.id);
      if (call === undefined) return;
      pending.delete(frame.id);
      call.resolve(checkReply(call.channel, frame.reply));
    } else if (frame.kind === 'event') {
      const payload = events[frame.event].safeParse(frame.payload);
      if (!payload.success) return;
      for (const listener of listeners.get(frame.event) ?? []) listener(payload.data);
    }
  }

  function onClose(this: WebSocket, event: CloseEvent) {
    if (socket === this) socket = undefined;
    for (const call of pending.values()) call.resolve(event.code === MESSAGE_TOO_BIG ? { ok: false, error: messageTooLarge(call.channel) } : LOST_CONNECTION);
    pending.clear();
  }

  function open(): WebSocket {
    if (socket !== undefined) return socket;
    const created = new WebSocket(url);
    created.addEventListener('message', onMessage);
    created.addEventListener('close', onClose);
    socket = created;
    return created;
  }

  function send(ws: WebSocket, text: string) {
    if (ws.readyState === WebSocket.OPEN) ws.send(text);
    else ws.addEventListener('open', () => ws.send(text), { once: true });
  }

  return {
    invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<Reply<C>> {
      const id = nextId++;
      const text = JSON.stringify({ id, channel, args });
      // The host would close the socket, failing every other call in flight with this one.
      const bytes = utf8Bytes(text);
      if (bytes > MAX_MESSAGE_BYTES) return Promise.resolve({ ok: false, error: messageTooLarge(channel, bytes) });
      return new Promise<Reply<C>>((resolve) => {
        // checkReply(channel, …) has already narrowed the reply to this channel's result.
        pending.set(id, { channel, resolve: resolve as (reply: Reply<Channel>) => void });
        send(open(), text);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      // Payloads are parsed with events[event] before any listener sees them.
      const untyped = listener as Listener;
      set.add(untyped);
      open();
      return () => set.delete(untyped);
    },
    host: { kind: 'browser' },
  };
}

/** The host's socket address for this page: `ws` beside it, under the launch token's path prefix the page was opened at. */
export function hostSocketUrl(location: Pick<Location, 'href'>): string {
  const url = new URL('ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}
