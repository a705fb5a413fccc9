import { CONTENT_SECURITY_POLICY } from '../web/web-host.js';
import { readStaticFile } from '../web/static-files.js';

// The desktop window loads the built renderer from `app://stratus/`, not file://: a file: page would
// share its origin with every local file, and its relative URLs could name any of them. This scheme
// serves the renderer folder only, read-only, with the app's CSP on every answer.

export const APP_SCHEME = 'app';
export const APP_HOST = 'stratus';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The window's page; main trusts IPC only from a frame showing exactly this URL. */
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** The answer to an app:// request: a file of the renderer folder, else 404 (other hosts, paths outside it) or 405. */
export async function appResponse(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: { ...TEXT, allow: 'GET, HEAD' } });
  const url = new URL(request.url);
  const file = url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST ? await readStaticFile(rendererDir, url.pathname) : undefined;
  if (file === undefined) return new Response('Not found', { status: 404, headers: TEXT });
  const headers = {
    'content-type': file.contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.body), { headers });
}
