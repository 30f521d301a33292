/**
 * The application menu: the usual menus and shortcuts, built from Electron
 * roles so each platform gets its native labels and accelerators (Cmd/Ctrl+C,
 * zoom, full screen, reload, quit).
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

/** Builds the menu; `isMac` adds the macOS app menu and a Window menu that behaves the Mac way. */
export function buildAppMenu(isMac = process.platform === 'darwin'): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
