import { z } from 'zod';

// Every failure that crosses the process boundary has this shape, so the UI can
// show a message (and a hint) beside what failed instead of a generic crash.
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNKNOWN_CHANNEL',
  'NO_WORKSPACE',
  'NOT_FOUND',
  'CONTAINER_NOT_FOUND',
  'ALREADY_EXISTS',
  'AUTH_FAILED',
  'FORBIDDEN',
  'UNREACHABLE',
  'TLS',
  'CLOCK_SKEW',
  'THROTTLED',
  'CORRUPT_DATA',
  /** The blob is in the Archive tier (or being rehydrated out of it): it cannot be read until it is back online. */
  'BLOB_ARCHIVED',
  'TOO_LARGE',
  'INTERNAL',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const StratusErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  hint: z.string().optional(),
  detail: z.string().optional(),
});
export type StratusErrorShape = z.infer<typeof StratusErrorShape>;

export class StratusError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly detail?: string;

  constructor(shape: StratusErrorShape) {
    super(shape.message);
    this.name = 'StratusError';
    this.code = shape.code;
    this.hint = shape.hint;
    this.detail = shape.detail;
  }

  toShape(): StratusErrorShape {
    return { code: this.code, message: this.message, hint: this.hint, detail: this.detail };
  }
}
