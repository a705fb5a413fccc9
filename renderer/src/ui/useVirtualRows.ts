import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';

interface Options {
  count: number;
  scrollRef: RefObject<HTMLElement | null>;
  /** Row height in px (the estimate, for rows measured after render). */
  rowHeight: number;
  overscan?: number;
}

/**
 * The one place the renderer builds a TanStack virtualizer. Its API returns functions React Compiler
 * cannot memoize; this app is not compiled with React Compiler, so the lint notice about that is
 * acknowledged here once instead of at every list.
 */
export function useVirtualRows({ count, scrollRef, rowHeight, overscan = 10 }: Options): Virtualizer<HTMLElement, Element> {
  // eslint-disable-next-line react-hooks/incompatible-library -- see above: no React Compiler in this build.
  return useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
  });
}
