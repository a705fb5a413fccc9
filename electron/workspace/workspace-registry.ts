import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkspaceInfo, WorkspaceInput } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { checkSysroot, formatSysroot, sysrootBlobPrefix } from '../../shared/sysroot.js';
import { AzureObjectStore } from '../azure/azure-object-store.js';
import { STORAGE_SCOPES } from '../azure/bearer-token-policy.js';
import { createBlobClient, type ClientAuth, type Env, type IdentityProvider } from '../azure/blob-client.js';
import { principalFromToken } from '../azure/token-claims.js';
import { MetaflowDatastore } from '../metaflow/datastore.js';
import { LocalObjectStore } from '../storage/local-object-store.js';

export interface OpenWorkspace {
  info: WorkspaceInfo;
  metaflow: MetaflowDatastore;
}

export interface SavedRef {
  savedId: string;
  name: string;
}

/** Where the datastore of a Metaflow local sysroot lives: its `.metaflow` folder when it has one. */
async function localDatastoreRoot(folder: string): Promise<string> {
  const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);
  if (await isDir(path.join(folder, '.metaflow'))) return path.join(folder, '.metaflow');
  if (await isDir(folder)) return folder;
  throw new StratusError({ code: 'NOT_FOUND', message: `The folder ${folder} does not exist or is not a folder.` });
}

/** Workspaces opened in this session. Credentials stay here, in main; the renderer only holds the id. */
export class WorkspaceRegistry {
  private readonly open = new Map<string, OpenWorkspace>();

  constructor(
    private readonly env: Env,
    private readonly identity: IdentityProvider,
  ) {}

  async connect(input: WorkspaceInput, saved?: SavedRef): Promise<WorkspaceInfo> {
    const opened = input.kind === 'local' ? await this.openLocal(input.path) : await this.openAzure(input);
    const info: WorkspaceInfo = { ...opened.info, ...(saved ?? {}) };
    this.open.set(info.id, { info, metaflow: opened.metaflow });
    return info;
  }

  get(id: string): OpenWorkspace {
    const workspace = this.open.get(id);
    if (!workspace) {
      throw new StratusError({ code: 'NO_WORKSPACE', message: 'This workspace is not open any more; connect again.' });
    }
    return workspace;
  }

  private async openAzure(input: Exclude<WorkspaceInput, { kind: 'local' }>): Promise<OpenWorkspace> {
    // Main re-checks the sysroot even though the contract schema did: nothing reaches Azure unchecked.
    const sysroot = checkSysroot(input.sysroot);
    if (!sysroot.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: sysroot.errors.join(' ') });
    const { client, auth } = createBlobClient(input.endpoint, input.credential, this.env, this.identity);
    const store = new AzureObjectStore(client.getContainerClient(sysroot.value.container), input.endpoint, auth);
    const root = sysrootBlobPrefix(sysroot.value);
    // One cheap listing proves the endpoint answers, the credential works and the container exists.
    await store.listHierarchy(root);
    const name = formatSysroot(sysroot.value);
    return {
      info: {
        id: randomUUID(),
        kind: 'azure',
        sysroot: name,
        endpoint: input.endpoint,
        cardRoot: input.cardRoot ?? `${name}/mf.cards`,
        authMethod: auth.method,
        principal: await this.principal(auth),
      },
      metaflow: new MetaflowDatastore(store, root),
    };
  }

  private async openLocal(folder: string): Promise<OpenWorkspace> {
    const root = await localDatastoreRoot(folder);
    return {
      info: { id: randomUUID(), kind: 'local', sysroot: root, endpoint: pathToFileURL(root).href, authMethod: 'local folder' },
      metaflow: new MetaflowDatastore(new LocalObjectStore(root), ''),
    };
  }

  /** For an identity, the token the probe listing just cached says who signed in. */
  private async principal(auth: ClientAuth): Promise<string | undefined> {
    if (!auth.bearer) return auth.principal;
    const { token } = await this.identity.cache.getToken(auth.bearer.credential, STORAGE_SCOPES, auth.bearer.tenantId);
    return principalFromToken(token);
  }
}
