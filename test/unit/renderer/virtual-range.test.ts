import { describe, expect, it } from 'vitest';
import { maxScrollTop, scrollTopToReveal, visibleRange } from '../../../renderer/features/fleet/virtual-range.js';

describe('which rows the virtualized table renders', () => {
  const base = { rowHeight: 40, viewportHeight: 400, overscan: 5 };

  it('renders the visible rows plus the overscan, not all 1,000', () => {
    const r = visibleRange({ ...base, scrollTop: 0, rowCount: 1000 });
    expect(r).toEqual({ start: 0, end: 16 }); // 10 visible + 1 partial + 5 below
    expect(r.end - r.start).toBeLessThan(30);
  });

  it('follows the scroll position', () => {
    const r = visibleRange({ ...base, scrollTop: 4000, rowCount: 1000 }); // row 100 at the top
    expect(r).toEqual({ start: 95, end: 116 });
  });

  it('stops at the last row', () => {
    expect(visibleRange({ ...base, scrollTop: 39_800, rowCount: 1000 }).end).toBe(1000);
    expect(visibleRange({ ...base, scrollTop: 0, rowCount: 3 })).toEqual({ start: 0, end: 3 });
  });

  it('copes with an empty list, a negative scroll (overscroll) and a zero-height viewport', () => {
    expect(visibleRange({ ...base, scrollTop: 0, rowCount: 0 })).toEqual({ start: 0, end: 0 });
    expect(visibleRange({ ...base, scrollTop: -50, rowCount: 10 }).start).toBe(0);
    expect(visibleRange({ ...base, viewportHeight: 0, scrollTop: 0, rowCount: 10 })).toEqual({ start: 0, end: 6 });
  });

  it('renders the rows the browser will show when a filter leaves fewer rows than the scroll position', () => {
    // Scrolled to row 900 of 1,000; a filter leaves 20: the browser clamps the scroll to the last 10, so those (and the overscan) render, not none.
    expect(maxScrollTop(20, 40, 400)).toBe(400);
    expect(maxScrollTop(5, 40, 400)).toBe(0);
    expect(visibleRange({ ...base, scrollTop: 36_000, rowCount: 20 })).toEqual({ start: 5, end: 20 });
  });

  it('scrolls only as far as needed to reveal a row', () => {
    expect(scrollTopToReveal(5, 0, 400, 40)).toBeUndefined(); // already in view
    expect(scrollTopToReveal(20, 0, 400, 40)).toBe(440); // below: bottom edge aligns
    expect(scrollTopToReveal(2, 400, 400, 40)).toBe(80); // above: top edge aligns
  });
});
