import { z } from 'zod';
import { inMiB, jsonBytes, MAX_LIST_BYTES } from '../message-size.js';
import { hasControlCharacters } from '../sysroot.js';

/** One path segment of a blob name: never empty, '.', '..', or containing a separator. */
export const opaqueSegment = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(256, `${what} is too long`)
    .refine((s) => !s.includes('/') && !s.includes('\\'), `${what} must not contain "/" or "\\"`)
    .refine((s) => s !== '.' && s !== '..', `${what} must not be "." or ".."`)
    .refine((s) => !hasControlCharacters(s), `${what} must not contain control characters`);

/** Flow and step names are Python identifiers in Metaflow. */
export const identifier = (what: string) =>
  z
    .string()
    .max(256, `${what} is too long`)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `${what} must be a Python identifier`);

/** Free text a user typed on one line (names, secrets, URIs). */
export const lineOfText = (what: string, max: number) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is too long`)
    .refine((s) => !hasControlCharacters(s), `${what} must not contain control characters or line breaks`);

export const Id = z.string().uuid();

export const NoArgs = z.object({}).strict();
export const ById = z.object({ id: Id }).strict();

/**
 * A list that may be long (100,000 names) bounded also in total, so the call carrying it fits in
 * one message to the browser-mode host; `maxJsonBytes` states that bound for the size check.
 */
export function withinListBudget<T extends z.ZodArray>(list: T, what: string): T {
  return list
    .refine((items) => jsonBytes(items) <= MAX_LIST_BYTES, `The ${what} of one request take at most ${inMiB(MAX_LIST_BYTES)} as text: send them in several requests`)
    .meta({ maxJsonBytes: MAX_LIST_BYTES });
}
