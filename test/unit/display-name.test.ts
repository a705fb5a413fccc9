import { describe, expect, it } from 'vitest';
import { displayName } from '../../shared/display-name.js';

// A name that holds a bidi override or an invisible character is shown with it escaped, so
// "invoice\u202Efdp.exe" cannot pass for "invoiceexe.pdf" and "Train\u200BFlow" not for "TrainFlow".

describe('displayName', () => {
  it('leaves ordinary names as they are, in any script', () => {
    for (const name of ['TrainFlow', '1795327185626482', 'start', 'my run (copy) #2', 'ünïcode', '日本語の実験', 'data/train.parquet', 'emoji 🚀']) {
      expect(displayName(name)).toBe(name);
    }
  });

  it('escapes bidi controls and zero-width characters', () => {
    expect(displayName('invoice\u202Efdp.exe')).toBe('invoice\\u{202E}fdp.exe');
    expect(displayName('Train\u200BFlow')).toBe('Train\\u{200B}Flow');
    expect(displayName('\u2066a\u2069\u200E\u200F\u061C\u200C\u200D\u2060\uFEFF')).toBe(
      '\\u{2066}a\\u{2069}\\u{200E}\\u{200F}\\u{61C}\\u{200C}\\u{200D}\\u{2060}\\u{FEFF}',
    );
  });

  it('escapes controls, look-alike spaces, line separators and blank-looking letters', () => {
    expect(displayName('a\nb\tc\u0000\u001b[31m')).toBe('a\\u{A}b\\u{9}c\\u{0}\\u{1B}[31m');
    expect(displayName('a\u00A0b\u3000c\u2028d')).toBe('a\\u{A0}b\\u{3000}c\\u{2028}d');
    expect(displayName('x\u3164y\uFE0Fz\u{E0041}')).toBe('x\\u{3164}y\\u{FE0F}z\\u{E0041}');
  });

  it('never shows two different names the same way', () => {
    const names = ['TrainFlow', 'Train\u200BFlow', 'Train\\u{200B}Flow', 'Train\\\u200BFlow', 'a b', 'a\u00A0b', 'a\\\\b', 'a\\b'];
    expect(new Set(names.map(displayName)).size).toBe(names.length);
  });
});
