import type { ServerResponse } from 'node:http';
import type { StratusErrorShape } from '../../shared/errors.js';

// How browser mode's own routes (downloads, uploads) answer the page: JSON never cached nor
// sniffed, and an error's code mapped to its HTTP status.

const STATUS: Partial<Record<StratusErrorShape['code'], number>> = {
  INVALID_ARGUMENT: 400,
  NO_WORKSPACE: 404,
  NOT_FOUND: 404,
  CONTAINER_NOT_FOUND: 404,
  TOO_LARGE: 413,
};

export function statusOf(error: StratusErrorShape): number {
  return STATUS[error.code] ?? 500;
}

export function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    .end(JSON.stringify(body));
}
