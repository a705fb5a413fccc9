import { z } from 'zod';
import { MAX_ROUTE_LENGTH } from '../routing/route.js';

/** The desktop shell's `stratus://` links: no calls, one event that routes the window to a link's view. */
export const linkEvents = {
  /** A checked route address (`/w/<id>/…`) the OS opened as a `stratus://` link. */
  'link.open': z.object({ address: z.string().max(MAX_ROUTE_LENGTH) }),
} as const;
