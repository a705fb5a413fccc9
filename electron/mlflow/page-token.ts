import { StratusError } from '../../shared/errors.js';

// Offset page tokens for the sources that page themselves (sqlite, file store): opaque to the
// renderer, checked when they come back.

export function offsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

export function offsetFromToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (value as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Reported below.
  }
  throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The page token is not one this list handed out; reload the list.' });
}
