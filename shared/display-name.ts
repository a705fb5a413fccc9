// Names come from storage and servers (flows, runs, steps, tasks, artifacts, blobs, experiments). A
// right-to-left override (U+202E), a zero-width space (U+200B) or a look-alike space would let one name
// pass for another, so names are shown with every invisible, direction-changing or non-plain space
// character escaped as \u{…}, and the backslash that starts an escape doubled: two different names
// never look the same.

// Controls, format characters (bidi controls, zero-width characters, tags), line and paragraph
// separators, and spaces other than U+0020.
const HIDDEN_CATEGORIES = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/u;
// Characters that render as nothing: the combining grapheme joiner, Hangul fillers, Khmer inherent
// vowels, Mongolian and other variation selectors.
const BLANK_RANGES: [number, number][] = [
  [0x034f, 0x034f],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xffa0, 0xffa0],
  [0xe0100, 0xe01ef],
];

function escaped(char: string): string {
  if (char === '\\') return '\\\\';
  const code = char.codePointAt(0) ?? 0;
  const hidden = (char !== ' ' && HIDDEN_CATEGORIES.test(char)) || BLANK_RANGES.some(([from, to]) => code >= from && code <= to);
  return hidden ? `\\u{${code.toString(16).toUpperCase()}}` : char;
}

/** A name as the UI shows it: unchanged unless it holds characters that could disguise it. */
export function displayName(name: string): string {
  return Array.from(name, escaped).join('');
}
