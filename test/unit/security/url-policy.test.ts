import { describe, expect, it } from 'vitest';
import { checkExternalUrl, decideNavigation, decideWindowOpen, isAppPageUrl, isSafeExternalUrl } from '../../../main/security/url-policy.js';

const APP = 'file:///opt/Flotilla/resources/app.asar/out/renderer/index.html';

describe('links opened in the system browser', () => {
  it.each([
    'https://docs.kasten.io/latest/multicluster/index.html',
    'http://example.com',
    'https://127.0.0.1:40123/k10/#/dashboard',
    'https://[::1]:8443/k10',
    'https://xn--bcher-kva.example/path?q=1',
  ])('opens %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it('returns the normalised URL, which is what gets opened', () => {
    expect(checkExternalUrl('HTTPS://Docs.Kasten.IO')).toEqual({ ok: true, url: 'https://docs.kasten.io/' });
  });

  it.each([
    ['javascript:alert(1)', /only http and https/],
    ['JaVaScRiPt:alert(1)', /only http and https/],
    ['file:///etc/passwd', /only http and https/],
    ['data:text/html,<script>alert(1)</script>', /only http and https/],
    ['blob:https://example.com/1234', /only http and https/],
    ['vbscript:msgbox', /only http and https/],
    ['ftp://example.com/file', /only http and https/],
    ['smb://server/share', /only http and https/],
    ['mailto:someone@example.com', /only http and https/],
    ['chrome://settings', /only http and https/],
    ['about:blank', /only http and https/],
    ['https://user:pass@example.com/', /user name or password/],
    ['https://example.com@evil.test/', /user name or password/],
    ['java\nscript:alert(1)', /control characters/],
    ['\thttps://example.com', /control characters/],
    [' https://example.com', /control characters/],
    ['https://exa mple.com', /control characters/],
    ['//example.com/no-scheme', /not a valid absolute URL/],
    ['/relative/path', /not a valid absolute URL/],
    ['', /no link/],
    [`https://example.com/${'a'.repeat(2048)}`, /longer than 2048/],
  ])('refuses %j', (url, reason) => {
    const r = checkExternalUrl(url);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('refuses values that are not strings', () => {
    for (const v of [undefined, null, 42, { href: 'https://example.com' }]) expect(isSafeExternalUrl(v)).toBe(false);
  });
});

describe("the app's own page", () => {
  it('is the app index, whatever its fragment or query', () => {
    expect(isAppPageUrl(APP, APP)).toBe(true);
    expect(isAppPageUrl(`${APP}#/fleet`, APP)).toBe(true);
    expect(isAppPageUrl(`${APP}?x=1`, APP)).toBe(true);
  });

  it('is not another file, another scheme, or a path that only starts the same', () => {
    expect(isAppPageUrl('file:///opt/Flotilla/resources/app.asar/out/renderer/other.html', APP)).toBe(false);
    expect(isAppPageUrl('file:///opt/Flotilla/resources/app.asar/out/renderer/index.html.evil', APP)).toBe(false);
    expect(isAppPageUrl('file:///tmp/index.html', APP)).toBe(false);
    expect(isAppPageUrl('file://attacker-host/opt/Flotilla/resources/app.asar/out/renderer/index.html', APP)).toBe(false);
    expect(isAppPageUrl('http://127.0.0.1/opt/Flotilla/resources/app.asar/out/renderer/index.html', APP)).toBe(false);
    expect(isAppPageUrl('about:blank', APP)).toBe(false);
    expect(isAppPageUrl('data:text/html,hi', APP)).toBe(false);
    expect(isAppPageUrl('not a url', APP)).toBe(false);
    expect(isAppPageUrl(undefined, APP)).toBe(false);
  });

  it('compares the path after normalisation, so ../ cannot dress another file up as the app', () => {
    expect(isAppPageUrl('file:///opt/Flotilla/resources/app.asar/out/renderer/x/../index.html', APP)).toBe(true);
    expect(isAppPageUrl('file:///opt/Flotilla/resources/app.asar/out/renderer/index.html/../../../../../etc/passwd', APP)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('lets the window stay on the app page', () => {
    expect(decideNavigation(`${APP}#/import`, APP)).toBe('allow');
  });

  it('sends safe web links to the system browser instead of navigating', () => {
    expect(decideNavigation('https://docs.kasten.io/', APP)).toBe('open-external');
    expect(decideWindowOpen('https://docs.kasten.io/')).toBe('open-external');
  });

  it('refuses everything else', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://u:p@example.com', 'about:blank']) {
      expect(decideNavigation(url, APP)).toBe('deny');
      expect(decideWindowOpen(url)).toBe('deny');
    }
  });

  it('never opens the app page itself in a new window', () => {
    expect(decideWindowOpen(APP)).toBe('deny');
  });
});
