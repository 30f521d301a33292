/**
 * Which URLs the app may navigate to, open in the system browser, or accept
 * IPC from. Pure (no Electron) so every rule has a unit test; main/app's
 * guards and the app:open-external handler (main/app-handlers.ts) only call
 * these, so both refuse the same links.
 *
 * Everything is decided on the URL as `new URL` parses it, never on string
 * prefixes: `https://example.com@evil.test`, `HTTPS://`, `\t`-split schemes
 * and `/../` tricks look different to a prefix check than to Chromium.
 */

/** Longest link we will hand to the OS (matches the contract's limit on app:open-external). */
export const MAX_EXTERNAL_URL_LENGTH = 2048;

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * Whether `raw` may be opened in the system browser: an absolute http(s) URL
 * with a host and without credentials. On success returns the normalised
 * URL, which is what must be opened (not `raw`).
 */
export function checkExternalUrl(raw: unknown): UrlCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'no link was given' };
  if (raw.length > MAX_EXTERNAL_URL_LENGTH) return { ok: false, reason: `the link is longer than ${MAX_EXTERNAL_URL_LENGTH} characters` };
  // The URL parser silently drops tabs and newlines and trims spaces, which is how
  // "java\nscript:" slips past naive filters. A real link has none of them.
  if (/[\u0000-\u0020\u007f]/.test(raw)) return { ok: false, reason: 'the link contains spaces or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'it is not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `only http and https links open in the browser (this one is ${url.protocol})` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'the link carries a user name or password, which Flotilla does not hand to the browser' };
  }
  if (url.hostname === '') return { ok: false, reason: 'the link has no host' };
  return { ok: true, url: url.href };
}

/** Convenience for call sites that only need yes or no. */
export function isSafeExternalUrl(raw: unknown): boolean {
  return checkExternalUrl(raw).ok;
}

/**
 * Whether a frame's URL is the app's own page: same file:// document as
 * `appIndexUrl` (query and fragment ignored, since the renderer may route
 * with the fragment). Anything else (another file, an http page, about:blank,
 * a data: URL) is not the app and gets no IPC.
 */
export function isAppPageUrl(frameUrl: unknown, appIndexUrl: string): boolean {
  if (typeof frameUrl !== 'string') return false;
  let frame: URL;
  let app: URL;
  try {
    frame = new URL(frameUrl);
    app = new URL(appIndexUrl);
  } catch {
    return false;
  }
  return frame.protocol === 'file:' && app.protocol === 'file:' && frame.host === app.host && frame.pathname === app.pathname;
}

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

/**
 * For `will-navigate` / `will-redirect`: the window may only ever show the
 * app's page. A safe http(s) link is opened in the system browser instead;
 * everything else is refused.
 */
export function decideNavigation(targetUrl: string, appIndexUrl: string): NavigationDecision {
  if (isAppPageUrl(targetUrl, appIndexUrl)) return 'allow';
  return isSafeExternalUrl(targetUrl) ? 'open-external' : 'deny';
}

/** For `setWindowOpenHandler`: the app never opens a second window of its own. */
export function decideWindowOpen(targetUrl: string): Exclude<NavigationDecision, 'allow'> {
  return isSafeExternalUrl(targetUrl) ? 'open-external' : 'deny';
}
