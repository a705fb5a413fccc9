import type { CredentialInput, WorkspaceDefaults } from '../../../shared/contract.js';

export type CredentialKind = CredentialInput['kind'];

export interface CredentialDraft {
  kind: CredentialKind;
  connectionString: string;
  accountKey: string;
}

/** The environment variable main would read for each kind of environment credential. */
export const ENVIRONMENT_VARIABLE: Record<NonNullable<WorkspaceDefaults['environmentCredential']>, string> = {
  connectionString: 'AZURE_STORAGE_CONNECTION_STRING',
  accountKey: 'AZURE_STORAGE_ACCESS_KEY',
};

export function initialCredential(defaults: WorkspaceDefaults): CredentialDraft {
  return { kind: defaults.environmentCredential ? 'environment' : 'connectionString', connectionString: '', accountKey: '' };
}

/** The credential to send, or undefined while the chosen kind still lacks its secret. */
export function toCredentialInput(draft: CredentialDraft): CredentialInput | undefined {
  switch (draft.kind) {
    case 'environment':
      return { kind: 'environment' };
    case 'connectionString':
      return draft.connectionString.trim() === '' ? undefined : { kind: 'connectionString', connectionString: draft.connectionString.trim() };
    case 'accountKey':
      return draft.accountKey.trim() === '' ? undefined : { kind: 'accountKey', accountKey: draft.accountKey.trim() };
  }
}
