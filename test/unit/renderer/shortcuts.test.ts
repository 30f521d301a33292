/** Which key press is which shortcut (the app applies them only outside text fields and modal dialogs). */
import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutOf } from '../../../renderer/components/shortcuts.js';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('keyboard shortcuts', () => {
  it('/ and Ctrl+F search, F5 and Ctrl+R refresh, Ctrl+I imports, Ctrl+, opens settings, ? lists them', () => {
    expect(shortcutOf(key('/'))).toBe('search');
    expect(shortcutOf(key('f', { ctrlKey: true }))).toBe('search');
    expect(shortcutOf(key('F', { metaKey: true }))).toBe('search');
    expect(shortcutOf(key('F5'))).toBe('refresh');
    expect(shortcutOf(key('r', { ctrlKey: true }))).toBe('refresh');
    expect(shortcutOf(key('i', { ctrlKey: true }))).toBe('import');
    expect(shortcutOf(key(',', { ctrlKey: true }))).toBe('settings');
    expect(shortcutOf(key('?', { shiftKey: true }))).toBe('help');
  });

  it('leaves every other key alone: letters, Alt and Shift combinations, Ctrl+Shift+R', () => {
    for (const k of [key('f'), key('r'), key('i'), key('F5', { shiftKey: true }), key('r', { ctrlKey: true, shiftKey: true }), key('f', { ctrlKey: true, altKey: true }), key('/', { altKey: true }), key('Enter')]) {
      expect(shortcutOf(k)).toBeUndefined();
    }
  });

  it('lists every shortcut it knows in the dialog', () => {
    expect(SHORTCUTS.map((s) => s.id).sort()).toEqual(['help', 'import', 'refresh', 'search', 'settings']);
  });
});
