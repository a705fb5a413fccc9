import { describe, expect, it } from 'vitest';
import { accountNameFromEndpoint, connectionStringEndpoint, parseConnectionString } from '../../electron/azure/connection-string.js';
import { AZURITE_ACCOUNT_KEY, azuriteConnectionString } from '../harness/azurite.js';

describe('parseConnectionString', () => {
  it("keeps base64 '=' padding inside an account key", () => {
    const parts = parseConnectionString(azuriteConnectionString('http://127.0.0.1:10000/devstoreaccount1'));
    expect(parts).toEqual({
      accountName: 'devstoreaccount1',
      accountKey: AZURITE_ACCOUNT_KEY,
      blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      sharedAccessSignature: undefined,
      protocol: 'http',
      endpointSuffix: undefined,
    });
  });

  it('reads keys case-insensitively and trims spaces around pairs', () => {
    const parts = parseConnectionString(' accountname = acct ; ACCOUNTKEY=a2V5== ;EndpointSuffix=core.chinacloudapi.cn');
    expect(parts.accountName).toBe('acct');
    expect(parts.accountKey).toBe('a2V5==');
    expect(parts.endpointSuffix).toBe('core.chinacloudapi.cn');
  });

  it('ignores empty pairs, pairs without a key and pairs without "="', () => {
    const parts = parseConnectionString(';;AccountName=acct;garbage;=value;AccountKey=k;');
    expect(parts.accountName).toBe('acct');
    expect(parts.accountKey).toBe('k');
    expect(parts.blobEndpoint).toBeUndefined();
  });

  it('keeps a SAS token whole, with its "?" "&" and "="', () => {
    const sas = '?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig=abc%2Bdef%3D';
    const parts = parseConnectionString(`BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=${sas}`);
    expect(parts.sharedAccessSignature).toBe(sas);
    expect(parts.accountKey).toBeUndefined();
  });

  it('returns nothing for an empty string', () => {
    expect(Object.values(parseConnectionString('')).every((v) => v === undefined)).toBe(true);
  });
});

describe('connectionStringEndpoint', () => {
  it('prefers an explicit BlobEndpoint', () => {
    expect(
      connectionStringEndpoint(parseConnectionString('AccountName=acct;AccountKey=k;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1')),
    ).toBe('http://127.0.0.1:1/devstoreaccount1');
  });

  it('builds https://<account>.blob.core.windows.net by default', () => {
    expect(connectionStringEndpoint(parseConnectionString('AccountName=acct;AccountKey=k'))).toBe('https://acct.blob.core.windows.net');
  });

  it('uses the protocol and endpoint suffix given', () => {
    expect(
      connectionStringEndpoint(parseConnectionString('DefaultEndpointsProtocol=http;AccountName=acct;EndpointSuffix=core.usgovcloudapi.net')),
    ).toBe('http://acct.blob.core.usgovcloudapi.net');
  });

  it('is undefined without an account or endpoint', () => {
    expect(connectionStringEndpoint(parseConnectionString('AccountKey=k'))).toBeUndefined();
  });
});

describe('accountNameFromEndpoint', () => {
  it.each([
    ['https://acct.blob.core.windows.net', 'acct'],
    ['https://acct.blob.core.windows.net/', 'acct'],
    ['https://acct.blob.core.chinacloudapi.cn', 'acct'],
    ['http://127.0.0.1:10000/devstoreaccount1', 'devstoreaccount1'],
    ['http://localhost:10000/devstoreaccount1/', 'devstoreaccount1'],
    ['https://storage.example.com/acct', 'acct'],
  ])('%s → %s', (endpoint, account) => {
    expect(accountNameFromEndpoint(endpoint)).toBe(account);
  });

  it.each(['https://example.com', 'http://127.0.0.1:10000/'])('is undefined when %s names no account', (endpoint) => {
    expect(accountNameFromEndpoint(endpoint)).toBeUndefined();
  });
});
