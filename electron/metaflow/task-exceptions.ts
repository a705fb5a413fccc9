import { EXCEPTION_MESSAGE_MAX, EXCEPTION_TRACEBACK_MAX, type ArtifactEntry, type TaskException } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { ArtifactReader } from './artifacts.js';
import type { JsonValue } from './pickle/json.js';

// Why a task failed, or what `@catch` caught, from the artifacts Metaflow writes at the end of every attempt
// (LAYOUT.md §3): a failed attempt pickles its MetaflowExceptionWrapper in `_exception`; `@catch` stores the one it
// caught in `_catch_exception` (and in its `var`), sets `_task_ok` and lets the task succeed.

export const EXCEPTION_ARTIFACT = '_exception';
export const CAUGHT_ARTIFACT = '_catch_exception';

/** The exception in the named artifact of an attempt's index; null when it is absent, None or unreadable. */
export async function exceptionIn(
  artifacts: Pick<ArtifactReader, 'json'>,
  flow: string,
  index: ArtifactEntry[] | undefined,
  name: typeof EXCEPTION_ARTIFACT | typeof CAUGHT_ARTIFACT,
): Promise<TaskException | null> {
  const entry = index?.find((a) => a.name === name);
  if (!entry) return null;
  try {
    return asException(await artifacts.json(flow, entry.sha, `The artifact "${name}"`));
  } catch (err) {
    // A damaged or missing exception blob must not hide the task: it then just names no exception.
    if (err instanceof StratusError && (err.code === 'CORRUPT_DATA' || err.code === 'NOT_FOUND' || err.code === 'TOO_LARGE')) return null;
    throw err;
  }
}

/** The last line Python prints for an exception: its type (module-qualified unless builtin) and message. */
const RAISED_LINE = /^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Warning))(?:: (.*))?$/;
const TRACEBACK_START = 'Traceback (most recent call last):';

/**
 * Where no `_exception` can be read (the process was killed, or its blob is damaged), the exception the attempt's
 * stderr printed: the last traceback's last line, with that traceback.
 */
export function exceptionFromLog(lines: string[]): TaskException | null {
  for (let end = lines.length - 1; end >= 0; end--) {
    const raised = RAISED_LINE.exec(lines[end]);
    if (!raised) continue;
    const start = lines.lastIndexOf(TRACEBACK_START, end);
    if (start < 0) continue;
    const type = raised[1].includes('.') ? raised[1] : `builtins.${raised[1]}`;
    return asException({ type, message: raised[2] ?? '', traceback: `${lines.slice(start, end + 1).join('\n')}\n` });
  }
  return null;
}

/** The decoder turns a MetaflowExceptionWrapper (or a plain exception) into `{type, message, traceback}`. */
export function asException(value: JsonValue): TaskException | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { type, message, traceback } = value;
  if (typeof type !== 'string' || typeof message !== 'string') return null;
  return {
    type: type.slice(0, 512),
    message: clip(message, EXCEPTION_MESSAGE_MAX),
    traceback: typeof traceback === 'string' ? clip(traceback, EXCEPTION_TRACEBACK_MAX, true) : '',
  };
}

/** A long message keeps its start; a long traceback keeps its end, where the raising line is. */
function clip(text: string, max: number, keepEnd = false): string {
  if (text.length <= max) return text;
  return keepEnd ? `…${text.slice(text.length - max + 1)}` : `${text.slice(0, max - 1)}…`;
}
