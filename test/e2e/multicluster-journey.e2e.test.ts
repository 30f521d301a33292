/**
 * The seed lab's multi-cluster part, done alone in the app as a user would:
 * promote cluster-1, create lab-token, reveal it and copy it (the clipboard
 * clears), join cluster-2 with it by paste, grant permissions, see both
 * clusters joined; then join two more in one click. Each step is checked
 * against the clusters themselves and photographed; at the end no token is
 * in the renderer, the page, or any file Flotilla wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MemoryClipboard } from '../../main/host/clipboard.js';
import { labFleetOf } from '../../main/lab/cluster-source.js';
import type { LabFleet } from '../../main/lab/fleet.js';
import { RT } from '../../main/lab/kasten/context.js';
import { AppPage } from './pages/app.page.js';
import { MulticlusterUi } from './pages/multicluster-ui.page.js';
import { screenshot } from './support/artefacts.js';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { secretsInFiles, secretsInRenderer } from './support/credentials.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;
let mc: MulticlusterUi;
let lab: LabFleet;
let token = '';

/** What a cluster's store holds, read directly from the lab: the independent check of what the app did. */
function secretOn(cluster: string, ns: string, name: string, key: string): string | undefined {
  const s = lab.cluster(cluster).store.get(RT.secret, ns, name) as { data?: Record<string, string> } | undefined;
  const v = s?.data?.[key];
  return v ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

beforeAll(async () => {
  app = await startE2ePreview({ labClusters: 4 });
  lab = labFleetOf(app.preview.services.lab.source)!;
  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
  mc = new MulticlusterUi(page);
  await ui.waitForScreen('fleet');
  await ui.fleet.waitForRowCount(4);
  // Roles come from each cluster's watches: wait until the fleet knows every cluster is standalone.
  const deadline = Date.now() + 30_000;
  for (const name of ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']) {
    while ((await mc.nav.rowFacts(name)).role !== 'standalone') {
      if (Date.now() > deadline) throw new Error(`${name} did not show as standalone within 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the multi-cluster journey in the app', () => {
  it('promotes cluster-1, with the ingress found on it and the exact manifests', async () => {
    await mc.nav.rowAction('cluster-1', 'promote');
    await mc.promote.waitReady();
    expect(await mc.promote.name()).toBe('cluster-1');
    expect(await mc.promote.url()).toBe(lab.cluster('cluster-1').k10IngressUrl);
    expect(await mc.promote.urlSource()).toContain('k10-ingress');
    expect(await mc.promote.show('yaml')).toContain('kind: Bootstrap');
    expect(await mc.promote.show('helm')).toContain('multicluster.primary.name=cluster-1');
    await screenshot(page, '10-promote-form');
    expect(await mc.promote.promote()).toBe('done');
    await screenshot(page, '11-promote-done');
    expect(lab.cluster('cluster-1').store.list(RT.cluster, { namespace: 'kasten-io-mc' }).items.map((c) => c.metadata.name)).toEqual(['cluster-1']);
  });

  it('creates lab-token, reveals it only on request and masks it again', async () => {
    await mc.promote.openTokens();
    await mc.tokens.create('lab-token');
    const shown = await mc.tokens.read('lab-token');
    expect(shown.fingerprint).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(await mc.storeJson()).not.toMatch(/"token":"ey/);
    const revealed = await mc.tokens.reveal('lab-token');
    token = revealed.value;
    expect(revealed.fingerprint).toBe(shown.fingerprint);
    expect(token.length).toBeGreaterThan(40);
    expect(await mc.tokens.maskCountdown()).toBeGreaterThan(20);
    await screenshot(page, '12-token-revealed');
    await mc.tokens.hide();
    expect(await secretsInRenderer(page, [token])).toEqual([]);
  });

  it('copies the token to a clipboard that main clears, and never hands the value to the page', async () => {
    const clipboard = app.preview.services.host.clipboard as MemoryClipboard;
    await mc.tokens.copy('lab-token');
    await mc.tokens.waitClipboardState('holding');
    expect(clipboard.text).toBe(token);
    expect(clipboard.concealed).toBe(true);
    expect(await secretsInRenderer(page, [token])).toEqual([]);
    await screenshot(page, '13-token-copied');
    await mc.tokens.clearClipboard();
    await mc.tokens.waitClipboardState('cleared');
    expect(clipboard.text).toBe('');
  });

  it('joins cluster-2 with the pasted token, showing the same fingerprint, until joined', async () => {
    await mc.nav.go('fleet');
    await mc.nav.rowAction('cluster-2', 'join');
    await mc.join.waitReady();
    await mc.join.paste(token);
    expect(await mc.join.pasteFieldValue()).toBe('');
    const held = await mc.join.heldToken();
    expect(held?.fingerprint).toBe((await app.preview.services.router.invoke('tokens:list', { clusterId: 'lab:cluster-1' }, { transport: 'test' }).then((r) => (r.ok ? r.result[0]?.fingerprint : undefined))));
    await mc.join.useCurrentIngress();
    await screenshot(page, '14-join-form');
    expect(await mc.join.connect()).toBe('joined');
    await screenshot(page, '15-join-joined');
    expect(secretOn('cluster-2', 'kasten-io', 'mc-cluster-info', 'primaryName')).toBe('cluster-1');
    expect(await secretsInRenderer(page, [token])).toEqual([]);
  });

  it('grants the current user k10-multi-cluster-admin on all clusters', async () => {
    await mc.nav.go('multicluster');
    await mc.screen.openView('permissions');
    await mc.permissions.waitReady();
    expect(await mc.permissions.identity()).toBeTruthy();
    expect(await mc.permissions.role()).toBe('k10-multi-cluster-admin');
    expect(await mc.permissions.apply()).toBe('done');
    await screenshot(page, '16-permissions');
    const bindings = lab.cluster('cluster-1').store.list(RT.k10ClusterRoleBinding, { namespace: 'kasten-io-mc' }).items;
    expect(bindings.map((b) => (b.spec as { k10ClusterRole?: string }).k10ClusterRole)).toEqual(['k10-multi-cluster-admin']);
  });

  it('shows both clusters joined in the fleet view: reachable, member of cluster-1, joined', async () => {
    await mc.nav.go('fleet');
    await expect.poll(async () => mc.nav.rowFacts('cluster-2'), { timeout: 30_000 }).toMatchObject({ role: 'secondary', joinState: 'joined', primary: 'cluster-1', reachability: 'reachable' });
    expect((await mc.nav.rowFacts('cluster-1')).role).toBe('primary');
    await screenshot(page, '17-fleet-joined');
  });

  it('joins cluster-3 and cluster-4 in one click; the token never reaches the page', async () => {
    await mc.nav.go('multicluster');
    await mc.screen.openView('join');
    await mc.joinMany.choose('cluster-3', 'cluster-4');
    const lines = await mc.joinMany.joinAndWait();
    expect(Object.fromEntries(lines.map((l) => [l.name, l.state]))).toEqual({ 'cluster-3': 'joined', 'cluster-4': 'joined' });
    await screenshot(page, '18-join-many');
    await mc.nav.go('fleet');
    for (const name of ['cluster-3', 'cluster-4']) {
      await expect.poll(async () => mc.nav.rowFacts(name), { timeout: 30_000 }).toMatchObject({ role: 'secondary', joinState: 'joined', primary: 'cluster-1' });
    }
    await screenshot(page, '19-fleet-four');
  });

  it('keeps every token out of the renderer, the page and the user-data folder (state, logs, audit log)', async () => {
    const tokens = [token, ...['lab-token', 'flotilla'].flatMap((n) => lab.cluster('cluster-1').store.list(RT.secret, { namespace: 'kasten-io-mc' }).items.filter((s) => s.metadata.labels?.['flotilla.io/token-name'] === n).map((s) => Buffer.from((s as { data?: { token?: string } }).data?.token ?? '', 'base64').toString('utf8')))].filter((t) => t.length > 20);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(await secretsInRenderer(page, tokens)).toEqual([]);
    expect(await secretsInFiles(app.userDataDir, tokens)).toEqual([]);
    const audit = await app.preview.services.router.invoke('audit:list', {}, { transport: 'test' });
    expect(audit.ok && audit.result.map((e) => e.action)).toEqual(expect.arrayContaining(['promote', 'token-create', 'token-reveal', 'token-copy', 'join', 'grant']));
  });
});
