import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { MAX_SPAN_SLICE, type Span, type TraceDetail } from '../../../../shared/schemas/mlflow.js';
import { call } from '../../api/client.js';
import { SpanTreeBuilder, type SpanIndex } from './span-tree.js';

// A large trace's spans arrive in slices fetched one after another, so no single reply is big enough
// to hold the UI thread while it is parsed and checked, and the page handles input between them.
// A trace of at most MAX_SPAN_SLICE spans comes whole in the first reply. The span tree is then
// indexed a chunk at a time, yielding to the event loop in between, for the same reason.

const TREE_CHUNK = 2000;
const NO_SPANS: Span[] = [];

export interface TraceSpans {
  /** The first reply: the trace's facts; its `spans` are the first slice only. */
  detail: TraceDetail | undefined;
  /** Every span received so far, in start order. */
  received: Span[];
  /** All slices are in (and none failed). */
  complete: boolean;
}

export function useTraceSpans(workspaceId: string, traceId: string) {
  const query = useInfiniteQuery({
    queryKey: ['mlflow.trace', workspaceId, traceId, 'slices'],
    queryFn: ({ pageParam }) => call('mlflow.trace', { workspaceId, traceId, spanOffset: pageParam, spanLimit: MAX_SPAN_SLICE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.spans.length, 0);
      return loaded < last.spanTotal && last.spans.length > 0 ? loaded : undefined;
    },
  });
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  const pages = query.data?.pages;
  const received = useMemo(() => (pages === undefined ? NO_SPANS : pages.length === 1 ? pages[0].spans : pages.flatMap((p) => p.spans)), [pages]);
  const result: TraceSpans = { detail: pages?.[0], received, complete: pages !== undefined && !hasNextPage };
  return { query, ...result };
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The tree of `spans` (null: not yet, or no spans given), indexed in chunks between which the page handles input. */
export function useSpanTree(spans: Span[] | null): SpanIndex | null {
  const [built, setBuilt] = useState<{ spans: Span[]; tree: SpanIndex } | null>(null);
  useEffect(() => {
    if (spans === null) return;
    let cancelled = false;
    const builder = new SpanTreeBuilder<Span>((s) => s.spanId, (s) => s.parentId, (s) => s.startMs);
    void (async () => {
      for (let i = 0; i < spans.length; i += TREE_CHUNK) {
        builder.add(spans.slice(i, i + TREE_CHUNK));
        await nextTask();
        if (cancelled) return;
      }
      setBuilt({ spans, tree: builder.tree() });
    })();
    return () => {
      cancelled = true;
    };
  }, [spans]);
  return built !== null && built.spans === spans ? built.tree : null;
}
