import { z } from 'zod';
import { Id, identifier, opaqueSegment } from './common.js';

export const FlowName = identifier('Flow name');
export const StepName = identifier('Step name');
export const RunId = opaqueSegment('Run id');
export const TaskId = opaqueSegment('Task id');

export const MetaflowPath = z
  .object({
    workspaceId: Id,
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
