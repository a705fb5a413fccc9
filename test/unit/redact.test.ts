import { describe, expect, it } from 'vitest';
import { toAzureError } from '../../electron/azure/errors.js';
import { toErrorShape } from '../../electron/ipc/router.js';
import { redactSecrets } from '../../electron/security/redact.js';
import { StratusError } from '../../shared/errors.js';

// Error texts quote servers, which may echo the request: credentials are cut out before a text
// leaves main, and the prose around them stays readable.

describe('redactSecrets', () => {
  it.each<[string, string, string]>([
    ['an authorization header in JSON', '{"authorization":"Bearer abc.def-123","host":"x"}', '{"authorization":"[redacted]","host":"x"}'],
    ['an authorization header line', 'Authorization: SharedKey acct:Zm9vYmFy=\nnext', 'Authorization: [redacted]\nnext'],
    ['a bearer token on its own', 'got Bearer tok-123 from you', 'got Bearer [redacted] from you'],
    ['basic credentials on their own', 'got Basic ZHM6czNjcmV0 here', 'got Basic [redacted] here'],
    ['a SAS signature in a URL', 'GET /c?sv=2024&sig=AbC%2Bd%3D&se=2026', 'GET /c?sv=2024&sig=[redacted]&se=2026'],
    ['a percent-encoded signature', 'url=%3Fsig%3D%2FAb%2BCd%26se%3D2026', 'url=%3Fsig%3D[redacted]%26se%3D2026'],
    ['an account key in a connection string', 'AccountName=a;AccountKey=Zm9v==;EndpointSuffix=x', 'AccountName=a;AccountKey=[redacted];EndpointSuffix=x'],
    ['a JSON web token', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln was refused', 'token [redacted] was refused'],
    ['the password of a URI', 'cannot reach http://alice:s3cret@host:5000/x', 'cannot reach http://alice:[redacted]@host:5000/x'],
  ])('cuts %s', (_label, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('cuts known secrets, as they are and percent-encoded', () => {
    expect(redactSecrets('echo: pa/ss+word and pa%2Fss%2Bword', ['pa/ss+word'])).toBe('echo: [redacted] and [redacted]');
  });

  it.each([
    'Basic authentication failed: check the user name.',
    'An Azure identity (bearer token) can only be sent over https; this endpoint is http.',
    'The server wants Basic authentication.',
    'Check the account key or connection string, that it belongs to this account, and that your clock is right.',
    'Authentication to https://acct.blob.core.windows.net failed (SAS).',
  ])('leaves prose alone: %s', (text) => {
    expect(redactSecrets(text, ['zz'])).toBe(text);
  });
});

describe('errors leaving main', () => {
  it('toErrorShape cuts credentials out of message, hint and detail', () => {
    const shape = toErrorShape(new StratusError({ code: 'INTERNAL', message: 'sig=abcdef', hint: 'Bearer tok-99999', detail: 'raw-secret-1' }), ['raw-secret-1']);
    expect(shape).toEqual({ code: 'INTERNAL', message: 'sig=[redacted]', hint: 'Bearer [redacted]', detail: '[redacted]' });
  });

  it('toAzureError cuts a SAS out of the endpoint and the server message it quotes', () => {
    const error = toAzureError(Object.assign(new Error('getaddrinfo ENOTFOUND acct.blob.core.windows.net?sv=1&sig=c2lnbmF0dXJl'), { code: 'ENOTFOUND' }), {
      action: 'listing "ds/"',
      endpoint: 'https://acct.blob.core.windows.net?sv=1&sig=c2lnbmF0dXJl',
    });
    expect(JSON.stringify(error.toShape())).not.toContain('c2lnbmF0dXJl');
    expect(error.code).toBe('UNREACHABLE');
  });
});
