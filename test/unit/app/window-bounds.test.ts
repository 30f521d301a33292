import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, placeWindow } from '../../../main/app/window-bounds.js';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const externalRight = { x: 1440, y: 0, width: 2560, height: 1400 };

describe('where the window reopens', () => {
  it('opens at the default size, centred, the first time', () => {
    expect(placeWindow(undefined, [laptop])).toEqual({ ...DEFAULT_SIZE, maximized: false });
  });

  it('reopens where it was when that spot is still on a display', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000, maximized: false };
    expect(placeWindow(saved, [laptop, externalRight])).toEqual(saved);
  });

  it('remembers that it was maximised', () => {
    expect(placeWindow({ x: 10, y: 10, width: 900, height: 600, maximized: true }, [laptop]).maximized).toBe(true);
  });

  it('comes back on screen, keeping its size, when the monitor it was on is gone', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 700, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ width: 1200, height: 700, maximized: false });
  });

  it('does not reopen with its title bar above the top of the screen', () => {
    const saved = { x: 100, y: -500, width: 1000, height: 700, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('shrinks to fit a smaller display', () => {
    const saved = { x: 1600, y: 0, width: 2500, height: 1400, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ width: laptop.width, height: laptop.height, maximized: false });
  });

  it('never opens smaller than usable', () => {
    const p = placeWindow({ x: 0, y: 0, width: 10, height: 10, maximized: false }, [laptop]);
    expect(p.width).toBe(MIN_SIZE.width);
    expect(p.height).toBe(MIN_SIZE.height);
  });

  it('ignores nonsense in the state file', () => {
    for (const junk of [{ x: 0, y: 0, width: Number.NaN, height: 600 }, { width: -5, height: 600 }, {}]) {
      expect(placeWindow(junk, [laptop])).toEqual({ ...DEFAULT_SIZE, maximized: false });
    }
  });
});
