import { z } from 'zod';

/** A JSON value, as any domain stores or sends it (artifact previews, span attributes, parameters). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export const Json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().finite(), z.string(), z.array(Json), z.record(z.string(), Json)]),
);
