import type { ArtifactEntry } from '../../../shared/contract.js';
import { StratusError } from '../../../shared/errors.js';
import type { WireArtifact } from './service-wire.js';

// Where the service says a task's data is, checked against the workspace before anything is read: an artifact
// record's `location` (`:root:<sysroot>`) and `ds_type`, and a task's `ds-root`, must name this workspace's own
// datastore. A service is a server like any other: a record pointing at another container or prefix is refused,
// never followed, so the workspace's credentials read only the datastore the user opened.

const ROOT_PREFIX = ':root:';

export interface DatastoreIdentity {
  /** `azure` or `local`, as Metaflow's `ds_type` names them. */
  dsType: string;
  /** The sysroots that name this datastore (`container/prefix`, or a local folder), without trailing slashes. */
  roots: readonly string[];
}

const trim = (root: string) => root.replace(/\/+$/, '');

function refuse(what: string, where: string, identity: DatastoreIdentity): StratusError {
  return new StratusError({
    code: 'FORBIDDEN',
    message: `The metadata service places ${what} at "${where.slice(0, 300)}", outside this workspace's datastore (${identity.roots[0] ?? '?'}); Stratus does not read it.`,
    hint: 'The service and the workspace must name the same datastore: check the workspace\'s sysroot against METAFLOW_DATASTORE_SYSROOT_AZURE.',
  });
}

/** Checks a `ds-root` value (a sysroot) names this datastore; a task that recorded none is read from the workspace's. */
export function checkDsRoot(dsRoot: string | null, identity: DatastoreIdentity, what: string): void {
  if (dsRoot !== null && !identity.roots.includes(trim(dsRoot))) throw refuse(what, dsRoot, identity);
}

/** The artifact as the datastore readers take it, once its record is checked to be in this datastore. */
export function artifactEntry(record: WireArtifact, identity: DatastoreIdentity): ArtifactEntry {
  const what = `the artifact "${record.name}" of task ${record.step_name}/${record.task_id}`;
  const location = record.location ?? '';
  if (!location.startsWith(ROOT_PREFIX)) throw refuse(what, location, identity);
  checkDsRoot(location.slice(ROOT_PREFIX.length), identity, what);
  if (record.ds_type !== undefined && record.ds_type !== null && record.ds_type !== identity.dsType) {
    throw refuse(what, `${record.ds_type} datastore ${location}`, identity);
  }
  // The service keeps the pickle's encoding as `content_type`; neither the value's size nor its Python type.
  return { name: record.name, sha: record.sha, size: null, type: null, encoding: record.content_type ?? 'gzip+pickle-v2' };
}
