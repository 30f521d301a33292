/**
 * The Electron clipboard behind SecretClipboard.
 *
 * Not concealed yet, on purpose: every Electron 41 clipboard write (writeText,
 * writeBuffer, write) is one Chromium ScopedClipboardWriter that empties the
 * clipboard before writing, and `write` accepts only text/html/rtf/image/
 * bookmark. So `concealmentFormats()` cannot sit beside the text: a
 * writeBuffer after writeText would replace the token with an empty marker
 * and nothing would paste (electron/electron#2130, #41462; Bitwarden desktop
 * #557 hit the same wall). When Electron can write custom formats together
 * with text in one call, write them here; until then the timed clear is the
 * protection, and clipboard history may keep the token.
 */
import { clipboard } from 'electron';
import type { SystemClipboard } from '../host/clipboard.js';

export function electronClipboard(): SystemClipboard {
  return {
    writeSecret: (text) => clipboard.writeText(text),
    readText: () => clipboard.readText(),
    clear: () => clipboard.clear(),
  };
}
