import type { StratusErrorShape } from '../../shared/errors.js';

/** A usage or runtime failure the CLI reports on stderr with its exit code. */
export class CliFailure extends Error {
  constructor(
    readonly error: StratusErrorShape,
    readonly exitCode: number,
  ) {
    super(error.message);
  }
}

export function usageError(message: string): CliFailure {
  return new CliFailure({ code: 'INVALID_ARGUMENT', message }, 2);
}

export function printFailure(error: StratusErrorShape): void {
  process.stderr.write(`stratus: ${error.message}\n`);
  if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
  if (error.detail) process.stderr.write(`  detail: ${error.detail}\n`);
}

/** Plain-text columns for terminals; --json is the stable, scriptable form. */
export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  const cells = rows.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  if (columns.length > 1) process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const r of cells) process.stdout.write(`${line(r)}\n`);
}
