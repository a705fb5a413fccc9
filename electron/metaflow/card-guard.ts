import { createHash } from 'node:crypto';

// Cards are third-party HTML. Their policy (card-registry.ts) leaves them no fetch, frame, form or
// worker, but WebRTC is outside those directives and browsers do not yet enforce `webrtc 'block'`:
// an RTCPeerConnection sends STUN/TURN packets, which can carry card data, to any host. So every
// inline script of a card is rewritten to begin with CARD_GUARD, which takes WebRTC out of the realm
// the script runs in, and the policy allows scripts only by the hashes of these rewritten texts. No
// code can then run in a card, or in a srcdoc frame the card makes, before the guard: inline event
// handlers, javascript: URLs, eval and unlisted scripts are refused by the policy.

/** Globals through which a page reaches WebRTC's network. */
const WEBRTC_GLOBALS = ['RTCPeerConnection', 'webkitRTCPeerConnection', 'mozRTCPeerConnection', 'RTCIceTransport'];

export const CARD_GUARD =
  `(()=>{for(const n of ${JSON.stringify(WEBRTC_GLOBALS)})try{Object.defineProperty(globalThis,n,` +
  '{value:undefined,writable:false,enumerable:false,configurable:false})}catch{}})();';

export interface GuardedCard {
  html: string;
  /** CSP hash sources ('sha256-…') of the rewritten scripts, the only ones allowed to run. */
  scriptHashes: string[];
}

// `type` values that make a script element run JavaScript (HTML's JavaScript MIME type essences).
const JS_TYPES = new Set([
  '',
  'module',
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

const SCRIPT_START = /<script(?=[\t\n\f />])((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const TYPE_ATTRIBUTE = /[\t\n\f /]type\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\t\n\f >]+))/i;
// A leading "use strict" directive must stay first to keep the script strict.
const DIRECTIVE_PROLOGUE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(["'])use strict\1[ \t]*;?/;

function runsJavaScript(attributes: string): boolean {
  const type = TYPE_ATTRIBUTE.exec(attributes);
  if (type === null) return true;
  return JS_TYPES.has((type[1] ?? type[2] ?? type[3] ?? '').trim().toLowerCase());
}

const isTagEnd = (c: string | undefined) => c === '\t' || c === '\n' || c === '\f' || c === ' ' || c === '/' || c === '>';

function tagAt(html: string, at: number, tag: '</script' | '<script'): boolean {
  return html.slice(at, at + tag.length).toLowerCase() === tag && isTagEnd(html[at + tag.length]);
}

/**
 * Where a script element's text ends, as HTML's tokenizer finds it: at `</script`, except inside
 * `<!--` … `-->` where a nested `<script` defers the end past its own `</script`.
 */
export function scriptTextEnd(html: string, from: number): number {
  let state: 'data' | 'escaped' | 'double' = 'data';
  for (let i = from; i < html.length; i++) {
    if (html.startsWith('-->', i) && state !== 'data') {
      state = 'data';
      i += 2;
    } else if (state === 'data' && html.startsWith('<!--', i)) {
      state = 'escaped';
      // `<!--` and `<!-->` share their dashes with the `-->` that may follow.
      i += 1;
    } else if (tagAt(html, i, '</script')) {
      if (state !== 'double') return i;
      state = 'escaped';
    } else if (state === 'escaped' && tagAt(html, i, '<script')) {
      state = 'double';
    }
  }
  return html.length;
}

function withGuard(text: string): string {
  const prologue = DIRECTIVE_PROLOGUE.exec(text)?.[0] ?? '';
  return `${prologue}${CARD_GUARD}${text.slice(prologue.length)}`;
}

/** The card with the guard at the start of each of its scripts, and the hashes that let exactly those run. */
export function guardCard(source: string): GuardedCard {
  // Browsers hash script text as their parser reads it: newlines normalized, NULs replaced.
  const html = source.replace(/\r\n?/g, '\n').replaceAll('\0', '\uFFFD');
  const scriptHashes = new Set<string>();
  let out = '';
  let copied = 0;
  SCRIPT_START.lastIndex = 0;
  for (let start = SCRIPT_START.exec(html); start !== null; start = SCRIPT_START.exec(html)) {
    const textStart = start.index + start[0].length;
    const textEnd = scriptTextEnd(html, textStart);
    if (runsJavaScript(start[1])) {
      const text = withGuard(html.slice(textStart, textEnd));
      scriptHashes.add(`sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`);
      out += html.slice(copied, textStart) + text;
      copied = textEnd;
    }
    SCRIPT_START.lastIndex = textEnd;
  }
  return { html: out + html.slice(copied), scriptHashes: [...scriptHashes] };
}
