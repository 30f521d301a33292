/**
 * A small menu of actions opened from a button, as a popover: it sits in the
 * top layer (so a table row's paint containment does not clip it), closes
 * on Escape and on a click elsewhere. ↑ ↓ Home End move between items,
 * which are only rendered while it is open.
 * `controls` lets the owner open it elsewhere too: at the pointer (a
 * right-click) or under its button (the context-menu key), and close it.
 */
import { useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { flushSync } from 'react-dom';
import { MoreIcon } from './icons.js';

export interface ActionMenuControls {
  /** Opens the menu (it stays open if it is): at a point of the window, else under its button. */
  open(at?: { x: number; y: number }): void;
  /** Closes the menu if it is open, focus back where the keyboard was if it was in the menu. */
  close(): void;
}

export interface MenuItem {
  id: string;
  label: string;
  danger?: boolean;
  testId?: string;
}

export interface ActionMenuProps {
  items: readonly MenuItem[];
  onSelect(id: string): void;
  label: string;
  buttonId?: string;
  testId?: string;
  controls?: Ref<ActionMenuControls>;
}

export function ActionMenu({ items, onSelect, label, buttonId, testId, controls }: ActionMenuProps) {
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  /** Where the next opening puts the menu, when not under its button. */
  const openAt = useRef<{ x: number; y: number } | null>(null);
  const menuId = useId();
  /**
   * Whether the items are in the DOM: only while the menu is open (a table
   * has one menu per row in view, and rows come and go with every keystroke
   * of a search).
   */
  const [open, setOpen] = useState(false);

  /**
   * Back to where the keyboard was: the grid around the button (it owns the
   * keys of its rows), else the button itself.
   */
  const restoreFocus = () => {
    const button = buttonRef.current;
    const stop = button?.parentElement?.closest<HTMLElement>('[role="grid"][tabindex="0"]');
    (stop ?? button)?.focus();
  };

  useImperativeHandle(
    controls,
    () => ({
      open(at) {
        const menu = menuRef.current;
        if (!menu || menu.matches(':popover-open')) return;
        openAt.current = at ?? null;
        menu.showPopover();
      },
      close() {
        const menu = menuRef.current;
        if (!menu?.matches(':popover-open')) return;
        const hadFocus = menu.contains(document.activeElement);
        menu.hidePopover();
        if (hadFocus) restoreFocus();
      },
    }),
    [],
  );

  useEffect(() => {
    const menu = menuRef.current;
    if (!menu) return;
    // Fired as the menu opens, before it shows: its items are rendered now, so that it opens with them
    // (and at the size they give it). A menu is only opened from an event, never while React renders.
    const onBeforeToggle = (e: Event) => {
      if ((e as ToggleEvent).newState === 'open') flushSync(() => setOpen(true));
    };
    const onToggle = (e: Event) => {
      const open = (e as ToggleEvent).newState === 'open';
      buttonRef.current?.setAttribute('aria-expanded', String(open));
      if (!open) {
        setOpen(false);
        // Closed by Escape or a click elsewhere: focus must not fall to the page (see restoreFocus).
        const active = document.activeElement;
        if (!active || active === document.body || menu.contains(active)) restoreFocus();
        return;
      }
      const at = openAt.current;
      openAt.current = null;
      const r = buttonRef.current?.getBoundingClientRect();
      const width = menu.offsetWidth;
      if (at) {
        menu.style.top = `${Math.max(8, Math.min(at.y, window.innerHeight - menu.offsetHeight - 8))}px`;
        menu.style.left = `${Math.max(8, Math.min(at.x, window.innerWidth - width - 8))}px`;
      } else if (r) {
        menu.style.top = `${Math.min(r.bottom + 4, window.innerHeight - menu.offsetHeight - 8)}px`;
        menu.style.left = `${Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8))}px`;
      }
      menu.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    };
    menu.addEventListener('beforetoggle', onBeforeToggle);
    menu.addEventListener('toggle', onToggle);
    return () => {
      menu.removeEventListener('beforetoggle', onBeforeToggle);
      menu.removeEventListener('toggle', onToggle);
    };
  }, []);

  if (items.length === 0) return null;

  const close = () => {
    menuRef.current?.hidePopover();
    restoreFocus();
  };

  const onMenuKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const to = (n: number) => buttons[(n + buttons.length) % buttons.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        to(i + 1);
        break;
      case 'ArrowUp':
        to(i - 1);
        break;
      case 'Home':
        to(0);
        break;
      case 'End':
        to(buttons.length - 1);
        break;
      case 'Tab':
        close();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        className="btn-icon menu-button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded="false"
        aria-controls={menuId}
        tabIndex={-1}
        onClick={(e) => {
          e.stopPropagation();
          menuRef.current?.togglePopover();
        }}
        data-testid={testId}
      >
        <MoreIcon />
      </button>
      <div ref={menuRef} id={menuId} popover="auto" role="menu" aria-label={label} className="menu" onKeyDown={onMenuKeyDown} onClick={(e) => e.stopPropagation()} data-testid={testId && `${testId}-menu`}>
        {open &&
          items.map((item) => (
            <button
              key={item.id}
              type="button"
              role="menuitem"
              className={item.danger ? 'menu-item menu-item--danger' : 'menu-item'}
              onClick={() => {
                close();
                onSelect(item.id);
              }}
              data-testid={item.testId}
            >
              {item.label}
            </button>
          ))}
      </div>
    </>
  );
}
