import { app, type BrowserWindow } from 'electron';
import path from 'node:path';
import { IPC_EVENT } from '../../shared/contract.js';
import { LINK_SCHEME, linkInArguments, parseLink } from '../../shared/routing/link.js';
import { formatRoute, type Route } from '../../shared/routing/route.js';
import { rendererUrlFor } from '../desktop/renderer-route.js';

// stratus:// links, registered with the OS. macOS hands one to the running app as `open-url` (even
// before it is ready); Windows and Linux start the app with it on the command line, and a second
// instance's command line reaches the first as `second-instance`. Every link is checked by
// shared/routing/link.ts; one that names no view is ignored.

export interface LinkRouting {
  /** The route a link asked for before the window existed (the window opens at it). */
  readonly start: Route | undefined;
  /** From now on, links route this window. */
  attach(window: BrowserWindow): void;
}

/** Registers the scheme and listens for links; call before the app is ready. */
export function listenForLinks(): LinkRouting {
  // Started as `electron .` (development), the OS must be told to pass the app's folder too.
  if (process.defaultApp) app.setAsDefaultProtocolClient(LINK_SCHEME, process.execPath, [path.resolve(process.argv[1] ?? '.')]);
  else app.setAsDefaultProtocolClient(LINK_SCHEME);

  let start = linkInArguments(process.argv);
  let target: BrowserWindow | undefined;
  const live = () => (target !== undefined && !target.isDestroyed() ? target : undefined);
  const show = (window: BrowserWindow) => {
    if (window.isMinimized()) window.restore();
    window.focus();
  };
  const open = (route: Route | undefined) => {
    if (route === undefined) return;
    const window = live();
    if (window === undefined) {
      start = route;
      return;
    }
    show(window);
    // A page still loading may not listen yet: it is loaded at the link's route instead.
    if (window.webContents.isLoading()) void window.loadURL(rendererUrlFor(route));
    else window.webContents.send(IPC_EVENT, 'link.open', { address: formatRoute(route) });
  };
  app.on('open-url', (event, url) => {
    event.preventDefault();
    open(parseLink(url));
  });
  // A second launch brings the window forward, at its link's view if it carried one.
  app.on('second-instance', (_event, argv) => {
    const window = live();
    if (window) show(window);
    open(linkInArguments(argv));
  });
  return {
    get start() {
      return start;
    },
    attach(window) {
      target = window;
    },
  };
}
