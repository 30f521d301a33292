/**
 * The seed lab's last part, done in the app as a user would: on a primary
 * with one secondary (promoted and joined through the router, which the
 * multi-cluster journey covers in the UI), create the global profile
 * `global-profile-example` in the form (main's refusal shown beside the
 * field it names; the keys never stay in the page), a global policy, and
 * `example-distribution` targeting both cluster types by label, checking the
 * live preview before saving; see it Synced on both clusters; edit the copy
 * on cluster-2 with the real kubectl and see Modified with the field's
 * difference; Force sync; Synced again. On the way: the warnings an edit
 * that drops a cluster and an overlapping distribution give before saving,
 * the Status page, the YAML with the keys redacted and revealed for a while
 * only, and the delete that leaves the copies. Every step is photographed;
 * at the end neither key is in the renderer, the page or the user-data
 * folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ArgsIn, Channel, ResultOf } from '../../shared/contract/index.js';
import { labFleetOf } from '../../main/lab/cluster-source.js';
import type { LabFleet } from '../../main/lab/fleet.js';
import { KUBECTL, runKubectl } from '../support/kubectl.js';
import { AppPage } from './pages/app.page.js';
import { DistributionsPage, StatusPage } from './pages/distributions.page.js';
import { MulticlusterUi } from './pages/multicluster-ui.page.js';
import { PoliciesPage } from './pages/policies.page.js';
import { ProfilesPage } from './pages/profiles.page.js';
import { screenshot } from './support/artefacts.js';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { secretsInFiles, secretsInRenderer } from './support/credentials.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';

const PROFILE = 'global-profile-example';
const DISTRIBUTION = 'example-distribution';
const ACCESS_KEY = 'AKIAFLOTILLAE2E0000042';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/e2eFlotillaSecretKey0042';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** Every form a key could leak in: as typed, and base64 as a Secret holds it. */
const KEYS = [ACCESS_KEY, SECRET_KEY, b64(ACCESS_KEY), b64(SECRET_KEY)];

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;
let mc: MulticlusterUi;
let profiles: ProfilesPage;
let policies: PoliciesPage;
let dists: DistributionsPage;
let status: StatusPage;
let lab: LabFleet;
let dir: string;
let kubeconfigPath: string;

async function call<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<ResultOf<C>> {
  const r = await app.preview.services.router.invoke(channel, args, { transport: 'test' });
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

/** The real kubectl against the lab's kubeconfig: the independent check of what the app did and the "someone edited it by hand". */
async function kubectl(...args: string[]): Promise<string> {
  const r = await runKubectl(args, { KUBECONFIG: kubeconfigPath });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Polls outside a test (expect.poll cannot run in beforeAll). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function regionOn(cluster: string): Promise<string> {
  return kubectl('--context', cluster, 'get', 'profiles.config.kio.kasten.io', PROFILE, '-n', 'kasten-io', '-o', 'jsonpath={.spec.locationSpec.objectStore.region}');
}

beforeAll(async () => {
  if (!KUBECTL) throw new Error('kubectl is not installed: this spec edits a copy with the real kubectl');
  app = await startE2ePreview({ labClusters: 2 });
  lab = labFleetOf(app.preview.services.lab.source)!;
  dir = mkdtempSync(join(tmpdir(), 'flotilla-e2e-dist-'));
  kubeconfigPath = join(dir, 'lab.kubeconfig');
  writeFileSync(kubeconfigPath, lab.kubeconfig(), { mode: 0o600 });

  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
  mc = new MulticlusterUi(page);
  profiles = new ProfilesPage(page);
  policies = new PoliciesPage(page);
  dists = new DistributionsPage(page);
  status = new StatusPage(page);
  await ui.waitForScreen('fleet');
  await ui.fleet.waitForRowCount(2);

  // The promotion and the join, as the multi-cluster journey does them in the UI, here through the router.
  const promoted = await call('promote:run', { clusterId: 'lab:cluster-1', name: 'cluster-1', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
  expect(promoted.primaryName).toBe('cluster-1');
  const joined = await call('join:many', { primaryId: 'lab:cluster-1', secondaries: [{ clusterId: 'lab:cluster-2' }], waitSeconds: 60 });
  expect(joined.results.map((r) => r.state)).toEqual(['joined']);
  // The fleet learns the new roles from each cluster's watches.
  await until(async () => (await mc.nav.rowFacts('cluster-1')).role === 'primary' && (await mc.nav.rowFacts('cluster-2')).role === 'secondary', 'cluster-1 primary and cluster-2 secondary in the fleet');
  await mc.nav.go('multicluster');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('global resources and distributions in the app', () => {
  it('refuses a wrong bucket beside the bucket field, and empties the key fields on submit', async () => {
    await profiles.open();
    await profiles.startNew();
    await profiles.fill({ name: PROFILE, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, region: 'us-east-1', bucket: 'Kasten_Bucket', skipTlsVerify: true });
    expect(await profiles.skipTlsWarning.innerText()).toMatch(/without checking its certificate/);
    await profiles.fill({ skipTlsVerify: false });
    expect(await profiles.skipTlsWarning.isVisible()).toBe(false);
    expect(await profiles.save()).toBe('refused');
    const errors = await profiles.fieldErrors();
    expect(errors.bucket).toMatch(/a bucket name has only lowercase letters/);
    expect(Object.keys(errors)).toEqual(['bucket']);
    expect(await profiles.inputOfFieldError('bucket')).toBe('profile-bucket');
    expect(await profiles.keyFieldValues()).toEqual({ accessKey: '', secretKey: '' });
    expect(await profiles.keysClearedNote()).toBe(true);
    await screenshot(page, '20-profile-refused');
    expect(await secretsInRenderer(page, KEYS)).toEqual([]);
  });

  it('creates global-profile-example (S3 compatible, us-east-1, bucket kasten); the keys reach only its Secret', async () => {
    await profiles.fill({ bucket: 'kasten', accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
    expect(await profiles.save()).toBe('saved');
    expect(await profiles.read(PROFILE)).toMatchObject({ bucket: 'kasten', region: 'us-east-1', hasCredentials: true, usedBy: [] });
    await screenshot(page, '21-profiles');
    const stored = await kubectl('--context', 'cluster-1', 'get', 'secret', `${PROFILE}-credentials`, '-n', 'kasten-io-mc', '-o', 'jsonpath={.data.aws_secret_access_key}');
    expect(Buffer.from(stored, 'base64').toString('utf8')).toBe(SECRET_KEY);
    expect(await secretsInRenderer(page, KEYS)).toEqual([]);
  });

  it('edits the profile with its keys shown as unchanged, and leaves them as they were', async () => {
    await profiles.startEdit(PROFILE);
    expect(await profiles.keyPlaceholder()).toBe('unchanged');
    expect(await profiles.form.getByTestId('profile-name').isEditable()).toBe(false);
    await profiles.fill({ endpoint: 'https://s3.lab.example' });
    expect(await profiles.save()).toBe('saved');
    expect(await profiles.read(PROFILE)).toMatchObject({ endpoint: 'https://s3.lab.example', hasCredentials: true });
    const stored = await kubectl('--context', 'cluster-1', 'get', 'secret', `${PROFILE}-credentials`, '-n', 'kasten-io-mc', '-o', 'jsonpath={.data.aws_secret_access_key}');
    expect(Buffer.from(stored, 'base64').toString('utf8')).toBe(SECRET_KEY);
  });

  it('creates a global policy exporting to the profile, its application selector built term by term', async () => {
    await policies.open();
    await policies.startNew();
    await policies.fill({ name: 'daily-backup', frequency: '@daily', retention: { daily: 7, weekly: 4, monthly: '' }, exportProfile: PROFILE });
    await policies.selector.addTerm('tier', 'in', 'db, cache');
    await policies.selector.addTerm('legacy', '!exists');
    expect(await policies.selector.text()).toBe('tier in (db,cache),!legacy');
    expect(await policies.selector.terms()).toEqual(['!legacy', 'tier in (cache,db)']);
    await screenshot(page, '22-policy-form');
    expect(await policies.save()).toBe('saved');
    expect(await policies.read('daily-backup')).toMatchObject({ frequency: 'Daily', retention: '7 daily · 4 weekly', actions: `Backup, export to ${PROFILE}`, usedBy: [], paused: false });
    await screenshot(page, '23-policies');
  });

  it('creates example-distribution by cluster-type labels; the live preview lists cluster-1 and cluster-2 before saving', async () => {
    await dists.open();
    const editor = await dists.startNew();
    await editor.setName(DISTRIBUTION);
    expect(await editor.labelPicks()).toEqual(expect.arrayContaining(['dist.kio.kasten.io/cluster-type=primary', 'dist.kio.kasten.io/cluster-type=secondary']));
    await editor.pickLabel('dist.kio.kasten.io/cluster-type=primary');
    expect(await editor.targetSelects(0)).toEqual(['cluster-1']);
    await editor.waitPreview(['cluster-1']);

    // A syntax error: the editor points at the character, and the preview keeps what the other entry selects.
    const broken = 'dist.kio.kasten.io/cluster-type=secondary)';
    await editor.addSelector(broken);
    expect(await editor.selector(1).error()).toMatch(/found '\)', expected: ',' or 'end of string'/);
    expect(await editor.selector(1).caretPosition()).toBe(broken.indexOf(')'));
    expect(await editor.selector(1).highlighted()).toBe(')');
    expect(await editor.previewClusters()).toEqual(['cluster-1']);
    await screenshot(page, '24-distribution-selector-error');

    await editor.selector(1).type('dist.kio.kasten.io/cluster-type=secondary');
    expect(await editor.selector(1).error()).toBeNull();
    await editor.waitPreview(['cluster-1', 'cluster-2']);
    expect(await editor.targetSelects(1)).toEqual(['cluster-2']);
    await editor.setSource('Profile', PROFILE);
    expect(await editor.secretNote()).toMatch(/credentials Secret travels with it/);
    expect(await editor.previewClusters()).toEqual(['cluster-1', 'cluster-2']);
    await screenshot(page, '25-distribution-preview');

    expect(await editor.save()).toEqual({ added: ['cluster-1', 'cluster-2'], dropped: [] });
  });

  it('shows it Synced on both clusters, read on each', async () => {
    await dists.waitClusterStates(DISTRIBUTION, { 'cluster-1': 'synced', 'cluster-2': 'synced' });
    expect(await dists.state(DISTRIBUTION)).toBe('synced');
    await screenshot(page, '26-distribution-synced');
    expect(await regionOn('cluster-2')).toBe('us-east-1');
    expect(await kubectl('--context', 'cluster-2', 'get', 'secret', `${PROFILE}-credentials`, '-n', 'kasten-io', '-o', 'jsonpath={.metadata.name}')).toBe(`${PROFILE}-credentials`);
  });

  it('shows Modified with the field difference after the copy on cluster-2 is edited with kubectl', async () => {
    await kubectl('--context', 'cluster-2', 'patch', 'profiles.config.kio.kasten.io', PROFILE, '-n', 'kasten-io', '--type', 'merge', '-p', '{"spec":{"locationSpec":{"objectStore":{"region":"eu-west-1"}}}}');
    await dists.waitClusterStates(DISTRIBUTION, { 'cluster-1': 'synced', 'cluster-2': 'modified' });
    expect(await dists.state(DISTRIBUTION)).toBe('modified');
    expect(await dists.diff(DISTRIBUTION, 'cluster-2')).toEqual([{ path: `Profile ${PROFILE}: spec.locationSpec.objectStore.region`, expected: 'us-east-1', actual: 'eu-west-1' }]);
    expect(await dists.clusterMessage(DISTRIBUTION, 'cluster-2')).toMatch(/a field differs from the global definition/);
    await screenshot(page, '27-distribution-modified');
  });

  it('shows on the Status page what each cluster holds, cluster-2’s copy Modified', async () => {
    await status.open();
    await expect.poll(() => status.clusterState('cluster-2'), { timeout: 15_000 }).toBe('modified');
    expect(await status.holdings('cluster-2')).toEqual([{ resource: `Profile ${PROFILE}`, distribution: DISTRIBUTION, state: 'modified' }]);
    expect(await status.holdings('cluster-1')).toEqual([{ resource: `Profile ${PROFILE}`, distribution: DISTRIBUTION, state: 'synced' }]);
    expect(await status.placesOf(`Profile ${PROFILE}`)).toEqual({ 'cluster-1': 'synced', 'cluster-2': 'modified' });
    expect(await status.placesOf('Policy daily-backup')).toEqual({});
    await screenshot(page, '28-status-modified');
  });

  it('Force sync puts the global definition back: Synced again', async () => {
    await dists.open();
    await dists.forceSync(DISTRIBUTION);
    await dists.waitClusterStates(DISTRIBUTION, { 'cluster-1': 'synced', 'cluster-2': 'synced' });
    expect(await dists.state(DISTRIBUTION)).toBe('synced');
    expect(await regionOn('cluster-2')).toBe('us-east-1');
    await screenshot(page, '29-distribution-force-synced');
  });

  it('warns before saving an edit that would stop sending it to cluster-2', async () => {
    const editor = await dists.startEdit(DISTRIBUTION);
    expect(await editor.nameEditable()).toBe(false);
    await editor.removeTarget(1);
    await editor.waitPreview(['cluster-1']);
    await expect.poll(() => editor.droppedWarning().then((w) => w?.clusters)).toEqual(['cluster-2']);
    expect(await editor.saveLabel()).toBe('Save and stop sending to 1 cluster');
    await screenshot(page, '30-distribution-drop-warning');
    await editor.cancel();
  });

  it('says before saving when another distribution would send the same profile to the same cluster', async () => {
    const editor = await dists.startNew();
    await editor.setName('edge-profile');
    await editor.addCluster('cluster-2');
    await editor.setSource('Profile', PROFILE);
    await expect.poll(() => editor.overlaps()).toEqual([{ resource: `Profile ${PROFILE}`, distributions: ['edge-profile', DISTRIBUTION], clusters: ['cluster-2'] }]);
    expect(await editor.overlapText()).toMatch(/Kasten does not say which distribution wins/);
    await screenshot(page, '31-distribution-overlap');
    await editor.cancel();
  });

  it('shows the profile as YAML with its keys redacted, reveals them on request, and masks them on leaving the view', async () => {
    await profiles.open();
    expect((await profiles.read(PROFILE)).usedBy).toEqual([DISTRIBUTION]);
    const yaml = await profiles.openYaml(PROFILE);
    const redacted = await yaml.text();
    expect(redacted).toContain('kind: Profile');
    expect(redacted).toContain('aws_secret_access_key: "[redacted]"');
    expect(redacted).not.toContain(b64(SECRET_KEY));
    expect(await yaml.askReveal()).toMatch(/30 seconds at most/);
    await screenshot(page, '32-profile-yaml-confirm');
    await yaml.confirmReveal();
    expect(await yaml.revealedText.innerText()).toContain(b64(SECRET_KEY));
    expect(await yaml.maskCountdown()).toBeGreaterThan(20);
    await yaml.scrollRevealedToEnd();
    await screenshot(page, '33-profile-yaml-revealed');
    await mc.screen.openView('clusters');
    expect(await secretsInRenderer(page, KEYS)).toEqual([]);
    await profiles.open();
    expect(await yaml.root.isVisible()).toBe(false);
  });

  it('deletes the distribution, saying the copies stay on the clusters, and listing them', async () => {
    await dists.open();
    expect(await dists.askDelete(DISTRIBUTION)).toMatch(/copies stay on the clusters \(cluster-1, cluster-2\)/);
    const deleted = await dists.confirmDelete();
    expect(deleted.copiesKeptOn).toEqual(['cluster-1', 'cluster-2']);
    await screenshot(page, '34-distribution-deleted');
    expect(await dists.names()).toEqual([]);
    expect(await regionOn('cluster-2')).toBe('us-east-1');
  });

  it('keeps the S3 keys out of the renderer, the page, its storage and the user-data folder, with no page error', async () => {
    expect(await secretsInRenderer(page, KEYS)).toEqual([]);
    expect(await secretsInFiles(app.userDataDir, KEYS)).toEqual([]);
    const audit = await call('audit:list', {});
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['profile-save', 'policy-save', 'distribution-save', 'distribution-sync', 'secret-reveal', 'distribution-delete']));
    expect(browser.problems).toEqual({ pageErrors: [], consoleErrors: [], cspViolations: [] });
  });
});
