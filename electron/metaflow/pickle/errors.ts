// Why an artifact could not be read. The message is meant for the user as is; `offset` points into
// the (uncompressed) pickle stream when the problem is there.

export type PickleErrorReason =
  | 'empty'
  | 'bad-gzip'
  | 'truncated'
  | 'unknown-opcode'
  | 'malformed'
  | 'unsupported-encoding';

export class PickleError extends Error {
  readonly reason: PickleErrorReason;
  readonly offset: number | null;
  /** The offending opcode byte, for 'unknown-opcode'. */
  readonly opcode: number | null;

  constructor(reason: PickleErrorReason, message: string, opts: { offset?: number; opcode?: number } = {}) {
    super(message);
    this.name = 'PickleError';
    this.reason = reason;
    this.offset = opts.offset ?? null;
    this.opcode = opts.opcode ?? null;
  }
}
