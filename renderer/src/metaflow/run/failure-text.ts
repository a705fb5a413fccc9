import type { RunFailure, TaskException } from '../../../../shared/contract.js';
import { displayName } from '../../../../shared/display-name.js';

// How a run's failure and a task's exception read in one line, as Python prints the last line of a traceback.
// Builtin exceptions drop their module ("builtins.ValueError" reads "ValueError"); others keep it.

export function exceptionText(exception: TaskException): string {
  const type = exception.type.startsWith('builtins.') ? exception.type.slice('builtins.'.length) : exception.type;
  return exception.message === '' ? type : `${type}: ${exception.message}`;
}

/** "Failed at doomed/3: ValueError: …", or without an exception when the datastore holds none. */
export function failureText(failure: RunFailure): string {
  const where = `Failed at ${displayName(failure.step)}/${displayName(failure.task)}`;
  return failure.exception ? `${where}: ${exceptionText(failure.exception)}` : `${where} (no exception recorded)`;
}
