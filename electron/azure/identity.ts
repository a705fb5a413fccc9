import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import type { IdentityProvider } from './blob-client.js';
import { TokenCache } from './token-cache.js';

/**
 * The app's Azure identity: one DefaultAzureCredential per tenant (so every client shares its
 * tokens through the one cache), created on first use because probing for the Azure CLI or a
 * managed identity costs time that key and SAS users should not pay.
 */
export function createIdentityProvider(
  cache = new TokenCache(),
  makeCredential: (tenantId?: string) => TokenCredential = (tenantId) => new DefaultAzureCredential(tenantId ? { tenantId } : {}),
): IdentityProvider {
  const credentials = new Map<string, TokenCredential>();
  return {
    cache,
    credential(tenantId) {
      const key = tenantId ?? '';
      let credential = credentials.get(key);
      if (!credential) {
        credential = makeCredential(tenantId);
        credentials.set(key, credential);
      }
      return credential;
    },
  };
}
