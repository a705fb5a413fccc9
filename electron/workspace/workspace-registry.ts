import { randomUUID } from 'node:crypto';
import type { WorkspaceInfo, WorkspaceInput } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { checkSysroot, formatSysroot, sysrootBlobPrefix } from '../../shared/sysroot.js';
import { openContainerStore } from '../azure/azure-object-store.js';
import type { Env } from '../azure/blob-client.js';
import { MetaflowDatastore } from '../metaflow/datastore.js';

export interface OpenWorkspace {
  info: WorkspaceInfo;
  metaflow: MetaflowDatastore;
}

/** Workspaces opened in this session. Credentials stay here, in main; the renderer only holds the id. */
export class WorkspaceRegistry {
  private readonly open = new Map<string, OpenWorkspace>();

  constructor(private readonly env: Env) {}

  async connect(input: WorkspaceInput): Promise<WorkspaceInfo> {
    // Main re-checks the sysroot even though the contract schema did: nothing reaches Azure unchecked.
    const sysroot = checkSysroot(input.sysroot);
    if (!sysroot.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: sysroot.errors.join(' ') });
    const { store, authMethod } = openContainerStore(input.endpoint, input.credential, this.env, sysroot.value.container);
    const root = sysrootBlobPrefix(sysroot.value);
    // One cheap listing proves the endpoint answers, the credential works and the container exists.
    await store.listHierarchy(root);
    const info: WorkspaceInfo = {
      id: randomUUID(),
      sysroot: formatSysroot(sysroot.value),
      container: sysroot.value.container,
      prefix: sysroot.value.prefix,
      endpoint: input.endpoint,
      authMethod,
    };
    this.open.set(info.id, { info, metaflow: new MetaflowDatastore(store, root) });
    return info;
  }

  get(id: string): OpenWorkspace {
    const workspace = this.open.get(id);
    if (!workspace) {
      throw new StratusError({ code: 'NO_WORKSPACE', message: 'This workspace is not open any more; connect again.' });
    }
    return workspace;
  }
}
