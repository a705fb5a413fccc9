// The keys a resize handle answers (the WAI-ARIA window splitter pattern): arrows by a small step,
// Page Up/Down by a large one, Home and End to the limits.

const STEP = 16;
const PAGE = 80;

/** The size after `key` on a handle that grows its pane upwards; null for a key it ignores. */
export function resizeStep(key: string, value: number, min: number, max: number): number | null {
  let next: number;
  switch (key) {
    case 'ArrowUp':
      next = value + STEP;
      break;
    case 'ArrowDown':
      next = value - STEP;
      break;
    case 'PageUp':
      next = value + PAGE;
      break;
    case 'PageDown':
      next = value - PAGE;
      break;
    case 'Home':
      next = min;
      break;
    case 'End':
      next = max;
      break;
    default:
      return null;
  }
  return Math.min(max, Math.max(min, next));
}
