import { z } from 'zod';
import { checkSysroot, hasControlCharacters, MAX_SYSROOT_LENGTH } from '../sysroot.js';
import { Id, lineOfText } from './common.js';

export const Sysroot = z
  .string()
  .max(MAX_SYSROOT_LENGTH)
  .superRefine((value, ctx) => {
    const check = checkSysroot(value);
    if (!check.ok) for (const message of check.errors) ctx.addIssue({ code: 'custom', message });
  });

export const Endpoint = z
  .string()
  .max(2048)
  .refine((s) => !hasControlCharacters(s) && s.trim() === s, 'The endpoint must not contain spaces or control characters')
  .refine((s) => {
    try {
      const url = new URL(s);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'The endpoint must be an http(s) URL such as https://<account>.blob.core.windows.net');

/** An absolute folder path on this machine (POSIX, a Windows drive, or a UNC share). */
export const LocalPath = lineOfText('The folder', 4096).refine(
  (s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\'),
  'The folder must be an absolute path',
);

export const TenantId = z.string().max(100).regex(/^[A-Za-z0-9.-]{1,100}$/, 'A tenant is a GUID or a domain name');
export const TrackingUri = lineOfText('The MLflow tracking URI', 4096);
/** After how many hours without activity an unfinished Metaflow run counts as stale. */
export const StaleAfterHours = z
  .number({ message: 'Stale after must be a number of hours' })
  .min(0.05, 'Stale after must be at least 0.05 hours (3 minutes)')
  .max(8760, 'Stale after must be at most 8760 hours (a year)');

/** METAFLOW_SERVICE_URL: the team's Metaflow metadata service. */
export const ServiceUrl = lineOfText('The metadata service URL', 2048).refine((u) => /^https?:\/\//i.test(u), 'The metadata service URL starts with http:// or https://');
/** METAFLOW_SERVICE_AUTH_KEY and METAFLOW_SERVICE_HEADERS: secrets, kept in main once entered. */
export const ServiceSecretsInput = z
  .object({ authKey: lineOfText('The auth key', 4096).optional(), headers: lineOfText('The service headers', 8192).optional() })
  .strict();
/** An imported source (`environment` or a Metaflow profile's name) whose service auth key and headers main reads itself. */
export const ImportSource = lineOfText('The profile name', 200);
export const MetadataServiceInput = z
  .object({ url: ServiceUrl, secrets: ServiceSecretsInput.optional(), secretsFrom: ImportSource.optional() })
  .strict();

export const CredentialInput = z.discriminatedUnion('kind', [
  /** Whatever the main process finds in its environment (connection string, account key, Azure identity). */
  z.object({ kind: z.literal('environment') }).strict(),
  z.object({ kind: z.literal('connectionString'), connectionString: lineOfText('The connection string', 4096) }).strict(),
  z.object({ kind: z.literal('accountKey'), accountKey: lineOfText('The account key', 512) }).strict(),
  z.object({ kind: z.literal('sas'), sas: lineOfText('The SAS', 8192) }).strict(),
  /** DefaultAzureCredential: service principal from the environment, workload/managed identity, Azure CLI, VS Code, PowerShell. */
  z.object({ kind: z.literal('identity'), tenantId: TenantId.optional() }).strict(),
]);
export type CredentialInput = z.infer<typeof CredentialInput>;
export type AuthKind = CredentialInput['kind'];
export const AuthKind = z.enum(['environment', 'connectionString', 'accountKey', 'sas', 'identity']);

export const AzureWorkspaceInput = z
  .object({
    kind: z.literal('azure').optional(),
    sysroot: Sysroot,
    endpoint: Endpoint,
    credential: CredentialInput,
    cardRoot: Sysroot.optional(),
    mlflowTrackingUri: TrackingUri.optional(),
    staleAfterHours: StaleAfterHours.optional(),
    metadataService: MetadataServiceInput.optional(),
  })
  .strict();
export const LocalWorkspaceInput = z
  .object({
    kind: z.literal('local'),
    path: LocalPath,
    mlflowTrackingUri: TrackingUri.optional(),
    staleAfterHours: StaleAfterHours.optional(),
    metadataService: MetadataServiceInput.optional(),
  })
  .strict();
/** A workspace opened for this session only (the connect form's "connect without saving", the CLI). */
export const WorkspaceInput = z.union([AzureWorkspaceInput, LocalWorkspaceInput]);
export type WorkspaceInput = z.infer<typeof WorkspaceInput>;

/** What the sysroot's children look like (`electron/metaflow/sysroot-check.ts`) and where the flows are if not there. */
export const SysrootFinding = z.object({
  verdict: z.enum(['flows', 'metadata-only', 'empty', 'not-flows']),
  /** The problem in words; null when the sysroot holds flows. */
  message: z.string().max(4000).nullable(),
  /** Sysroots (Azure) or folders (local) that do hold flows, nearest first: each can be opened in one click. */
  suggestions: z.array(z.string().max(4096)).max(16),
});
export type SysrootFinding = z.infer<typeof SysrootFinding>;

export const WorkspaceInfo = z.object({
  id: Id,
  kind: z.enum(['azure', 'local']),
  /** The saved workspace it was opened from, if any. */
  savedId: Id.optional(),
  name: z.string().optional(),
  /** `<container>/<prefix>` for Azure, the datastore folder for a local workspace. */
  sysroot: z.string(),
  endpoint: z.string(),
  cardRoot: z.string().optional(),
  authMethod: z.string(),
  /** As whom: the account of a key, the scope of a SAS, the user or app of an Azure identity. */
  principal: z.string().optional(),
  /** The MLflow tracking URI browsed with this workspace, if any (credentials never included). */
  mlflowTrackingUri: z.string().optional(),
  /** Whether the sysroot holds Metaflow flows, checked against the data when it opened. */
  sysrootCheck: SysrootFinding.optional(),
  /** The Metaflow metadata service runs come from, if any (its auth key and headers never included). */
  metadataServiceUrl: z.string().optional(),
  /** The user whose namespace (`user:<name>`) run lists open in, as Metaflow's client picks it. */
  metaflowUser: z.string().optional(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const WorkspaceName = lineOfText('The name', 100);

/** A saved connection. Secrets are never part of it: main keeps them (encrypted where it can). */
export const WorkspaceConfig = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('azure'),
      name: WorkspaceName,
      sysroot: Sysroot,
      endpoint: Endpoint,
      cardRoot: Sysroot.optional(),
      mlflowTrackingUri: TrackingUri.optional(),
      auth: AuthKind,
      tenantId: TenantId.optional(),
      staleAfterHours: StaleAfterHours.optional(),
      metadataServiceUrl: ServiceUrl.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('local'),
      name: WorkspaceName,
      path: LocalPath,
      mlflowTrackingUri: TrackingUri.optional(),
      staleAfterHours: StaleAfterHours.optional(),
      metadataServiceUrl: ServiceUrl.optional(),
    })
    .strict(),
]);
export type WorkspaceConfig = z.infer<typeof WorkspaceConfig>;

export const SavedWorkspace = z.object({ id: Id, config: WorkspaceConfig, hasSecret: z.boolean() });
export type SavedWorkspace = z.infer<typeof SavedWorkspace>;

export const SaveWorkspaceArgs = z
  .object({
    /** Absent for a new workspace. */
    id: Id.optional(),
    config: WorkspaceConfig,
    /** The connection string, account key or SAS for auth kinds that need one; absent keeps the stored one. */
    secret: lineOfText('The secret', 8192).optional(),
    /** The metadata service's auth key and headers; absent keeps the stored ones (for the same service URL). */
    serviceSecrets: ServiceSecretsInput.optional(),
    /** Or: take them from this imported source (the renderer never sees them); `serviceSecrets` wins. */
    serviceSecretsFrom: ImportSource.optional(),
  })
  .strict();

export const WorkspaceList = z.object({
  workspaces: z.array(SavedWorkspace),
  /** False in browser mode: secrets live in memory only and are gone when the host stops. */
  secretsPersisted: z.boolean(),
});

export const ImportedWorkspace = z.object({
  source: z.string(),
  sysroot: z.string().optional(),
  endpoint: z.string().optional(),
  cardRoot: z.string().optional(),
  mlflowTrackingUri: z.string().optional(),
  environmentCredential: z.enum(['connectionString', 'accountKey']).optional(),
  /** For a profile: the variables set in the environment too, whose environment value is shown (it wins, as in Metaflow). */
  fromEnvironment: z.array(z.string().max(100)).max(8).optional(),
  /** METAFLOW_SERVICE_URL when the profile or environment uses the service (METAFLOW_DEFAULT_METADATA=service). */
  metadataServiceUrl: z.string().optional(),
  /** METAFLOW_SERVICE_AUTH_KEY / METAFLOW_SERVICE_HEADERS are set with it: only whether, the values stay in main. */
  serviceAuthKeySet: z.boolean().optional(),
  serviceHeadersSet: z.boolean().optional(),
  problems: z.array(z.string()),
});
export type ImportedWorkspace = z.infer<typeof ImportedWorkspace>;

export const WorkspaceDefaults = z.object({
  sysroot: z.string().optional(),
  endpoint: z.string().optional(),
  /** Which environment credential main would use; never the secret itself. */
  environmentCredential: z.enum(['connectionString', 'accountKey']).optional(),
});
export type WorkspaceDefaults = z.infer<typeof WorkspaceDefaults>;

/** Requests in flight the Settings dialog and main accept. */
export const TRANSFER_CONCURRENCY_RANGE = { min: 1, max: 1024 } as const;
/**
 * Bandwidth caps the Settings dialog and main accept, MiB/s. The engine counts whole bytes per second and
 * reads 0 as no cap, so a cap must stay well above a byte per second or a tiny one would lift the cap.
 */
export const TRANSFER_BANDWIDTH_RANGE = { min: 0.01, max: 100_000 } as const;

const concurrencyRange = `must be a whole number from ${TRANSFER_CONCURRENCY_RANGE.min} to ${TRANSFER_CONCURRENCY_RANGE.max} (leave it out for automatic)`;
const bandwidthRange = `must be from ${TRANSFER_BANDWIDTH_RANGE.min} to ${TRANSFER_BANDWIDTH_RANGE.max} MiB/s (leave it out for no cap)`;

export const Settings = z
  .object({
    debugLogging: z.boolean(),
    /** Upper bound on transfer requests in flight; the engine tunes below it. */
    transferMaxConcurrency: z
      .number()
      .int(concurrencyRange)
      .min(TRANSFER_CONCURRENCY_RANGE.min, concurrencyRange)
      .max(TRANSFER_CONCURRENCY_RANGE.max, concurrencyRange)
      .optional(),
    /** Bandwidth cap over all transfers, MiB/s; absent for none. */
    transferBandwidthMiBps: z
      .number()
      .min(TRANSFER_BANDWIDTH_RANGE.min, bandwidthRange)
      .max(TRANSFER_BANDWIDTH_RANGE.max, bandwidthRange)
      .optional(),
    /** Metaflow runs with no activity for this long are stale (default 2); a workspace may set its own. */
    staleAfterHours: StaleAfterHours.optional(),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;
