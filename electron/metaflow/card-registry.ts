import { randomBytes } from 'node:crypto';

// Card HTML opened by the UI, held in main under random ids. The renderer gets only the id and
// loads the card in an iframe from `/cards/<id>` (browser mode) or `stratus-card://card/<id>`
// (Electron): the card runs in a sandboxed, opaque origin with no network, and cannot name any
// other card or blob. Only recently opened cards are kept.

/** The Electron scheme that serves cards (see electron/shell/card-protocol.ts). */
export const CARD_SCHEME = 'stratus-card';
/** The browser-mode path that serves cards. */
export const CARD_PATH = '/cards/';

/**
 * The card's own policy: a sandbox without allow-same-origin makes it an opaque origin (no cookies,
 * storage or same-origin requests to the app), and `connect-src 'none'` with only inline and data:
 * sources leaves it no network. `frame-ancestors` lets only the app frame it.
 */
export function cardContentSecurityPolicy(frameAncestors = "'self'"): string {
  return (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; " +
    `font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors ${frameAncestors}`
  );
}

export function cardHeaders(frameAncestors?: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': cardContentSecurityPolicy(frameAncestors),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  };
}

export interface CardRegistryLimits {
  maxCards?: number;
  /** Total UTF-8 bytes of HTML kept; the newest card is kept even if it alone is larger. */
  maxBytes?: number;
}

interface Entry {
  html: string;
  bytes: number;
}

export class CardRegistry {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly cards = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxCards: number;
  private readonly maxBytes: number;

  constructor({ maxCards = 50, maxBytes = 256 * 1024 * 1024 }: CardRegistryLimits = {}) {
    this.maxCards = maxCards;
    this.maxBytes = maxBytes;
  }

  /** Stores a card and returns its id: 128 random bits, hex (safe in a URL path and as a scheme host's path). */
  put(html: string): string {
    const id = randomBytes(16).toString('hex');
    const entry = { html, bytes: Buffer.byteLength(html, 'utf8') };
    this.cards.set(id, entry);
    this.bytes += entry.bytes;
    for (const [oldest, old] of this.cards) {
      if (this.cards.size <= this.maxCards && (this.bytes <= this.maxBytes || this.cards.size === 1)) break;
      this.cards.delete(oldest);
      this.bytes -= old.bytes;
    }
    return id;
  }

  get(id: string): string | undefined {
    const entry = this.cards.get(id);
    if (entry === undefined) return undefined;
    this.cards.delete(id);
    this.cards.set(id, entry);
    return entry.html;
  }

  get size(): number {
    return this.cards.size;
  }
}
