import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CARD_GUARD, guardCard, scriptTextEnd } from '../../electron/metaflow/card-guard.js';

// Every script a card holds must start with the guard that takes WebRTC away, and the card's policy
// must allow exactly those guarded texts (by hash): then no card code, in the card or in a frame it
// builds from srcdoc, can run before the guard. The end-to-end proof in a browser is
// test/e2e/card-webrtc.spec.ts.

const hash = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

/** The text of each script element, found independently of the guard's own scanner (no comments, no tricks). */
function scripts(html: string): { attributes: string; text: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attributes: m[1], text: m[2] }));
}

describe('guardCard', () => {
  it('starts every script with the guard and allows exactly those texts', () => {
    const card = '<!DOCTYPE html><html><head><script>var a = 1;</script><SCRIPT type="text/javascript">b()</SCRIPT></head><body><script type=module>import "x"; c()</script></body></html>';
    const guarded = guardCard(card);
    const found = scripts(guarded.html);
    expect(found.map((s) => s.text)).toEqual([`${CARD_GUARD}var a = 1;`, `${CARD_GUARD}b()`, `${CARD_GUARD}import "x"; c()`]);
    expect(guarded.scriptHashes.sort()).toEqual(found.map((s) => hash(s.text)).sort());
    // Everything else is as the card had it.
    expect(guarded.html.replaceAll(CARD_GUARD, '')).toBe(card);
  });

  it('leaves data blocks alone and allows none of them', () => {
    const card = '<script type="application/json">{"a":1}</script><script type=\'text/plain\' id=x>raw</script><script type="importmap">{}</script><script type="text/javascript; charset=utf-8">y</script>';
    expect(guardCard(card)).toEqual({ html: card, scriptHashes: [] });
  });

  it('keeps a "use strict" directive first', () => {
    const [script] = scripts(guardCard("<script>\n  // strict\n  'use strict';\n  x = 1;</script>").html);
    expect(script.text).toBe(`\n  // strict\n  'use strict';${CARD_GUARD}\n  x = 1;`);
  });

  it('hashes what a browser parses: CRLF and CR become LF, NUL becomes U+FFFD', () => {
    const guarded = guardCard('<script>a()\r\nb()\rc("\0")</script>');
    expect(guarded.scriptHashes).toEqual([hash(`${CARD_GUARD}a()\nb()\nc("\uFFFD")`)]);
  });

  it('guards every script of a real Metaflow card and hashes the same script once', () => {
    const data = '<script>\n    window.__MF_DATA__ = {};\n  </script>';
    const guarded = guardCard(`<html><body><div class="card_app"></div>${data}${data}<script>\n    render();\n  </script></body></html>`);
    expect(scripts(guarded.html).every((s) => s.text.startsWith(CARD_GUARD))).toBe(true);
    expect(guarded.scriptHashes).toHaveLength(2);
  });
});

describe('scriptTextEnd', () => {
  const end = (text: string) => text.slice(0, scriptTextEnd(text, 0));

  it('ends at the first </script followed by a delimiter, in any case', () => {
    expect(end('a()</script>')).toBe('a()');
    expect(end('a()</SCRIPT >')).toBe('a()');
    expect(end('a("</scripts>")</script/>')).toBe('a("</scripts>")');
  });

  it('follows HTML\'s escaped states: <!-- <script> defers the end past the nested </script>', () => {
    expect(end('<!-- x </script>')).toBe('<!-- x ');
    expect(end('<!-- <script> </script> --> y()</script>')).toBe('<!-- <script> </script> --> y()');
    expect(end('<!-- <script> --> </script>')).toBe('<!-- <script> --> ');
    expect(end('<!--> <script> </script>')).toBe('<!--> <script> ');
    expect(end('unterminated')).toBe('unterminated');
  });
});
