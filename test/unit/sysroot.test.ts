import { describe, expect, it } from 'vitest';
import { Sysroot } from '../../shared/contract.js';
import { checkSysroot, formatSysroot, MAX_SYSROOT_LENGTH, sysrootBlobPrefix, type SysrootCheck } from '../../shared/sysroot.js';

function errorsOf(check: SysrootCheck): string[] {
  return check.ok ? [] : check.errors;
}

// One input per rule, each breaking only that rule, with a pattern for the message the user sees.
const RULES: { rule: string; input: string; message: RegExp }[] = [
  { rule: 'empty', input: '', message: /enter a sysroot/i },
  { rule: 'too long', input: `abc/${'x'.repeat(MAX_SYSROOT_LENGTH)}`, message: new RegExp(`at most ${MAX_SYSROOT_LENGTH}`) },
  { rule: 'trailing slash', input: 'metaflow-fixture/ds/', message: /must not end with "\/"/ },
  { rule: 'double slash', input: 'metaflow-fixture/ds//x', message: /must not contain "\/\/"/ },
  { rule: 'bad container name', input: 'Metaflow_Fixture/ds', message: /not a valid container name/ },
  { rule: 'dot segment', input: 'metaflow-fixture/ds/../x', message: /"\." or "\.\." path segments/ },
  { rule: 'control character', input: 'metaflow-fixture/d\u0000s', message: /control characters/ },
];

describe('checkSysroot', () => {
  it.each(RULES)('reports only its own message when the rule "$rule" is broken', ({ input, message }) => {
    const errors = errorsOf(checkSysroot(input));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('gives every rule a distinct message', () => {
    const messages = RULES.map(({ input }) => errorsOf(checkSysroot(input))[0]);
    expect(new Set(messages).size).toBe(RULES.length);
  });

  it('reports a leading slash, and the empty container part it leaves, as two messages', () => {
    // A leading '/' always leaves the container part empty, so this rule cannot be broken alone.
    const errors = errorsOf(checkSysroot('/metaflow-fixture'));
    expect(errors).toHaveLength(2);
    expect(errors.filter((e) => /must not start with "\/"/.test(e))).toHaveLength(1);
    expect(errors.filter((e) => /container part .* must not be empty/.test(e))).toHaveLength(1);
    const single = RULES.map(({ input }) => errorsOf(checkSysroot(input))[0]);
    for (const error of errors) expect(single).not.toContain(error);
  });

  it('treats whitespace-only input as empty', () => {
    expect(errorsOf(checkSysroot('  \t '))).toEqual(errorsOf(checkSysroot('')));
  });

  it('reports every broken rule at once', () => {
    const errors = errorsOf(checkSysroot('/Bad//../x/'));
    for (const pattern of [/start with/, /end with/, /"\/\/"/, /path segments/]) {
      expect(errors.some((e) => pattern.test(e)), String(pattern)).toBe(true);
    }
  });

  it.each([
    ['ab', 'too short'],
    ['a'.repeat(64), 'too long'],
    ['-abc', 'leading hyphen'],
    ['abc-', 'trailing hyphen'],
    ['ab--cd', 'double hyphen'],
    ['ABC', 'upper case'],
    ['ab_c', 'underscore'],
    ['ab.c', 'dot'],
  ])('rejects the container name %j (%s)', (container) => {
    const errors = errorsOf(checkSysroot(`${container}/ds`));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/not a valid container name/);
  });

  it.each([
    ['metaflow-fixture', { container: 'metaflow-fixture', prefix: '' }],
    ['metaflow-fixture/ds', { container: 'metaflow-fixture', prefix: 'ds' }],
    ['abc/a/b/c', { container: 'abc', prefix: 'a/b/c' }],
    [`${'a'.repeat(63)}/x`, { container: 'a'.repeat(63), prefix: 'x' }],
    ['a-b-c/mf.cards', { container: 'a-b-c', prefix: 'mf.cards' }],
    ['abc/..x/.y', { container: 'abc', prefix: '..x/.y' }],
    ['123/ds', { container: '123', prefix: 'ds' }],
  ])('accepts %j', (input, parts) => {
    expect(checkSysroot(input)).toEqual({ ok: true, value: parts });
  });

  it('formats parts back to the same sysroot and gives the listing prefix', () => {
    for (const input of ['metaflow-fixture', 'metaflow-fixture/ds', 'abc/a/b']) {
      const check = checkSysroot(input);
      if (!check.ok) throw new Error(`${input} should be valid`);
      expect(formatSysroot(check.value)).toBe(input);
      const prefix = sysrootBlobPrefix(check.value);
      expect(prefix).toBe(check.value.prefix === '' ? '' : `${check.value.prefix}/`);
    }
  });

  it('is what the IPC contract enforces, with the same messages', () => {
    for (const { input } of RULES) {
      const parsed = Sysroot.safeParse(input);
      expect(parsed.success).toBe(false);
      if (!parsed.success) {
        const messages = parsed.error.issues.map((i) => i.message);
        for (const error of errorsOf(checkSysroot(input))) expect(messages).toContain(error);
      }
    }
    expect(Sysroot.safeParse('metaflow-fixture/ds').success).toBe(true);
  });
});
