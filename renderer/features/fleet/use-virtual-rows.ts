/**
 * Tracks a scroll container and returns the rows to render (see
 * visibleRange). Listens to scroll and resize rather than measuring on every
 * render, and re-renders only when the range of rows changes, not on every
 * scrolled pixel.
 */
import { useLayoutEffect, useState, type RefObject } from 'react';
import { visibleRange, type RowRange } from './virtual-range.js';

export interface VirtualRows extends RowRange {
  /** The rows' area: container height minus the sticky header. */
  viewportHeight: number;
}

export function useVirtualRows(
  containerRef: RefObject<HTMLElement | null>,
  rowCount: number,
  rowHeight: number,
  headerHeight: number,
  overscan = 10,
): VirtualRows {
  const [view, setView] = useState<VirtualRows>(() => ({ viewportHeight: 600, ...visibleRange({ scrollTop: 0, viewportHeight: 600, rowHeight, rowCount, overscan }) }));

  useLayoutEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const update = () => {
      const viewportHeight = Math.max(0, el.clientHeight - headerHeight);
      const next = { viewportHeight, ...visibleRange({ scrollTop: el.scrollTop, viewportHeight, rowHeight, rowCount, overscan }) };
      setView((prev) => (prev.start === next.start && prev.end === next.end && prev.viewportHeight === next.viewportHeight ? prev : next));
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      resize.disconnect();
    };
  }, [containerRef, rowCount, rowHeight, headerHeight, overscan]);

  return view;
}
