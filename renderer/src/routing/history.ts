import { useMemo, useSyncExternalStore } from 'react';
import { formatRoute, parseRoute, type Route } from '../../../shared/routing/route.js';

// The route lives in the URL's hash, so browser mode and the desktop window (the same page, served
// from app://stratus/index.html) keep it alike: no server sees it, reload keeps it, Back and
// Forward walk it. Each navigation pushes an entry; `replace` rewrites an address in place (no step).

function currentAddress(): string {
  const hash = window.location.hash;
  // No hash at all is the app's start: the workspaces list.
  return hash === '' || hash === '#' ? '/' : hash.slice(1);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The address in the URL now, as the route it names (read on every change of the hash). */
export function useRoute(): Route {
  const address = useSyncExternalStore(subscribe, currentAddress);
  // One object per address, so views may depend on it without re-running on every render.
  return useMemo(() => parseRoute(address), [address]);
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const address = formatRoute(route);
  if (address === currentAddress()) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, '', `#${address}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = address;
  }
}

/** The route the window shows now (for "Copy link"). */
export function currentRoute(): Route {
  return parseRoute(currentAddress());
}
