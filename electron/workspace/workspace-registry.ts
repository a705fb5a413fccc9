import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SysrootFinding, WorkspaceInfo, WorkspaceInput } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { checkSysroot, formatSysroot, sysrootBlobPrefix } from '../../shared/sysroot.js';
import { redactUri } from '../mlflow/sources/rest-client.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { AzureObjectStore } from '../azure/azure-object-store.js';
import { STORAGE_SCOPES } from '../azure/bearer-token-policy.js';
import { createBlobClient, type ClientAuth, type Env, type IdentityProvider } from '../azure/blob-client.js';
import { principalFromToken } from '../azure/token-claims.js';
import { ArtifactReader } from '../metaflow/artifacts.js';
import { workspaceKey } from '../index/index-location.js';
import { IndexPool } from '../index/index-pool.js';
import type { MetaflowIndex } from '../index/metaflow-index.js';
import { MetaflowDatastore } from '../metaflow/datastore.js';
import { IndexedRuns } from '../metaflow/indexed-runs.js';
import { LocalMetadata } from '../metaflow/local-metadata.js';
import { MetaflowRuns } from '../metaflow/runs.js';
import { applyMove, checkSysrootData, describeReport } from '../metaflow/sysroot-check.js';
import { metaflowUser, openService } from '../metaflow/service/open-service.js';
import { ServiceRunList } from '../metaflow/service/service-run-list.js';
import { ServiceRunReader } from '../metaflow/service/service-run-reader.js';
import type { ObjectStore } from '../storage/object-store.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { ArtifactRoots } from '../mlflow/artifact-roots.js';
import { openMlflowSource } from '../mlflow/open-source.js';
import type { MlflowSource } from '../mlflow/source.js';

export interface OpenWorkspace {
  info: WorkspaceInfo;
  metaflow: MetaflowDatastore;
  runs: MetaflowRuns;
  /** Run lists and run views through the local index. */
  indexed: IndexedRuns;
  /** This workspace's own stale threshold, if it sets one (else the app setting's). */
  staleAfterHours?: number;
  metadata: LocalMetadata;
  /** Where cards live: the card root may be in another container than the datastore. */
  cards: { store: ObjectStore; prefix: string };
  /** The datastore's store and sysroot blob prefix ('' or ending in '/'), for walks the readers do not offer (gc). */
  datastore: { store: ObjectStore; root: string };
  /** Azure workspaces only. */
  azure?: AzureAccess;
  /** The MLflow store of the workspace's tracking URI, opened on first use. */
  mlflow?: Promise<MlflowSource>;
  /** The key of the shared index this workspace holds, released when it closes. */
  indexKey?: string;
  /** That index (undefined when the app keeps none, as in the CLI, or it could not be opened). */
  index?: Promise<MetaflowIndex | undefined>;
  /** Runs, users, tags and liveness from the team's Metaflow metadata service, when the workspace names one. */
  service?: ServiceRunList;
  /** Run, step and task views from the metadata service (artifacts and logs still from this datastore). */
  serviceRuns?: ServiceRunReader;
}

type Opened = Omit<OpenWorkspace, 'indexed'>;

/** The readers of one datastore, whichever store it is in. */
function readers(store: ObjectStore, root: string) {
  const metadata = new LocalMetadata(store, root);
  return { datastore: { store, root }, metaflow: new MetaflowDatastore(store, root), metadata, runs: new MetaflowRuns(store, root, new ArtifactReader(store, root), metadata) };
}

/** Metaflow's default card root inside a datastore (METAFLOW_CARD_LOCALROOT / `<sysroot>/mf.cards`). */
const CARD_FOLDER = 'mf.cards';

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

/** Checks the sysroot against its data; suggestions are named as the user would type them (sysroot or folder). */
async function checkOpened({ info, datastore }: Opened): Promise<SysrootFinding> {
  const local = info.kind === 'local';
  const [container, ...rest] = info.sysroot.split('/');
  const segments = local ? [] : rest;
  const report = await checkSysrootData(datastore.store, segments, local ? { up: 2, listable: 0 } : { up: segments.length, listable: segments.length });
  const suggestions = report.suggestions.map((move) =>
    local ? path.join(info.sysroot, ...Array<string>(move.up).fill('..'), ...move.down) : [container, ...applyMove(segments, move)].join('/'),
  );
  return { verdict: report.verdict, message: describeReport(info.sysroot, report, suggestions), suggestions };
}

/** Workspaces opened in this session. Credentials stay here, in main; the renderer only holds the id. */
export class WorkspaceRegistry {
  private readonly open = new Map<string, OpenWorkspace>();
  /** Kept apart from WorkspaceInfo, which only shows the URI without credentials. */
  private readonly trackingUris = new Map<string, string>();
  /** What each open workspace was opened with, so a suggested sysroot opens with the same sign-in. */
  private readonly inputs = new Map<string, WorkspaceInput>();
  /** None (CLI) means every read goes to the datastore. */
  private readonly indexes: IndexPool | undefined;

  constructor(
    private readonly env: Env,
    private readonly identity: IdentityProvider,
    /** Where each workspace's local index lives. */
    userDataDir: string | undefined,
    private readonly onRunsRefreshed: (workspaceId: string, flow: string) => void,
  ) {
    this.indexes = userDataDir === undefined ? undefined : new IndexPool(userDataDir);
  }

  async connect(input: WorkspaceInput, saved?: SavedRef): Promise<WorkspaceInfo> {
    // The service is checked (URL, headers) before anything is opened, so a bad one fails the connect at once.
    const service = input.metadataService === undefined ? undefined : openService(input.metadataService, this.env);
    const opened = input.kind === 'local' ? await this.openLocal(input.path) : await this.openAzure(input);
    const user = service ? metaflowUser(this.env) : undefined;
    const info: WorkspaceInfo = {
      ...opened.info,
      ...(saved ?? {}),
      sysrootCheck: await checkOpened(opened),
      ...(input.mlflowTrackingUri === undefined ? {} : { mlflowTrackingUri: redactUri(input.mlflowTrackingUri) }),
      ...(service ? { metadataServiceUrl: service.client.base } : {}),
      ...(user === undefined ? {} : { metaflowUser: user }),
    };
    // The index opens with the workspace, so reopening a flow costs only its query.
    const indexKey = this.indexes ? workspaceKey(info) : undefined;
    const index = this.indexes && indexKey !== undefined ? this.indexes.acquire(indexKey) : Promise.resolve(undefined);
    const indexed = new IndexedRuns(opened.runs, opened.metadata, index, (flow) => this.onRunsRefreshed(info.id, flow));
    const serviceList = service && new ServiceRunList(service, index, user, (flow) => this.onRunsRefreshed(info.id, flow));
    const { store, root } = opened.datastore;
    const serviceRuns = service && new ServiceRunReader(service, new ArtifactReader(store, root), store, root, { dsType: info.kind, roots: [info.sysroot] });
    this.open.set(info.id, { ...opened, info, indexed, indexKey, index, staleAfterHours: input.staleAfterHours, service: serviceList, serviceRuns });
    if (input.mlflowTrackingUri !== undefined) this.trackingUris.set(info.id, input.mlflowTrackingUri);
    this.inputs.set(info.id, input);
    return info;
  }

  /** Opens the workspace again on a sysroot its check suggested; any other sysroot is refused (it goes through the form). */
  async useSysroot(id: string, target: string | { path: string }): Promise<WorkspaceInfo> {
    const { info } = this.get(id);
    const input = this.inputs.get(id);
    const wanted = typeof target === 'string' ? target : target.path;
    const fits = input !== undefined && (input.kind === 'local') === (typeof target !== 'string');
    if (!input || !fits || !info.sysrootCheck?.suggestions.includes(wanted)) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: `${wanted} is not a sysroot suggested for this workspace.` });
    }
    return this.connect(input.kind === 'local' ? { ...input, path: wanted } : { ...input, sysroot: wanted });
  }

  /** What a workspace was opened with (credentials included: main only). */
  input(id: string): WorkspaceInput | undefined {
    return this.inputs.get(id);
  }

  /** The workspace's MLflow store, opened on first use; NOT_FOUND when it has no tracking URI. */
  mlflow(id: string): Promise<MlflowSource> {
    const workspace = this.get(id);
    const uri = this.trackingUris.get(id);
    if (uri === undefined) {
      return Promise.reject(
        new StratusError({ code: 'NOT_FOUND', message: 'This workspace has no MLflow tracking URI.', hint: 'Edit the workspace and set its MLflow tracking URI.' }),
      );
    }
    if (!workspace.mlflow) {
      const roots = new ArtifactRoots(this.env, this.identity, workspace.azure);
      const opening = openMlflowSource(uri, this.env, roots);
      // A failed open is not kept: the next call tries again (the file may appear, the server come up).
      opening.catch(() => {
        if (workspace.mlflow === opening) workspace.mlflow = undefined;
      });
      workspace.mlflow = opening;
    }
    return workspace.mlflow;
  }

  /** Resolves MLflow artifact URIs to blobs, the workspace's own Azure access first (as its MLflow store does). */
  artifactRoots(id: string): ArtifactRoots {
    return new ArtifactRoots(this.env, this.identity, this.get(id).azure);
  }

  get(id: string): OpenWorkspace {
    const workspace = this.open.get(id);
    if (!workspace) {
      throw new StratusError({ code: 'NO_WORKSPACE', message: 'This workspace is not open any more; connect again.' });
    }
    return workspace;
  }

  /** The workspace's Azure access, or why a workspace has none (a local folder). */
  azure(id: string): AzureAccess {
    const workspace = this.get(id);
    if (!workspace.azure) {
      throw new StratusError({
        code: 'INVALID_ARGUMENT',
        message: `Browsing, uploading and downloading blobs need an Azure workspace; ${workspace.info.sysroot} is a local folder.`,
        hint: 'Open a workspace with an Azure sysroot to browse, upload or download blobs.',
      });
    }
    return workspace.azure;
  }

  /** Forgets the workspace: its MLflow store closes, and its index too unless another open workspace reads the same data. */
  async close(id: string): Promise<void> {
    const workspace = this.open.get(id);
    if (!workspace) return;
    this.open.delete(id);
    this.trackingUris.delete(id);
    this.inputs.delete(id);
    const source = workspace.mlflow;
    workspace.mlflow = undefined;
    await Promise.all([
      source?.then((s) => s.close(), () => undefined),
      workspace.indexKey === undefined ? undefined : this.indexes?.release(workspace.indexKey),
    ]);
  }

  /** Closes every open workspace and every index worker. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
    await this.indexes?.close();
  }

  private async openAzure(input: Exclude<WorkspaceInput, { kind: 'local' }>): Promise<Opened> {
    // Main re-checks the sysroot even though the contract schema did: nothing reaches Azure unchecked.
    const sysroot = checkSysroot(input.sysroot);
    if (!sysroot.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: sysroot.errors.join(' ') });
    const { client, auth } = createBlobClient(input.endpoint, input.credential, this.env, this.identity);
    const store = new AzureObjectStore(client.getContainerClient(sysroot.value.container), input.endpoint, auth);
    const root = sysrootBlobPrefix(sysroot.value);
    // One cheap listing proves the endpoint answers, the credential works and the container exists.
    await store.listHierarchy(root);
    const name = formatSysroot(sysroot.value);
    const cardRoot = checkSysroot(input.cardRoot ?? `${name}/mf.cards`);
    if (!cardRoot.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Card root: ${cardRoot.errors.join(' ')}` });
    const cardStore =
      cardRoot.value.container === sysroot.value.container
        ? store
        : new AzureObjectStore(client.getContainerClient(cardRoot.value.container), input.endpoint, auth);
    return {
      info: {
        id: randomUUID(),
        kind: 'azure',
        sysroot: name,
        endpoint: input.endpoint,
        cardRoot: formatSysroot(cardRoot.value),
        authMethod: auth.method,
        principal: await this.principal(auth),
      },
      ...readers(store, root),
      cards: { store: cardStore, prefix: sysrootBlobPrefix(cardRoot.value) },
      azure: { service: client, container: sysroot.value.container, endpoint: input.endpoint, auth },
    };
  }

  private async openLocal(folder: string): Promise<Opened> {
    const root = await localDatastoreRoot(folder);
    const store = new LocalObjectStore(root);
    return {
      info: { id: randomUUID(), kind: 'local', sysroot: root, endpoint: pathToFileURL(root).href, cardRoot: path.join(root, CARD_FOLDER), authMethod: 'local folder' },
      ...readers(store, ''),
      cards: { store, prefix: `${CARD_FOLDER}/` },
    };
  }

  /** For an identity, the token the probe listing just cached says who signed in. */
  private async principal(auth: ClientAuth): Promise<string | undefined> {
    if (!auth.bearer) return auth.principal;
    const { token } = await this.identity.cache.getToken(auth.bearer.credential, STORAGE_SCOPES, auth.bearer.tenantId);
    return principalFromToken(token);
  }
}
