import { interpretObject } from './interpret.js';
import type { PreviewEntry, PreviewValue } from '../../../shared/preview-types.js';
import { floatPreview, intPreview } from './scalars.js';
import type { Renderer } from './renderer.js';
import type { PyValue } from './value.js';

// Walks the decoded graph into PreviewValues. The graph can share nodes and contain cycles (memo
// references), and a hostile pickle can nest deeply or reference one big node many times, so the
// walk tracks the containers it is inside of and stops at a depth and a total-node budget.

export interface RenderLimits {
  /** Children shown per container, elements per array, rows and columns per frame. */
  maxItems: number;
  /** Containers nested inside each other before the rest is elided. */
  maxDepth: number;
  /** PreviewValues made in all, against shared references multiplying the output. */
  maxNodes: number;
}

export function renderValue(root: PyValue, limits: RenderLimits): { value: PreviewValue; complete: boolean } {
  const renderer = new TreeRenderer(limits);
  const value = renderer.render(root);
  return { value, complete: renderer.complete };
}

class TreeRenderer implements Renderer {
  complete = true;
  private readonly inside = new Set<PyValue>();
  private nodes = 0;

  constructor(private readonly limits: RenderLimits) {}

  incomplete(): void {
    this.complete = false;
  }

  count(wanted: number, cost = 1): number {
    const left = Math.max(0, this.limits.maxNodes - this.nodes);
    const shown = Math.max(0, Math.min(wanted, this.limits.maxItems, Math.floor(left / Math.max(1, cost))));
    this.nodes += shown * cost;
    if (shown < wanted) this.incomplete();
    return shown;
  }

  take<T>(list: readonly T[], length = list.length): T[] {
    // No charge here: each item taken is charged when it is rendered.
    if (Math.max(length, list.length) > this.limits.maxItems) this.incomplete();
    return list.slice(0, this.limits.maxItems);
  }

  render(value: PyValue): PreviewValue {
    if (++this.nodes > this.limits.maxNodes) {
      this.incomplete();
      return { kind: 'elided', reason: 'size' };
    }
    switch (value.kind) {
      case 'none':
        return { kind: 'none' };
      case 'bool':
        return { kind: 'bool', value: value.value };
      case 'int':
        return intPreview(value.value);
      case 'float':
        return floatPreview(value.value);
      case 'str':
        if (value.truncated) this.incomplete();
        return { kind: 'str', value: value.value, byteLength: value.byteLength, truncated: value.truncated };
      case 'bytes': {
        const truncated = value.data.length < value.length;
        if (truncated) this.incomplete();
        return { kind: 'bytes', base64: value.data.toString('base64'), length: value.length, truncated, mutable: value.mutable };
      }
      case 'global':
        return { kind: 'global', name: value.module === '' ? value.name : `${value.module}.${value.name}` };
      case 'opaque':
        return { kind: 'opaque', what: value.what, detail: value.detail };
      default:
        return this.enter(value, () => this.container(value));
    }
  }

  private enter(value: PyValue, build: () => PreviewValue): PreviewValue {
    if (this.inside.has(value)) return { kind: 'cycle' };
    if (this.inside.size >= this.limits.maxDepth) {
      this.incomplete();
      return { kind: 'elided', reason: 'depth' };
    }
    this.inside.add(value);
    try {
      return build();
    } finally {
      this.inside.delete(value);
    }
  }

  items(items: PyValue[], length: number): PreviewValue[] {
    return this.take(items, length).map((item) => this.render(item));
  }

  entries(entries: [PyValue, PyValue][], length: number): PreviewEntry[] {
    return this.take(entries, length).map(([key, value]) => ({ key: this.render(key), value: this.render(value) }));
  }

  private container(value: Exclude<PyValue, { kind: 'none' | 'bool' | 'int' | 'float' | 'str' | 'bytes' | 'global' | 'opaque' }>): PreviewValue {
    switch (value.kind) {
      case 'list':
        return { kind: 'list', items: this.items(value.items, value.length), length: value.length };
      case 'tuple':
        return { kind: 'tuple', items: this.items(value.items, value.items.length), length: value.items.length };
      case 'set':
        return { kind: 'set', frozen: value.frozen, items: this.items(value.items, value.length), length: value.length };
      case 'dict':
        return { kind: 'dict', className: null, entries: this.entries(value.entries, value.length), length: value.length };
      case 'object':
        return interpretObject(value, this);
    }
  }
}
