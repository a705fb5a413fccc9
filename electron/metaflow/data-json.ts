import { z } from 'zod';
import type { ArtifactEntry } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';

// `<attempt>.data.json`, the artifact index Metaflow writes at the end of every attempt.
// Older Metaflow omitted `encoding` (meaning gzip+pickle-v2) and sometimes `info` entirely.

const DataJson = z.object({
  objects: z.record(z.string(), z.string()),
  info: z
    .record(
      z.string(),
      z
        .object({ size: z.number().optional(), type: z.string().optional(), encoding: z.string().optional() })
        .passthrough(),
    )
    .optional(),
});

const DEFAULT_ENCODING = 'gzip+pickle-v2';

export function parseDataJson(bytes: Buffer, where: string): ArtifactEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new StratusError({
      code: 'CORRUPT_DATA',
      message: `The artifact index ${where} is not valid JSON.`,
      detail: (err as Error).message,
    });
  }
  const parsed = DataJson.safeParse(raw);
  if (!parsed.success) {
    throw new StratusError({
      code: 'CORRUPT_DATA',
      message: `The artifact index ${where} does not have Metaflow's data.json shape (an "objects" map of name to sha).`,
      detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  const info = parsed.data.info ?? {};
  return Object.entries(parsed.data.objects)
    .map(([name, sha]) => ({
      name,
      sha,
      size: Number.isInteger(info[name]?.size) && (info[name]?.size ?? -1) >= 0 ? (info[name]?.size ?? null) : null,
      type: info[name]?.type ?? null,
      encoding: info[name]?.encoding ?? DEFAULT_ENCODING,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
