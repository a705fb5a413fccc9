import { randomBytes } from 'node:crypto';
import { guardCard } from './card-guard.js';

// Card HTML opened by the UI, held in main under random ids. The renderer gets only the id and
// loads the card in an iframe from `/cards/<id>` (browser mode) or `stratus-card://card/<id>`
// (Electron): the card runs in a sandboxed, opaque origin with no network, and cannot name any
// other card or blob. Only recently opened cards are kept.

/** The Electron scheme that serves cards (see electron/desktop/card-scheme.ts). */
export const CARD_SCHEME = 'stratus-card';
/** The host of every card URL on that scheme: `stratus-card://card/<id>`. */
export const CARD_HOST = 'card';
/** The browser-mode path that serves cards. */
export const CARD_PATH = '/cards/';
/** A card id as put() makes them. */
export const CARD_ID = /^[0-9a-f]{32}$/;

/**
 * The card's own policy: a sandbox without allow-same-origin makes it an opaque origin (no cookies,
 * storage or same-origin requests to the app), `connect-src 'none'` with images and fonts only from data: (and blob:)
 * leaves it no network, and scripts run only by the hashes of their guarded texts (card-guard.ts), so
 * WebRTC is gone before any card code runs; `webrtc 'block'` says the same to browsers that enforce it.
 * `frame-ancestors` lets only the app frame it.
 */
export function cardContentSecurityPolicy(scriptHashes: readonly string[], frameAncestors = "'self'"): string {
  const scripts = scriptHashes.length > 0 ? scriptHashes.map((hash) => `'${hash}'`).join(' ') : "'none'";
  return (
    `sandbox allow-scripts; default-src 'none'; script-src ${scripts}; style-src 'unsafe-inline'; img-src data: blob:; ` +
    `font-src data:; connect-src 'none'; webrtc 'block'; form-action 'none'; base-uri 'none'; frame-ancestors ${frameAncestors}`
  );
}

export interface ServedCard {
  body: string;
  headers: Record<string, string>;
}

/** A card as it is served: guarded HTML under its own policy, never the app's headers or cookie. */
export function serveCardHtml(html: string, frameAncestors?: string): ServedCard {
  const card = guardCard(html);
  return {
    body: card.html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': cardContentSecurityPolicy(card.scriptHashes, frameAncestors),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
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
