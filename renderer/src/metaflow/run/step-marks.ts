import type { TaskSummary } from '../../../../shared/contract.js';

// What a step's box in the DAG says beyond its status: how many of its tasks were retried (more than one attempt),
// the most attempts any took, and how many had an exception that @catch caught (green, yet their code raised).

export interface StepMarks {
  retried: number;
  maxAttempts: number;
  caught: number;
}

export function stepMarks(tasks: TaskSummary[]): Map<string, StepMarks> {
  const marks = new Map<string, StepMarks>();
  for (const task of tasks) {
    const mark = marks.get(task.step) ?? { retried: 0, maxAttempts: 0, caught: 0 };
    if (task.attempts.length > 1) mark.retried += 1;
    mark.maxAttempts = Math.max(mark.maxAttempts, task.attempts.length);
    if (task.caught !== null) mark.caught += 1;
    marks.set(task.step, mark);
  }
  return marks;
}

/** "retried (2 attempts)", "3 retried", "1 caught": empty when there is nothing to say. */
export function marksText(mark: StepMarks | undefined, taskCount: number): string[] {
  if (!mark) return [];
  const parts: string[] = [];
  if (mark.retried > 0) parts.push(taskCount === 1 ? `${mark.maxAttempts} attempts` : `${mark.retried} retried`);
  if (mark.caught > 0) parts.push(taskCount === 1 ? 'caught' : `${mark.caught} caught`);
  return parts;
}
