import { z } from 'zod';
import { hasControlCharacters } from '../sysroot.js';
import { DeletePolicy } from './blob-details.js';
import { Id, identifier, lineOfText } from './common.js';

// Garbage collection of a Metaflow artifact store (unreferenced CAS blobs) and of MLflow runs in
// the deleted stage: a plan (dry run) first, then execution of that plan after the user types the
// workspace's name.

export const GcTarget = z.enum(['metaflow', 'mlflow']);
export type GcTarget = z.infer<typeof GcTarget>;

/** MLflow's `--older-than` form: `#d#h#m#s`, e.g. `30d` or `1d2h`. */
export const OlderThan = z
  .string()
  .max(40, 'older than is too long')
  .regex(/^(?=\d)(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/, 'older than must look like 30d, 12h or 1d2h30m');

/** `sqlite:///<absolute path>` of an MLflow tracking database, or a tracking server (artifacts only). */
export const GcTrackingUri = lineOfText('The tracking URI', 4096).refine(
  (s) => /^sqlite:\/\/\/./.test(s) || /^https?:\/\/[^/\s]+/i.test(s),
  'gc needs the tracking database (sqlite:////path/to/mlflow.db) or a tracking server (http(s)://…)',
);

export const GcPlanArgs = z
  .object({
    workspaceId: Id,
    target: GcTarget,
    /** Metaflow: only these flows (default: all). */
    flows: z.array(identifier('A flow name')).min(1).max(1000).optional(),
    /** Metaflow: only blobs last modified longer ago than this may go (default 7 days, never under 1 hour). */
    graceHours: z.number().min(1, 'the grace period is at least 1 hour').max(24 * 3650).optional(),
    /** MLflow: only runs deleted (experiments last updated) longer ago than this. */
    olderThan: OlderThan.optional(),
    /** MLflow: the tracking database, or a tracking server (then artifacts only). */
    trackingUri: GcTrackingUri.optional(),
    /** MLflow: also offer traces.json folders whose trace rows are gone. */
    includeTraces: z.boolean().optional(),
  })
  .strict();
export type GcPlanArgs = z.infer<typeof GcPlanArgs>;

export const GcGroup = z.object({
  /** The flow or the experiment. */
  name: z.string(),
  /** Objects examined (Metaflow: CAS blobs) and their bytes. */
  objects: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  candidates: z.number().int().nonnegative(),
  candidateBytes: z.number().nonnegative(),
  /** Metaflow: unreferenced but younger than the grace period (kept). */
  recent: z.number().int().nonnegative(),
  /** MLflow: runs removed with their rows; whether the experiment itself goes. */
  runs: z.number().int().nonnegative(),
  experimentRemoved: z.boolean(),
  /** Why nothing of this group may go (e.g. an unreadable index). */
  blocked: z.string().optional(),
});
export type GcGroup = z.infer<typeof GcGroup>;

export const GcCandidate = z.object({
  name: z.string(),
  group: z.string(),
  size: z.number().nonnegative(),
  etag: z.string(),
  lastModified: z.number().nullable(),
  reason: z.string(),
});
export type GcCandidate = z.infer<typeof GcCandidate>;

export const GcPlan = z.object({
  planId: Id,
  target: GcTarget,
  workspaceName: z.string(),
  createdAt: z.number(),
  groups: z.array(GcGroup),
  candidates: z.number().int().nonnegative(),
  candidateBytes: z.number().nonnegative(),
  /** The first candidates (at most 200), for a look before confirming. */
  sample: z.array(GcCandidate),
  /** Store requests the plan made. */
  requests: z.number().int().nonnegative(),
  notes: z.array(z.string()),
  /** Whether what the plan deletes can be undeleted, and for how long (the account's blob soft delete). */
  softDelete: DeletePolicy,
});
export type GcPlan = z.infer<typeof GcPlan>;

export const GcExecuteArgs = z
  .object({
    planId: Id,
    /** The workspace's name, typed by the user. */
    confirm: z
      .string()
      .min(1, 'type the workspace name to confirm')
      .max(4096, 'the confirmation is too long')
      .refine((s) => !hasControlCharacters(s), 'the confirmation must not contain control characters'),
  })
  .strict();

export const GcReport = z.object({
  planId: Id,
  target: GcTarget,
  workspaceName: z.string(),
  state: z.enum(['planned', 'executing', 'done']),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  planned: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
  deletedBytes: z.number().nonnegative(),
  /** Already absent (a previous, interrupted run deleted them). */
  gone: z.number().int().nonnegative(),
  /** Rewritten since the plan: skipped. */
  changed: z.number().int().nonnegative(),
  /** Referenced again since the plan (a new task, a restored run): kept. */
  reachable: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  problems: z.array(z.object({ name: z.string(), detail: z.string() })),
  /** MLflow: runs and experiments whose rows were removed, and rows removed per table. */
  runsRemoved: z.number().int().nonnegative(),
  experimentsRemoved: z.number().int().nonnegative(),
  rowsRemoved: z.record(z.string(), z.number().int().nonnegative()),
  notes: z.array(z.string()),
  /** Whether the deleted blobs can be undeleted, read when the execution ended; absent in past runs' history. */
  softDelete: DeletePolicy.optional(),
});
export type GcReport = z.infer<typeof GcReport>;

export const GcHistory = z.object({ runs: z.array(GcReport.extend({ createdAt: z.number(), candidateBytes: z.number().nonnegative() })) });
export type GcHistory = z.infer<typeof GcHistory>;

export const GcProgress = z.object({
  planId: Id,
  phase: z.enum(['rescanning', 'deleting', 'metadata', 'done']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  deletedBytes: z.number().nonnegative(),
});
export type GcProgress = z.infer<typeof GcProgress>;
