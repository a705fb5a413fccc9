import type { ArgsOf, Channel, ResultOf, StratusApi } from '../../../shared/contract.js';
import { StratusError } from '../../../shared/errors.js';
import { createWebSocketApi, hostSocketUrl } from './web-socket-api.js';

// The host bounds every Azure request itself; this only guards against a host that never answers,
// so the UI can never wait on a spinner forever.
const CALL_TIMEOUT_MS = 90_000;

let api: StratusApi | undefined;

/** Electron's preload API when present, otherwise the browser-mode WebSocket to this page's host. */
export function getApi(): StratusApi {
  api ??= window.stratus ?? createWebSocketApi(hostSocketUrl(window.location));
  return api;
}

function timedOut(channel: Channel): StratusError {
  return new StratusError({
    code: 'UNREACHABLE',
    message: `The Stratus host did not answer ${channel} within ${CALL_TIMEOUT_MS / 1000} s.`,
    hint: 'Check the network path to the storage endpoint, then retry.',
  });
}

/** Invokes a channel and unwraps its reply, throwing StratusError on failure (the shape react-query expects). */
export async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(channel)), CALL_TIMEOUT_MS);
  });
  try {
    const reply = await Promise.race([getApi().invoke(channel, args), deadline]);
    if (!reply.ok) throw new StratusError(reply.error);
    return reply.value;
  } finally {
    clearTimeout(timer);
  }
}
