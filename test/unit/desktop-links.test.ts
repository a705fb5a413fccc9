import { describe, expect, it } from 'vitest';
import { RENDERER_URL } from '../../electron/desktop/app-scheme.js';
import { isRendererUrl, rendererUrlFor } from '../../electron/desktop/renderer-route.js';
import { parseLink } from '../../shared/routing/link.js';

// The desktop window at a route: a stratus:// link opens the page at the link's view, and the page keeps
// calling main (IPC is trusted by the frame's URL, which now carries the route in its hash).

const WS = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b';

describe('the desktop page at a route', () => {
  it('opens at the view a stratus:// link names', () => {
    const route = parseLink(`stratus://w/${WS}/mlflow/1/traces/tr-1`);
    expect(rendererUrlFor(route)).toBe(`${RENDERER_URL}#/w/${WS}/mlflow/1/traces/tr-1`);
    expect(rendererUrlFor(undefined)).toBe(RENDERER_URL);
  });

  it('trusts the page at any route, and nothing that only starts like it', () => {
    expect(isRendererUrl(RENDERER_URL)).toBe(true);
    expect(isRendererUrl(rendererUrlFor(parseLink(`stratus://w/${WS}/gc`)))).toBe(true);
    expect(isRendererUrl(`${RENDERER_URL}.evil`)).toBe(false);
    expect(isRendererUrl(`${RENDERER_URL}?x=1`)).toBe(false);
    expect(isRendererUrl('app://stratus/other.html#/')).toBe(false);
    expect(isRendererUrl('stratus-card://card/x')).toBe(false);
    expect(isRendererUrl(undefined)).toBe(false);
  });
});
