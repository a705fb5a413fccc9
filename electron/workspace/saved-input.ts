import type { CredentialInput, WorkspaceConfig, WorkspaceInput } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { joinUserInfo } from './uri-user-info.js';
import type { StoredSecrets } from './workspace-store.js';

function credential(config: Extract<WorkspaceConfig, { kind: 'azure' }>, secret: string | undefined): CredentialInput {
  const missing = () =>
    new StratusError({
      code: 'AUTH_FAILED',
      message: `The secret of "${config.name}" is not stored here: without an OS keychain (as in browser mode) secrets are kept in memory only, until Stratus stops.`,
      hint: 'Edit the workspace and enter its secret again.',
    });
  switch (config.auth) {
    case 'environment':
      return { kind: 'environment' };
    case 'identity':
      return { kind: 'identity', tenantId: config.tenantId };
    case 'connectionString':
      if (secret === undefined) throw missing();
      return { kind: 'connectionString', connectionString: secret };
    case 'accountKey':
      if (secret === undefined) throw missing();
      return { kind: 'accountKey', accountKey: secret };
    case 'sas':
      if (secret === undefined) throw missing();
      return { kind: 'sas', sas: secret };
  }
}

/** What opening a saved workspace amounts to: its settings plus the secrets from the vault. */
export function savedWorkspaceInput({ config, secret, trackingUserInfo, serviceSecrets }: StoredSecrets): WorkspaceInput {
  const uri = config.mlflowTrackingUri;
  const mlflow = {
    ...(uri === undefined ? {} : { mlflowTrackingUri: trackingUserInfo === undefined ? uri : joinUserInfo(uri, trackingUserInfo) }),
    ...(config.staleAfterHours === undefined ? {} : { staleAfterHours: config.staleAfterHours }),
    ...(config.metadataServiceUrl === undefined ? {} : { metadataService: { url: config.metadataServiceUrl, ...(serviceSecrets === undefined ? {} : { secrets: serviceSecrets }) } }),
  };
  if (config.kind === 'local') return { kind: 'local', path: config.path, ...mlflow };
  return { kind: 'azure', sysroot: config.sysroot, endpoint: config.endpoint, cardRoot: config.cardRoot, credential: credential(config, secret), ...mlflow };
}
