import { describe, expect, it } from 'vitest';
import { createBlobClient, type Env } from '../../electron/azure/blob-client.js';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { trackingAuth } from '../../electron/mlflow/sources/tracking-auth.js';
import { StratusError } from '../../shared/errors.js';
import { AZURITE_ACCOUNT_KEY } from '../harness/azurite.js';

// Where the environment's credentials may go, decided before any request: the endpoint they were
// configured with, over https unless it is this computer. (The integration test
// environment-credentials.test.ts proves the same with servers that record what they receive.)

describe('MLflow credentials from the environment', () => {
  const token = { MLFLOW_TRACKING_TOKEN: 'tok-1234' };

  it.each<[string, Env, string, string | undefined]>([
    ['an https server named by MLFLOW_TRACKING_URI', { ...token, MLFLOW_TRACKING_URI: 'https://mlflow.example.com/' }, 'https://mlflow.example.com/api', 'Bearer tok-1234'],
    ['a loopback http server named by MLFLOW_TRACKING_URI', { ...token, MLFLOW_TRACKING_URI: 'http://localhost:5000' }, 'http://localhost:5000', 'Bearer tok-1234'],
    ['a plain http server on another computer, even the one named', { ...token, MLFLOW_TRACKING_URI: 'http://mlflow.example.com' }, 'http://mlflow.example.com', undefined],
    ['another port of the named host', { ...token, MLFLOW_TRACKING_URI: 'https://mlflow.example.com' }, 'https://mlflow.example.com:8443', undefined],
    ['any server when MLFLOW_TRACKING_URI is not set', token, 'https://mlflow.example.com', undefined],
  ])('%s', (_label, env, uri, header) => {
    const auth = trackingAuth(uri, env);
    expect(auth.header).toBe(header);
    if (header === undefined) expect(auth.withheld).toMatch(/^MLFLOW_TRACKING_TOKEN is sent only /);
  });

  it('says the environment was withheld for http, and still uses the user info of the URI the workspace names', () => {
    const auth = trackingAuth('http://bob:pw-5678@mlflow.example.com', { ...token, MLFLOW_TRACKING_URI: 'http://mlflow.example.com' });
    expect(auth.header).toBe(`Basic ${Buffer.from('bob:pw-5678').toString('base64')}`);
    expect(auth.withheld).toContain('only over https');
    expect(auth.secrets).toContain('pw-5678');
  });
});

describe('Azure storage credentials from the environment', () => {
  const identity = createIdentityProvider();
  const open = (endpoint: string, env: Env) => createBlobClient(endpoint, { kind: 'environment' }, env, identity);
  const refusal = (endpoint: string, env: Env): string => {
    try {
      open(endpoint, env);
    } catch (err) {
      expect(err).toBeInstanceOf(StratusError);
      return (err as StratusError).message;
    }
    throw new Error(`expected ${endpoint} to be refused`);
  };
  const keyString = (extra = '') => `AccountName=acct;AccountKey=${AZURITE_ACCOUNT_KEY}${extra}`;

  it('sends a connection string to its own account endpoint, with or without a trailing slash', () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: keyString() };
    expect(open('https://acct.blob.core.windows.net/', env).auth.method).toBe('AZURE_STORAGE_CONNECTION_STRING');
    expect(refusal('https://other.blob.core.windows.net', env)).toBe(
      'AZURE_STORAGE_CONNECTION_STRING is sent only to its own account endpoint, https://acct.blob.core.windows.net, not to https://other.blob.core.windows.net.',
    );
  });

  it('refuses a connection string whose own endpoint is plain http on another computer', () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: keyString(';DefaultEndpointsProtocol=http') };
    expect(refusal('http://acct.blob.core.windows.net', env)).toMatch(/only over https/);
  });

  it('refuses a SAS connection string that names no endpoint, wherever the workspace points', () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: 'SharedAccessSignature=sv=2024-01-01&sig=abc%3D' };
    expect(refusal('https://acct.blob.core.windows.net', env)).toMatch(/names no account or blob endpoint/);
  });

  it.each<[string, Env]>([
    ['https://acct.blob.core.windows.net', {}],
    ['https://acct.blob.core.chinacloudapi.cn/', {}],
    ['http://127.0.0.1:10000/devstoreaccount1', { METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1' }],
  ])('sends AZURE_STORAGE_ACCESS_KEY to %s', (endpoint, extra) => {
    expect(open(endpoint, { AZURE_STORAGE_ACCESS_KEY: AZURITE_ACCOUNT_KEY, ...extra }).auth.method).toBe('AZURE_STORAGE_ACCESS_KEY');
  });

  it.each<[string, Env, RegExp]>([
    ['https://evil.example.com/acct', {}, /only to an Azure storage account endpoint/],
    ['https://acct.blob.core.windows.net.evil.example.com', {}, /only to an Azure storage account endpoint/],
    ['http://10.0.0.5:10000/devstoreaccount1', { METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: 'http://10.0.0.5:10000/devstoreaccount1' }, /only over https/],
  ])('refuses AZURE_STORAGE_ACCESS_KEY for %s', (endpoint, extra, message) => {
    expect(refusal(endpoint, { AZURE_STORAGE_ACCESS_KEY: AZURITE_ACCOUNT_KEY, ...extra })).toMatch(message);
  });

  it.each<[string, Env]>([
    ['https://acct.blob.core.windows.net', {}],
    ['https://127.0.0.1:10000/devstoreaccount1', {}],
    ['https://storage.azurestack.example/acct', { METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: 'https://storage.azurestack.example/acct' }],
  ])('sends an Azure identity token to %s', (endpoint, env) => {
    expect(open(endpoint, env).auth.kind).toBe('identity');
    expect(createBlobClient(endpoint, { kind: 'identity' }, env, identity).auth.kind).toBe('identity');
  });

  it.each(['https://evil.example.com/acct', 'https://acct.blob.core.windows.net.evil.example.com'])(
    'never sends an Azure identity token, from the environment or chosen for the workspace, to %s',
    (endpoint) => {
      expect(refusal(endpoint, {})).toMatch(/identity's token is sent only to an Azure storage account endpoint/);
      expect(() => createBlobClient(endpoint, { kind: 'identity' }, {}, identity)).toThrow(/identity's token is sent only/);
    },
  );
});
