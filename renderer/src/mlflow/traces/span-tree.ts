// Turns a trace's flat span list into the rows of a collapsible tree. Traces can hold tens of thousands
// of spans and this runs on the UI thread, so everything here is linear (one index pass, one iterative
// walk, no recursion) and sorting is skipped when the spans already come in start order, as MLflow's do.

export interface SpanIndex {
  /** Indexes into the span list of spans with no (known) parent, in start order. */
  roots: number[];
  /** Children of each span by its index, in start order. */
  children: number[][];
}

export interface TreeRow {
  index: number;
  depth: number;
  hasChildren: boolean;
}

function inStartOrder(starts: readonly number[]): boolean {
  for (let i = 1; i < starts.length; i++) if (starts[i] < starts[i - 1]) return false;
  return true;
}

/**
 * Builds the parent → children index as spans arrive (a large trace comes in slices), so no single
 * step walks every span. A span whose parent is missing from the list counts as a root.
 */
export class SpanTreeBuilder<T> {
  private readonly byId = new Map<string, number>();
  private readonly starts: number[] = [];
  private readonly children: number[][] = [];
  private readonly attached: boolean[] = [];
  /** Spans that named a parent not seen yet, by that parent's id. */
  private readonly waiting = new Map<string, number[]>();

  constructor(
    private readonly id: (s: T) => string,
    private readonly parent: (s: T) => string | null,
    private readonly start: (s: T) => number,
  ) {}

  add(spans: readonly T[]): void {
    for (const span of spans) {
      const i = this.starts.length;
      const own = this.id(span);
      this.byId.set(own, i);
      this.starts.push(this.start(span));
      this.children.push([]);
      this.attached.push(false);
      // Children that came first join now, before any later span, so every list stays in index order.
      const early = this.waiting.get(own);
      if (early) {
        this.waiting.delete(own);
        for (const child of early) this.attach(child, i);
      }
      const p = this.parent(span);
      if (p === null) continue;
      const pi = this.byId.get(p);
      if (pi === i) continue;
      if (pi !== undefined) this.attach(i, pi);
      else {
        const list = this.waiting.get(p);
        if (list) list.push(i);
        else this.waiting.set(p, [i]);
      }
    }
  }

  /** The tree of every span added so far. */
  tree(): SpanIndex {
    const roots: number[] = [];
    for (let i = 0; i < this.attached.length; i++) if (!this.attached[i]) roots.push(i);
    const children = this.children.map((list) => list.slice());
    // Lists were filled in index order, so they are already in start order when the spans are.
    if (!inStartOrder(this.starts)) {
      const starts = this.starts;
      const byStart = (a: number, b: number) => starts[a] - starts[b] || a - b;
      roots.sort(byStart);
      for (const list of children) if (list.length > 1) list.sort(byStart);
    }
    return { roots, children };
  }

  private attach(child: number, parent: number): void {
    this.children[parent].push(child);
    this.attached[child] = true;
  }
}

/** The tree of a whole span list at once. */
export function buildSpanTree<T>(spans: readonly T[], id: (s: T) => string, parent: (s: T) => string | null, start: (s: T) => number): SpanIndex {
  const builder = new SpanTreeBuilder(id, parent, start);
  builder.add(spans);
  return builder.tree();
}

/** The visible rows, depth first, skipping the descendants of collapsed spans. */
export function visibleRows(tree: SpanIndex, collapsed: ReadonlySet<number>): TreeRow[] {
  const rows: TreeRow[] = [];
  const stack: number[] = [];
  const depths: number[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) {
    stack.push(tree.roots[i]);
    depths.push(0);
  }
  // A cycle in hostile data must not loop forever: each span is shown at most once.
  const seen = new Uint8Array(tree.children.length);
  while (stack.length > 0) {
    const index = stack.pop() as number;
    const depth = depths.pop() as number;
    if (seen[index] === 1) continue;
    seen[index] = 1;
    const kids = tree.children[index];
    rows.push({ index, depth, hasChildren: kids.length > 0 });
    if (collapsed.has(index)) continue;
    for (let k = kids.length - 1; k >= 0; k--) {
      stack.push(kids[k]);
      depths.push(depth + 1);
    }
  }
  return rows;
}
