import type { PreviewEntry, PreviewValue } from '../../../shared/preview-types.js';
import type { PyValue } from './value.js';

// The renderer as the interpreters of known classes see it, apart from its implementation (render.ts), which
// calls those interpreters: so neither side imports the other.

/** What the interpreters of known classes get: a way to render children within the limits. */
export interface Renderer {
  render(value: PyValue): PreviewValue;
  /**
   * How many of `wanted` values that are made without `render` (array elements, index labels,
   * frame cells; `cost` values each) to make: at most maxItems and what is left of the node
   * budget, which this charges. Notes that the preview is incomplete if that is fewer than wanted.
   */
  count(wanted: number, cost?: number): number;
  /** The first maxItems of `list` (of `length` in all), noting that the preview is incomplete if it had more. */
  take<T>(list: readonly T[], length?: number): T[];
  /** Renders the first maxItems of a sequence that has `length` elements in all. */
  items(items: PyValue[], length: number): PreviewValue[];
  entries(entries: [PyValue, PyValue][], length: number): PreviewEntry[];
  /** The preview leaves something out. */
  incomplete(): void;
}
