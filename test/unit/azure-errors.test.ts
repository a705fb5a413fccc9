import { RestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import type { ClientAuth } from '../../electron/azure/blob-client.js';
import { toAzureError } from '../../electron/azure/errors.js';

// Each Azure or network failure a user can meet maps to its own code, with a message naming
// what failed and a hint saying what to check.

const key: ClientAuth = { method: 'account key', kind: 'sharedKey' };
const sas: ClientAuth = { method: 'SAS', kind: 'sas' };
const identity: ClientAuth = { method: 'Azure identity', kind: 'identity' };
const ctx = (auth?: ClientAuth) => ({ action: 'listing "ds/"', endpoint: 'https://acct.blob.core.windows.net', container: 'mf', auth });

function restError(statusCode: number, errorCode: string, details: Record<string, string> = {}): RestError {
  const err = new RestError(`${errorCode} happened`, { statusCode, code: errorCode });
  err.details = { errorCode, ...details };
  return err;
}

function networkError(code: string): Error {
  return Object.assign(new Error('request failed'), { cause: Object.assign(new Error(code), { code }) });
}

describe('toAzureError', () => {
  it('says an archived blob is archived, not that it "already exists" (409 BlobArchived)', () => {
    const e = toAzureError(restError(409, 'BlobArchived'), ctx(key));
    expect(e.code).toBe('BLOB_ARCHIVED');
    expect(e.message).toContain('Archive tier');
    expect(e.hint).toContain('Rehydrate');
    expect(toAzureError(restError(409, 'BlobBeingRehydrated'), ctx(key)).message).toContain('being rehydrated');
  });

  it('names a missing container', () => {
    const e = toAzureError(restError(404, 'ContainerNotFound'), ctx(key));
    expect(e.code).toBe('CONTAINER_NOT_FOUND');
    expect(e.message).toContain('"mf"');
  });

  it('maps a missing blob to NOT_FOUND', () => {
    expect(toAzureError(restError(404, 'BlobNotFound'), ctx(key)).code).toBe('NOT_FOUND');
  });

  it('names the role an identity lacks', () => {
    const e = toAzureError(restError(403, 'AuthorizationPermissionMismatch'), ctx(identity));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.hint).toMatch(/Storage Blob Data Reader/);
    expect(e.hint).toMatch(/Storage Blob Data Contributor/);
  });

  it('treats a refused shared key as an authentication failure, not a missing role', () => {
    const e = toAzureError(restError(403, 'AuthorizationFailure'), ctx(key));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toMatch(/account key/);
  });

  it('says what a SAS lacks', () => {
    const e = toAzureError(restError(403, 'AuthorizationPermissionMismatch'), ctx(sas));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.hint).toMatch(/SAS/);
  });

  it('recognises clock skew from the authentication detail', () => {
    const err = restError(403, 'AuthenticationFailed', { authenticationErrorDetail: 'Request date header too old: Mon, 01 Jan 2024' });
    const e = toAzureError(err, ctx(key));
    expect(e.code).toBe('CLOCK_SKEW');
    expect(e.hint).toMatch(/clock/);
  });

  it('gives each credential kind its own hint when authentication fails', () => {
    const hints = [key, sas, identity].map((auth) => toAzureError(restError(403, 'AuthenticationFailed'), ctx(auth)).hint);
    expect(new Set(hints).size).toBe(3);
    expect(hints[2]).toMatch(/az login/);
  });

  it('tells DNS failures from refused connections', () => {
    const dns = toAzureError(networkError('ENOTFOUND'), ctx(key));
    expect(dns.code).toBe('UNREACHABLE');
    expect(dns.message).toMatch(/DNS/);
    const refused = toAzureError(networkError('ECONNREFUSED'), ctx(key));
    expect(refused.code).toBe('UNREACHABLE');
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('reports rejected certificates as TLS errors', () => {
    expect(toAzureError(networkError('SELF_SIGNED_CERT_IN_CHAIN'), ctx(key)).code).toBe('TLS');
  });

  it('maps throttling and conflicts', () => {
    expect(toAzureError(restError(503, 'ServerBusy'), ctx(key)).code).toBe('THROTTLED');
    expect(toAzureError(restError(429, 'TooManyRequests'), ctx(key)).code).toBe('THROTTLED');
    expect(toAzureError(restError(409, 'BlobAlreadyExists'), ctx(key)).code).toBe('ALREADY_EXISTS');
  });

  it('explains an Azure identity that cannot sign in', () => {
    const err = Object.assign(new Error('Azure CLI not found'), { name: 'CredentialUnavailableError' });
    const e = toAzureError(err, ctx(identity));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.hint).toMatch(/az login/);
  });

  it('keeps the original message as detail for anything unknown', () => {
    const e = toAzureError(new Error('socket hang up in a strange way'), ctx(key));
    expect(e.code).toBe('INTERNAL');
    expect(e.detail).toContain('socket hang up in a strange way');
  });
});
