/**
 * The Electron clipboard behind SecretClipboard (main/host/clipboard.ts).
 *
 * The token and the platform's concealment markers (`concealmentFormats`)
 * go in ONE `clipboard.write`: Electron commits the entries of one write
 * atomically, and any second write would first empty the clipboard and so
 * replace the token (electron/electron#2130). Raw OS formats are written
 * through Electron's `electron application/osclipboard;format="…"` MIME
 * type, available since Electron 44 (#51707).
 */
import { clipboard, ClipboardItem } from 'electron';
import { concealmentFormats, type SystemClipboard } from '../host/clipboard.js';

/** The MIME type under which Electron writes a raw OS clipboard format. */
export function osFormat(format: string): string {
  return `electron application/osclipboard;format="${format}"`;
}

export function electronClipboard(platform: NodeJS.Platform = process.platform): SystemClipboard {
  return {
    conceals: true,
    async writeSecret(text) {
      const entries: Record<string, string | Blob> = { 'text/plain': text };
      for (const f of concealmentFormats(platform)) entries[osFormat(f.format)] = new Blob([f.data]);
      await clipboard.write([new ClipboardItem(entries)]);
    },
    readText: () => clipboard.readText(),
    clear: () => clipboard.clear(),
  };
}
