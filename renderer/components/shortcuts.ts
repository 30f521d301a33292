/**
 * The app's keyboard shortcuts: the list the `?` dialog shows
 * (shortcuts-dialog.tsx) and the rule that matches a key press to one. Shortcuts do not fire
 * while the user types in a field (a `/` or `?` is text there, and Ctrl+R
 * or Ctrl+I belong to the field's own editing; Ctrl+, edits nothing and
 * still works), nor behind a modal dialog.
 */
export type ShortcutId = 'search' | 'refresh' | 'import' | 'settings' | 'help';

export interface Shortcut {
  id: ShortcutId;
  /** How the dialog writes the keys. */
  keys: string[];
  what: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'search', keys: ['/', 'Ctrl+F'], what: 'Search the fleet' },
  { id: 'refresh', keys: ['F5', 'Ctrl+R'], what: 'Check every cluster now' },
  { id: 'import', keys: ['Ctrl+I'], what: 'Import kubeconfigs' },
  { id: 'settings', keys: ['Ctrl+,'], what: 'Settings' },
  { id: 'help', keys: ['?'], what: 'This list of shortcuts' },
];

/** In the fleet table, for the dialog's second part. */
export const TABLE_KEYS: readonly { keys: string[]; what: string }[] = [
  { keys: ['↑', '↓', 'Home', 'End', 'PageUp', 'PageDown'], what: 'Move the current cluster' },
  { keys: ['Space'], what: 'Tick the current cluster' },
  { keys: ['Enter', 'Shift+F10', 'Menu'], what: "Open the current cluster's menu" },
  { keys: ['Delete'], what: 'Remove the ticked clusters (or the current one)' },
  { keys: ['Escape'], what: 'Close the detail panel' },
  { keys: ['←', '→'], what: 'Move between column headers (Enter sorts)' },
];

/** Whether a key press is typing: in a text field, a select or editable content. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  return false;
}

/** The shortcut a key press means, if any (before asking whether it applies where the user is). */
export function shortcutOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): ShortcutId | undefined {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey) return undefined;
  if (!mod && e.key === '/') return 'search';
  if (!mod && e.key === '?') return 'help';
  if (!mod && !e.shiftKey && e.key === 'F5') return 'refresh';
  if (mod && !e.shiftKey) {
    switch (e.key.toLowerCase()) {
      case 'f':
        return 'search';
      case 'r':
        return 'refresh';
      case 'i':
        return 'import';
      case ',':
        return 'settings';
    }
  }
  return undefined;
}
