import { describe, expect, it } from 'vitest';
import { Endpoint, Sysroot } from '../../shared/contract.js';
import { checkSysroot, formatSysroot } from '../../shared/sysroot.js';
import { parseWasbs, type WasbsCheck, type WasbsLocation } from '../../shared/wasbs.js';

// wasbs:// URIs pasted by the user (MLflow artifact URIs, notebooks): one string naming the endpoint,
// the container and a prefix. A good one must become exactly what workspace.open accepts; a bad one
// must say what is wrong with it, one message per problem.

function valueOf(check: WasbsCheck): WasbsLocation {
  if (!check.ok) throw new Error(`expected a location, got ${JSON.stringify(check.errors)}`);
  return check.value;
}

function errorsOf(check: WasbsCheck): string[] {
  if (check.ok) throw new Error(`expected errors, got ${JSON.stringify(check.value)}`);
  return check.errors;
}

const VALID: { label: string; uri: string; expected: WasbsLocation }[] = [
  {
    label: 'a container and a prefix',
    uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds',
    expected: { container: 'metaflow-fixture', prefix: 'ds', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
  {
    label: 'a nested prefix',
    uri: 'wasbs://mlruns@acct01.blob.core.windows.net/team/a/metaflow',
    expected: { container: 'mlruns', prefix: 'team/a/metaflow', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
  {
    label: 'no path',
    uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net',
    expected: { container: 'metaflow-fixture', prefix: '', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
  {
    label: 'only a slash for a path',
    uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/',
    expected: { container: 'metaflow-fixture', prefix: '', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
  {
    label: 'a trailing slash',
    uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds/',
    expected: { container: 'metaflow-fixture', prefix: 'ds', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
  {
    label: 'wasb:// (no TLS), which maps to http',
    uri: 'wasb://metaflow-fixture@acct01.blob.core.windows.net/ds',
    expected: { container: 'metaflow-fixture', prefix: 'ds', account: 'acct01', endpoint: 'http://acct01.blob.core.windows.net' },
  },
  {
    label: 'an upper-case scheme (schemes are case-insensitive)',
    uri: 'WASBS://metaflow-fixture@acct01.blob.core.windows.net/ds',
    expected: { container: 'metaflow-fixture', prefix: 'ds', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
  {
    label: 'a sovereign cloud suffix and a port',
    uri: 'wasbs://metaflow-fixture@acct01.blob.core.chinacloudapi.cn:443/ds',
    expected: { container: 'metaflow-fixture', prefix: 'ds', account: 'acct01', endpoint: 'https://acct01.blob.core.chinacloudapi.cn:443' },
  },
  {
    label: 'surrounding whitespace from a paste',
    uri: '  wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds \n',
    expected: { container: 'metaflow-fixture', prefix: 'ds', account: 'acct01', endpoint: 'https://acct01.blob.core.windows.net' },
  },
];

// One URI per problem, each with a pattern for the message the user sees.
const INVALID: { label: string; uri: string; message: RegExp }[] = [
  { label: 'no "@" between container and account', uri: 'wasbs://acct01.blob.core.windows.net/metaflow-fixture/ds', message: /Expected wasbs:\/\/<container>@<account>/ },
  { label: 'an empty container', uri: 'wasbs://@acct01.blob.core.windows.net/ds', message: /Expected wasbs:\/\/<container>@<account>/ },
  { label: 'another scheme', uri: 'abfss://metaflow-fixture@acct01.dfs.core.windows.net/ds', message: /Expected wasbs:\/\// },
  { label: 'an https URL', uri: 'https://acct01.blob.core.windows.net/metaflow-fixture/ds', message: /Expected wasbs:\/\// },
  { label: 'an upper-case account', uri: 'wasbs://metaflow-fixture@Acct01.blob.core.windows.net/ds', message: /"Acct01" is not a storage account name/ },
  { label: 'an account with an underscore', uri: 'wasbs://metaflow-fixture@my_acct.blob.core.windows.net/ds', message: /"my_acct" is not a storage account name/ },
  { label: 'a too short account', uri: 'wasbs://metaflow-fixture@ab.blob.core.windows.net/ds', message: /"ab" is not a storage account name/ },
  { label: 'a too long account', uri: `wasbs://metaflow-fixture@${'a'.repeat(25)}.blob.core.windows.net/ds`, message: /is not a storage account name/ },
  { label: 'a bare account host', uri: 'wasbs://metaflow-fixture@acct01/ds', message: /"acct01" is not a blob endpoint host/ },
  { label: 'a data lake (dfs) host', uri: 'wasbs://metaflow-fixture@acct01.dfs.core.windows.net/ds', message: /is not a blob endpoint host/ },
  {
    label: 'a second "@" that would send requests to another host',
    uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net@evil.example/ds',
    message: /is not a blob endpoint host/,
  },
  { label: 'an invalid container name', uri: 'wasbs://Metaflow_Fixture@acct01.blob.core.windows.net/ds', message: /"Metaflow_Fixture" is not a valid container name/ },
  { label: '"//" inside the path', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds//x', message: /must not contain "\/\/"/ },
  { label: '"//" right after the host', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net//ds', message: /must not contain "\/\/"/ },
  { label: 'a ".." segment', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds/../other', message: /"\." or "\.\." path segments/ },
  { label: 'a "." segment', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/./ds', message: /"\." or "\.\." path segments/ },
  { label: 'a query string', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds?sv=2024&sig=x', message: /no query .* or fragment/ },
  { label: 'a fragment', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/ds#top', message: /no query .* or fragment/ },
  { label: 'a control character', uri: 'wasbs://metaflow-fixture@acct01.blob.core.windows.net/d\u0000s', message: /control characters/ },
  { label: 'empty input', uri: '', message: /Expected wasbs:\/\// },
];

describe('parseWasbs', () => {
  it.each(VALID)('parses $label', ({ uri, expected }) => {
    expect(valueOf(parseWasbs(uri))).toEqual(expected);
  });

  it.each(VALID)('gives $label as a sysroot and endpoint that workspace.open accepts', ({ uri }) => {
    const location = valueOf(parseWasbs(uri));
    const sysroot = formatSysroot(location);
    expect(checkSysroot(sysroot)).toEqual({ ok: true, value: { container: location.container, prefix: location.prefix } });
    expect(Sysroot.safeParse(sysroot).success).toBe(true);
    expect(Endpoint.safeParse(location.endpoint).success).toBe(true);
  });

  it.each(INVALID)('rejects $label with its own message', ({ uri, message }) => {
    const errors = errorsOf(parseWasbs(uri));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('reports every broken sysroot rule of the path at once', () => {
    const errors = errorsOf(parseWasbs('wasbs://Bad_Container@acct01.blob.core.windows.net/a//../b'));
    for (const pattern of [/not a valid container name/, /"\/\/"/, /path segments/]) {
      expect(errors.some((e) => pattern.test(e)), String(pattern)).toBe(true);
    }
  });
});
