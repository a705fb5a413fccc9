import { z } from 'zod';
import { StratusErrorShape } from './errors.js';
import { checkSysroot, hasControlCharacters, MAX_SYSROOT_LENGTH } from './sysroot.js';

// The one declaration of every IPC channel and event. Main validates each call's
// arguments and result against these schemas; preload and the browser-mode client
// derive their types from them, so the two ends cannot drift apart.

/** One path segment of a blob name: never empty, '.', '..', or containing a separator. */
const opaqueSegment = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(256, `${what} is too long`)
    .refine((s) => !s.includes('/') && !s.includes('\\'), `${what} must not contain "/" or "\\"`)
    .refine((s) => s !== '.' && s !== '..', `${what} must not be "." or ".."`)
    .refine((s) => !hasControlCharacters(s), `${what} must not contain control characters`);

const secret = (what: string, max: number) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is too long`)
    .refine((s) => !hasControlCharacters(s), `${what} must not contain control characters or line breaks`);

/** Flow and step names are Python identifiers in Metaflow. */
const identifier = (what: string) =>
  z
    .string()
    .max(256, `${what} is too long`)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `${what} must be a Python identifier`);

export const FlowName = identifier('Flow name');
export const StepName = identifier('Step name');
export const RunId = opaqueSegment('Run id');
export const TaskId = opaqueSegment('Task id');

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

export const CredentialInput = z.discriminatedUnion('kind', [
  /** Whatever the main process finds in its environment (connection string, account key, Azure identity). */
  z.object({ kind: z.literal('environment') }).strict(),
  z.object({ kind: z.literal('connectionString'), connectionString: secret('The connection string', 4096) }).strict(),
  z.object({ kind: z.literal('accountKey'), accountKey: secret('The account key', 512) }).strict(),
]);
export type CredentialInput = z.infer<typeof CredentialInput>;

export const WorkspaceInput = z
  .object({ sysroot: Sysroot, endpoint: Endpoint, credential: CredentialInput })
  .strict();
export type WorkspaceInput = z.infer<typeof WorkspaceInput>;

export const WorkspaceId = z.string().uuid();

export const WorkspaceInfo = z.object({
  id: WorkspaceId,
  sysroot: z.string(),
  container: z.string(),
  prefix: z.string(),
  endpoint: z.string(),
  authMethod: z.string(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const WorkspaceDefaults = z.object({
  sysroot: z.string().optional(),
  endpoint: z.string().optional(),
  /** Which environment credential main would use; never the secret itself. */
  environmentCredential: z.enum(['connectionString', 'accountKey']).optional(),
});
export type WorkspaceDefaults = z.infer<typeof WorkspaceDefaults>;

export const MetaflowPath = z
  .object({
    workspaceId: WorkspaceId,
    flow: FlowName.optional(),
    run: RunId.optional(),
    step: StepName.optional(),
    task: TaskId.optional(),
  })
  .strict()
  .refine((p) => (p.run === undefined || p.flow !== undefined) && (p.step === undefined || p.run !== undefined) &&
    (p.task === undefined || p.step !== undefined), 'A run needs its flow, a step its run, and a task its step');
export type MetaflowPath = z.infer<typeof MetaflowPath>;

const Named = z.object({ name: z.string() });
export const ArtifactEntry = z.object({
  name: z.string(),
  sha: z.string(),
  /** Size of the uncompressed pickle, as Metaflow recorded it; null when not recorded. */
  size: z.number().int().nonnegative().nullable(),
  type: z.string().nullable(),
  encoding: z.string(),
});
export type ArtifactEntry = z.infer<typeof ArtifactEntry>;

export const MetaflowListing = z.discriminatedUnion('level', [
  z.object({ level: z.literal('flows'), entries: z.array(Named) }),
  z.object({ level: z.literal('runs'), entries: z.array(Named) }),
  z.object({ level: z.literal('steps'), entries: z.array(Named.extend({ pseudo: z.boolean() })) }),
  z.object({ level: z.literal('tasks'), entries: z.array(Named) }),
  z.object({ level: z.literal('artifacts'), attempt: z.number().int().nonnegative(), entries: z.array(ArtifactEntry) }),
]);
export type MetaflowListing = z.infer<typeof MetaflowListing>;

export const contract = {
  'workspace.defaults': { args: z.object({}).strict(), result: WorkspaceDefaults },
  'workspace.open': { args: WorkspaceInput, result: WorkspaceInfo },
  'metaflow.list': { args: MetaflowPath, result: MetaflowListing },
} as const;

export const events = {
  'workspace.opened': WorkspaceInfo,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ArgsOf<C extends Channel> = z.input<Contract[C]['args']>;
export type ResultOf<C extends Channel> = z.infer<Contract[C]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contract, value);
}

export type Reply<C extends Channel> = { ok: true; value: ResultOf<C> } | { ok: false; error: StratusErrorShape };

/** What preload exposes as `window.stratus`, and what browser mode implements over a WebSocket. */
export interface StratusApi {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<Reply<C>>;
  /** Returns a function that removes the listener. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Names the IPC transport uses; shared so preload and main agree. */
export const IPC_INVOKE = 'stratus:invoke';
export const IPC_EVENT = 'stratus:event';
