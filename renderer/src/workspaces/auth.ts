import type { AuthKind, WorkspaceConfig, WorkspaceDefaults } from '../../../shared/contract.js';

/** Sign-in methods whose secret the user types; main keeps it, the renderer never gets it back. */
export type SecretAuth = Extract<AuthKind, 'connectionString' | 'accountKey' | 'sas'>;

export function needsSecret(auth: AuthKind): auth is SecretAuth {
  return auth === 'connectionString' || auth === 'accountKey' || auth === 'sas';
}

export const AUTH_LABEL: Record<AuthKind, string> = {
  environment: 'From environment',
  connectionString: 'Connection string',
  accountKey: 'Account key',
  sas: 'SAS',
  identity: 'Azure identity',
};

export const SECRET_LABEL: Record<SecretAuth, string> = {
  connectionString: 'Connection string',
  accountKey: 'Account key',
  sas: 'SAS URL or token',
};

/** The secret in a sentence: "enter the account key". */
export const SECRET_NOUN: Record<SecretAuth, string> = {
  connectionString: 'connection string',
  accountKey: 'account key',
  sas: 'SAS',
};

/** The environment variable main would read for each kind of environment credential. */
export const ENVIRONMENT_VARIABLE: Record<NonNullable<WorkspaceDefaults['environmentCredential']>, string> = {
  connectionString: 'AZURE_STORAGE_CONNECTION_STRING',
  accountKey: 'AZURE_STORAGE_ACCESS_KEY',
};

/** "Azure identity", "Local folder", …: how a saved workspace signs in, for lists. */
export function describeAuth(config: WorkspaceConfig): string {
  if (config.kind === 'local') return 'Local folder';
  return config.auth === 'identity' && config.tenantId ? `${AUTH_LABEL.identity} (tenant ${config.tenantId})` : AUTH_LABEL[config.auth];
}

/** What a saved workspace lacks before it can connect: a secret that browser mode lost, say. */
export function secretMissing(config: WorkspaceConfig, hasSecret: boolean): boolean {
  return config.kind === 'azure' && needsSecret(config.auth) && !hasSecret;
}
