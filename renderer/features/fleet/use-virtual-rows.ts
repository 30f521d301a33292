/**
 * Tracks a scroll container and returns the rows to render (see
 * visibleRange). Listens to scroll and resize rather than measuring on every
 * render, and re-renders only when the range of rows changes, not on every
 * scrolled pixel.
 *
 * A change of the row count (a filter keystroke) does not measure the
 * container: reading its layout right after React changed the rows would
 * force a layout in the middle of the commit, on every keystroke. The range
 * is worked out from the scroll position last seen instead, clamped as the
 * browser will clamp it. Only when the rows shrink below that position (the
 * browser then moves the scroll position) is it read again.
 */
import { useLayoutEffect, useState, type RefObject } from 'react';
import { maxScrollTop, visibleRange, type RowRange } from './virtual-range.js';

export interface VirtualRows extends RowRange {
  /** The rows' area: container height minus the sticky header. */
  viewportHeight: number;
}

interface Metrics {
  /** The container's scrollTop as last seen, rounded down to a whole row (a scroll within a row changes nothing). */
  scrollTop: number;
  viewportHeight: number;
}

export function useVirtualRows(
  containerRef: RefObject<HTMLElement | null>,
  rowCount: number,
  rowHeight: number,
  headerHeight: number,
  overscan = 10,
): VirtualRows {
  const [metrics, setMetrics] = useState<Metrics>({ scrollTop: 0, viewportHeight: 600 });

  /** Reads the container (only from its own events, or when the rows shrank under the scroll position). */
  const measure = (el: HTMLElement) => {
    const viewportHeight = Math.max(0, el.clientHeight - headerHeight);
    const scrollTop = rowHeight > 0 ? Math.floor(Math.max(0, el.scrollTop) / rowHeight) * rowHeight : 0;
    setMetrics((prev) => (prev.scrollTop === scrollTop && prev.viewportHeight === viewportHeight ? prev : { scrollTop, viewportHeight }));
  };

  useLayoutEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const update = () => measure(el);
    update();
    el.addEventListener('scroll', update, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      resize.disconnect();
    };
  }, [containerRef, rowHeight, headerHeight]); // `measure` depends on nothing else

  const clamped = metrics.scrollTop > maxScrollTop(rowCount, rowHeight, metrics.viewportHeight);
  useLayoutEffect(() => {
    // The browser has clamped (or will, at this layout) the scroll position: take it as it now is, so
    // that rows coming back later are rendered where the viewport really is.
    if (clamped && containerRef.current) measure(containerRef.current);
  }, [clamped, rowCount, containerRef]);

  const { start, end } = visibleRange({ scrollTop: metrics.scrollTop, viewportHeight: metrics.viewportHeight, rowHeight, rowCount, overscan });
  return { start, end, viewportHeight: metrics.viewportHeight };
}
