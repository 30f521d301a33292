/**
 * Where the window reopens. The last size and position come from the state
 * file; they are used only if they still make sense on today's displays (a
 * laptop unplugged from its external monitor must not reopen its window
 * off-screen). Pure, so main.ts just feeds it `screen.getAllDisplays()`.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the state file keeps (`AppState.window`). */
export interface SavedWindow extends Rect {
  maximized: boolean;
}

/** What to create the BrowserWindow with: a position only when the saved one is visible. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 800, height: 500 } as const;
/** How much of the window's top strip (its title bar) must lie on one display for the saved position to be kept: enough to grab it. */
const MIN_VISIBLE = { width: 120, height: 32 } as const;

/**
 * Decides the window's placement from what was saved and the displays' work
 * areas (first = primary). Nonsense values (NaN, negative, absent) fall back
 * to the default size, centred.
 */
export function placeWindow(saved: Partial<SavedWindow> | undefined, workAreas: readonly Rect[]): WindowPlacement {
  const primary = workAreas[0];
  const fit = (size: { width: number; height: number }) => ({
    width: clamp(Math.round(size.width), MIN_SIZE.width, Math.max(MIN_SIZE.width, primary?.width ?? size.width)),
    height: clamp(Math.round(size.height), MIN_SIZE.height, Math.max(MIN_SIZE.height, primary?.height ?? size.height)),
  });

  const maximized = saved?.maximized === true;
  if (!saved || !isFiniteRectSize(saved)) return { ...fit(DEFAULT_SIZE), maximized: false };
  const rect: Rect = saved;

  if (Number.isFinite(rect.x) && Number.isFinite(rect.y)) {
    const titleBar = { x: rect.x, y: rect.y, width: rect.width, height: MIN_VISIBLE.height };
    const home = workAreas.find((area) => overlap(titleBar, area, MIN_VISIBLE));
    if (home) {
      const width = clamp(Math.round(rect.width), MIN_SIZE.width, Math.max(MIN_SIZE.width, home.width));
      const height = clamp(Math.round(rect.height), MIN_SIZE.height, Math.max(MIN_SIZE.height, home.height));
      return { x: Math.round(rect.x), y: Math.round(rect.y), width, height, maximized };
    }
  }
  // Off every display today: keep the size the user chose, let the OS centre it.
  return { ...fit(rect), maximized };
}

function isFiniteRectSize(r: Partial<Rect>): r is Rect {
  return typeof r.width === 'number' && typeof r.height === 'number' && Number.isFinite(r.width) && Number.isFinite(r.height) && r.width > 0 && r.height > 0;
}

function overlap(a: Rect, b: Rect, min: { width: number; height: number }): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w >= min.width && h >= min.height;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}
