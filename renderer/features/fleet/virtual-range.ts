/**
 * Which rows of a fixed-row-height list are worth rendering: the ones in the
 * viewport plus a few either side, so scrolling never shows a gap. Pure, so
 * the arithmetic is tested without a browser.
 */

export interface ViewportMetrics {
  scrollTop: number;
  /** Height available to rows (the viewport minus any sticky header). */
  viewportHeight: number;
  rowHeight: number;
  rowCount: number;
  /** Extra rows rendered above and below the visible ones. */
  overscan: number;
}

/** Rows [start, end) to render. */
export interface RowRange {
  start: number;
  end: number;
}

/** The furthest the rows can be scrolled: the browser clamps scrollTop there when the rows get fewer. */
export function maxScrollTop(rowCount: number, rowHeight: number, viewportHeight: number): number {
  return Math.max(0, rowCount * rowHeight - Math.max(0, viewportHeight));
}

/** Rows [start, end) to render, for the scroll position as the browser will have clamped it. */
export function visibleRange({ scrollTop, viewportHeight, rowHeight, rowCount, overscan }: ViewportMetrics): RowRange {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.min(Math.max(0, scrollTop), maxScrollTop(rowCount, rowHeight, viewportHeight));
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.min(Math.max(0, first - overscan), rowCount);
  const end = Math.min(rowCount, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/**
 * The scrollTop that brings row `index` fully into view, or undefined when it
 * already is (keyboard navigation scrolls only as far as it must).
 */
export function scrollTopToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | undefined {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return undefined;
}
