import {
  CredentialInput,
  Endpoint,
  LocalPath,
  ServiceUrl,
  StaleAfterHours,
  TrackingUri,
  WorkspaceName,
  type AuthKind,
  type ImportedWorkspace,
  type WorkspaceConfig,
  type WorkspaceDefaults,
  type WorkspaceInput,
} from '../../../shared/contract.js';
import { parseServiceHeaders } from '../../../shared/service-headers.js';
import { checkSysroot, type SysrootCheck } from '../../../shared/sysroot.js';
import { needsSecret, SECRET_NOUN } from './auth.js';

// The workspace form as typed, and what it amounts to: field messages from the contract's own
// schemas (so the form and main agree), and the save / open arguments once they are valid.

export interface WorkspaceDraft {
  name: string;
  kind: 'azure' | 'local';
  sysroot: string;
  endpoint: string;
  /** '' means Metaflow's default, `<sysroot>/mf.cards`. */
  cardRoot: string;
  mlflowTrackingUri: string;
  auth: AuthKind;
  /** The connection string, account key or SAS of the chosen method; '' on edit keeps the stored one. */
  secret: string;
  tenantId: string;
  path: string;
  /** Hours before an unfinished run with no activity is stale; '' uses the app setting. */
  staleAfterHours: string;
  /** METAFLOW_SERVICE_URL; '' for none (runs from the datastore alone). */
  metadataServiceUrl: string;
  /** METAFLOW_SERVICE_AUTH_KEY; '' on edit keeps the stored one (for the same service URL). */
  serviceAuthKey: string;
  /** METAFLOW_SERVICE_HEADERS, a JSON object of header name to value; '' for none typed. */
  serviceHeaders: string;
  /** Imported from a profile or the environment that sets the service's auth key or headers: main reads them there. */
  serviceImport?: { source: string; url: string; authKey: boolean; headers: boolean };
}

const EMPTY: WorkspaceDraft = {
  name: '',
  kind: 'azure',
  sysroot: '',
  endpoint: '',
  cardRoot: '',
  mlflowTrackingUri: '',
  // Always usable: an environment key when main has one, else DefaultAzureCredential as Metaflow uses.
  auth: 'environment',
  secret: '',
  tenantId: '',
  path: '',
  staleAfterHours: '',
  metadataServiceUrl: '',
  serviceAuthKey: '',
  serviceHeaders: '',
};

export function draftFromDefaults(defaults: WorkspaceDefaults): WorkspaceDraft {
  return { ...EMPTY, sysroot: defaults.sysroot ?? '', endpoint: defaults.endpoint ?? '' };
}

export function draftFromImport(candidate: ImportedWorkspace): WorkspaceDraft {
  return {
    ...EMPTY,
    name: candidate.source === 'environment' ? 'Environment' : candidate.source,
    sysroot: candidate.sysroot ?? '',
    endpoint: candidate.endpoint ?? '',
    cardRoot: candidate.cardRoot ?? '',
    mlflowTrackingUri: candidate.mlflowTrackingUri ?? '',
    metadataServiceUrl: candidate.metadataServiceUrl ?? '',
    ...(candidate.metadataServiceUrl !== undefined && (candidate.serviceAuthKeySet || candidate.serviceHeadersSet)
      ? {
          serviceImport: {
            source: candidate.source,
            url: candidate.metadataServiceUrl,
            authKey: candidate.serviceAuthKeySet === true,
            headers: candidate.serviceHeadersSet === true,
          },
        }
      : {}),
  };
}

/** The imported source whose service secrets main takes, while the URL is still the one they came with and none is typed. */
export function importedServiceSecrets(draft: WorkspaceDraft): WorkspaceDraft['serviceImport'] {
  const typed = draft.serviceAuthKey.trim() !== '' || draft.serviceHeaders.trim() !== '';
  return !typed && draft.serviceImport?.url === draft.metadataServiceUrl.trim() ? draft.serviceImport : undefined;
}

export function draftFromSaved(config: WorkspaceConfig): WorkspaceDraft {
  const common = {
    ...EMPTY,
    name: config.name,
    mlflowTrackingUri: config.mlflowTrackingUri ?? '',
    staleAfterHours: config.staleAfterHours === undefined ? '' : String(config.staleAfterHours),
    metadataServiceUrl: config.metadataServiceUrl ?? '',
  };
  if (config.kind === 'local') return { ...common, kind: 'local', path: config.path };
  return {
    ...common,
    sysroot: config.sysroot,
    endpoint: config.endpoint,
    cardRoot: config.cardRoot ?? '',
    auth: config.auth,
    tenantId: config.tenantId ?? '',
  };
}

/** The saved workspace being edited, as far as its secret goes. */
export interface StoredSecret {
  auth: AuthKind;
  /** Main keeps a secret only for the sign-in method and endpoint it was entered for. */
  endpoint: string;
  present: boolean;
}

export type DraftField =
  | 'name'
  | 'endpoint'
  | 'cardRoot'
  | 'mlflowTrackingUri'
  | 'secret'
  | 'tenantId'
  | 'path'
  | 'staleAfterHours'
  | 'metadataServiceUrl'
  | 'serviceHeaders';

export interface DraftCheck {
  sysroot: SysrootCheck;
  /** Messages for values that are present but wrong; empty required fields are listed in `missing`. */
  errors: Partial<Record<DraftField, string[]>>;
  /** What Save still needs typed in ("a name", "the account key"). */
  missing: string[];
  /** On edit with the same sign-in method, an empty secret field keeps the stored secret. */
  keepsSecret: boolean;
  save?: { config: WorkspaceConfig; secret?: string; serviceSecrets?: ServiceSecrets; serviceSecretsFrom?: string };
  /** "Connect without saving" needs the secret itself, so a kept one does not do. */
  open?: WorkspaceInput;
}

interface Checkable {
  safeParse(value: unknown): { success: boolean; error?: { issues: readonly { message: string }[] } };
}

function problems(schema: Checkable, value: unknown): string[] {
  return schema.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];
}

function credentialOf(draft: WorkspaceDraft, secret: string, tenantId: string): CredentialInput {
  switch (draft.auth) {
    case 'environment':
      return { kind: 'environment' };
    case 'identity':
      return tenantId === '' ? { kind: 'identity' } : { kind: 'identity', tenantId };
    case 'connectionString':
      return { kind: 'connectionString', connectionString: secret };
    case 'accountKey':
      return { kind: 'accountKey', accountKey: secret };
    case 'sas':
      return { kind: 'sas', sas: secret };
  }
}

type ServiceSecrets = { authKey?: string; headers?: string };

export function checkDraft(draft: WorkspaceDraft, stored?: StoredSecret): DraftCheck {
  const errors: DraftCheck['errors'] = {};
  const missing: string[] = [];
  const report = (field: DraftField, messages: string[]) => {
    if (messages.length > 0) errors[field] = messages;
  };
  const name = draft.name.trim();
  const mlflowTrackingUri = draft.mlflowTrackingUri.trim();
  if (name === '') missing.push('a name');
  else report('name', problems(WorkspaceName, name));
  if (mlflowTrackingUri !== '') report('mlflowTrackingUri', problems(TrackingUri, mlflowTrackingUri));
  const staleText = draft.staleAfterHours.trim();
  const staleAfterHours = staleText === '' ? undefined : Number(staleText);
  if (staleAfterHours !== undefined) report('staleAfterHours', problems(StaleAfterHours, staleAfterHours));
  // Saving and "Connect without saving" take the same optional fields: the tracking URI and the stale threshold.
  const optional = { ...(mlflowTrackingUri === '' ? {} : { mlflowTrackingUri }), ...(staleAfterHours === undefined ? {} : { staleAfterHours }) };
  const serviceUrl = draft.metadataServiceUrl.trim();
  const authKey = draft.serviceAuthKey.trim();
  const headers = draft.serviceHeaders.trim();
  if (serviceUrl !== '') report('metadataServiceUrl', problems(ServiceUrl, serviceUrl));
  if (serviceUrl !== '' && headers !== '') {
    const parsed = parseServiceHeaders(headers);
    report('serviceHeaders', parsed.ok ? [] : parsed.errors);
  }
  // The service URL is saved in the config; its auth key and headers go to main's vault, and with "Connect without
  // saving" along with the URL. Imported ones are read by main from their source and never pass through here.
  const savedService = serviceUrl === '' ? {} : { metadataServiceUrl: serviceUrl };
  const typedSecrets = { ...(authKey === '' ? {} : { authKey }), ...(headers === '' ? {} : { headers }) };
  const serviceSecrets = serviceUrl !== '' && Object.keys(typedSecrets).length > 0 ? typedSecrets : undefined;
  const imported = serviceUrl === '' ? undefined : importedServiceSecrets(draft)?.source;
  const fromImport = imported === undefined ? {} : { serviceSecretsFrom: imported };
  const openService =
    serviceUrl === '' ? {} : { metadataService: { url: serviceUrl, ...(serviceSecrets ? { secrets: serviceSecrets } : {}), ...(imported === undefined ? {} : { secretsFrom: imported }) } };

  if (draft.kind === 'local') {
    const path = draft.path.trim();
    if (path === '') missing.push('the folder');
    else report('path', problems(LocalPath, path));
    const valid = path !== '' && Object.keys(errors).length === 0;
    return {
      sysroot: checkSysroot(draft.sysroot),
      errors,
      missing,
      keepsSecret: false,
      save: valid && name !== '' ? { config: { kind: 'local', name, path, ...optional, ...savedService }, serviceSecrets, ...fromImport } : undefined,
      open: valid ? { kind: 'local', path, ...optional, ...openService } : undefined,
    };
  }

  const sysroot = checkSysroot(draft.sysroot);
  const endpoint = draft.endpoint.trim();
  const cardRoot = draft.cardRoot.trim();
  const secret = draft.secret.trim();
  const tenantId = draft.tenantId.trim();
  if (endpoint === '') missing.push('the blob endpoint');
  else report('endpoint', problems(Endpoint, endpoint));
  if (cardRoot !== '') {
    const check = checkSysroot(cardRoot);
    report('cardRoot', check.ok ? [] : check.errors);
  }
  const secretNeeded = needsSecret(draft.auth);
  const keepsSecret = secretNeeded && secret === '' && stored?.present === true && stored.auth === draft.auth &&
    stored.endpoint === draft.endpoint.trim();
  const credential = credentialOf(draft, secret, tenantId);
  if (needsSecret(draft.auth) && secret === '') {
    if (!keepsSecret) missing.push(`the ${SECRET_NOUN[draft.auth]}`);
  } else {
    report(secretNeeded ? 'secret' : 'tenantId', problems(CredentialInput, credential));
  }

  const valid = sysroot.ok && endpoint !== '' && Object.keys(errors).length === 0;
  const azure = { sysroot: draft.sysroot, endpoint, ...(cardRoot === '' ? {} : { cardRoot }) };
  const config: WorkspaceConfig = {
    kind: 'azure',
    name,
    ...azure,
    ...optional,
    ...savedService,
    auth: draft.auth,
    ...(draft.auth === 'identity' && tenantId !== '' ? { tenantId } : {}),
  };
  const secretTyped = secretNeeded && secret !== '';
  return {
    sysroot,
    errors,
    missing,
    keepsSecret,
    save: valid && name !== '' && (!secretNeeded || secretTyped || keepsSecret) ? { config, secret: secretTyped ? secret : undefined, serviceSecrets, ...fromImport } : undefined,
    open: valid && (!secretNeeded || secretTyped) ? { kind: 'azure', ...azure, credential, ...optional, ...openService } : undefined,
  };
}
