import { z } from 'zod';

// What the Metaflow metadata service (Netflix/metaflow-service) answers, read leniently: ids come as numbers
// or strings (run_number is a string on steps), tags may be null, and times mix units (`ts_epoch` in ms,
// `last_heartbeat_ts` in s). Unknown fields are ignored, so newer service versions still parse.

const Id = z.union([z.number(), z.string()]).transform(String);
const Tags = z.array(z.string()).nullish().transform((t) => t ?? []);
const Epoch = z.number().nullish().transform((t) => (t === null || t === undefined ? null : toEpochMs(t)));

/** Epoch seconds or milliseconds to milliseconds: any time after 1973 in ms is above 1e11, any in s below it. */
export function toEpochMs(value: number): number {
  return value < 1e11 ? value * 1000 : value;
}

export const WireFlow = z.object({ flow_id: z.string(), ts_epoch: Epoch });
export type WireFlow = z.infer<typeof WireFlow>;

export const WireRun = z.object({
  flow_id: z.string(),
  run_number: Id,
  /** A name given to the run (`run_id`); null when the service numbered it. */
  run_id: z.string().nullish(),
  user_name: z.string().nullish(),
  /** Derived from the `user:<name>` system tag by recent service versions. */
  user: z.string().nullish(),
  ts_epoch: Epoch,
  tags: Tags,
  system_tags: Tags,
  last_heartbeat_ts: Epoch,
});
export type WireRun = z.infer<typeof WireRun>;

export const WireStep = z.object({ flow_id: z.string(), run_number: Id, step_name: z.string(), ts_epoch: Epoch });
export type WireStep = z.infer<typeof WireStep>;

export const WireTask = z.object({
  flow_id: z.string(),
  run_number: Id,
  step_name: z.string(),
  task_id: Id,
  ts_epoch: Epoch,
  last_heartbeat_ts: Epoch,
});
export type WireTask = z.infer<typeof WireTask>;

export const WireMetadata = z.object({
  step_name: z.string(),
  task_id: Id,
  field_name: z.string(),
  /** Always a string on the wire ("True", "None", "{items=item-1}"). */
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? 'None' : String(v))),
  type: z.string().nullish(),
  ts_epoch: Epoch,
  /** `["attempt_id:N"]` on metadata rows. */
  tags: Tags,
});
export type WireMetadata = z.infer<typeof WireMetadata>;

export const WireArtifact = z.object({
  step_name: z.string(),
  task_id: Id,
  name: z.string(),
  /** `:root:<sysroot>` for the content-addressed store. */
  location: z.string().nullish(),
  ds_type: z.string().nullish(),
  sha: z.string(),
  type: z.string().nullish(),
  content_type: z.string().nullish(),
  attempt_id: z.number().int().nonnegative().nullish().transform((a) => a ?? 0),
  ts_epoch: Epoch,
});
export type WireArtifact = z.infer<typeof WireArtifact>;

export const WireTagMutation = z.object({ tags: z.array(z.string()) });
