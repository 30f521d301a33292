/**
 * `startPreview`, as `npm run preview -- --lab 2` and the Playwright tests use
 * it: the real services behind the preview bridge, with a lab fleet open.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_INVOKE_PATH, BRIDGE_SECRET_HEADER } from '../../shared/contract/bridge.js';
import type { FleetSnapshot } from '../../shared/contract/index.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { parsePreviewArgs, previewHost, startPreview, type Preview } from '../../main/preview.js';
import { labFleetOf } from '../../main/lab/cluster-source.js';
import { channels } from '../../shared/contract/index.js';
import { createServices } from '../../main/services.js';
import { silentLogger } from '../../main/log.js';

let dir: string;
let preview: Preview;

async function invoke(channel: string, args: unknown, secret = new URL(preview.url).hash.slice('#bridge='.length)) {
  const origin = new URL(preview.url).origin;
  const res = await fetch(`${origin}${BRIDGE_INVOKE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [BRIDGE_SECRET_HEADER]: secret },
    body: JSON.stringify({ channel, args }),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string } } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-preview-run-'));
  preview = await startPreview({ userDataDir: dir, labClusters: 2, secrets: new MemorySecretStore(), rendererDir: join(dir, 'no-renderer') });
}, 120_000);

afterAll(async () => {
  await preview?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run preview', () => {
  it('prints a loopback URL that carries the bridge secret', () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#bridge=[A-Za-z0-9_-]{43}$/);
  });

  it('answers as the preview shell', async () => {
    const r = await invoke('app:info', {});
    expect(r.body).toMatchObject({ ok: true, result: { shell: 'preview', keychain: { available: true, backend: 'memory (lab only)' } } });
  });

  it('opens the lab fleet asked for, and its clusters reach the fleet view', async () => {
    expect((await invoke('lab:status', {})).body).toEqual({ ok: true, result: { running: true, clusters: ['cluster-1', 'cluster-2'] } });
    await expect
      .poll(async () => {
        const r = await invoke('fleet:snapshot', {});
        return (r.body.result as FleetSnapshot).rows.map((row) => `${row.name}:${row.source}`).sort();
      }, { timeout: 20_000 })
      .toEqual(['cluster-1:lab', 'cluster-2:lab']);
  });

  it('says native pickers are unavailable in preview, and why', async () => {
    const r = await invoke('kubeconfig:pick-files', {});
    expect(r.body).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });

  it('refuses a caller without the secret', async () => {
    expect((await invoke('lab:stop', {}, 'wrong')).status).toBe(401);
    expect((await invoke('lab:status', {})).body).toMatchObject({ result: { running: true } });
  });

  it('keeps the lab credentials out of the user-data folder', async () => {
    const token = labFleetOf(preview.services.lab.source)!.cluster('cluster-1').user('admin').token!;
    const files = await readdir(dir, { recursive: true });
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8').catch(() => '');
      expect(text, f).not.toContain(token);
    }
  });
});

describe('the composition root', () => {
  it('answers every channel of the contract (a missing handler would fail startup)', async () => {
    const d = await mkdtemp(join(tmpdir(), 'flotilla-services-'));
    const services = await createServices({ host: previewHost(d), secrets: new MemorySecretStore(), log: silentLogger });
    try {
      expect(services.router.unregistered()).toEqual([]);
      expect(Object.keys(channels).length).toBeGreaterThan(10);
    } finally {
      await services.stop();
      await rm(d, { recursive: true, force: true });
    }
  });
});

describe('preview command line', () => {
  it('reads --lab, --port and --data-dir', () => {
    expect(parsePreviewArgs(['--lab', '3', '--port', '5199'])).toEqual({ lab: 3, port: 5199 });
    expect(parsePreviewArgs(['--data-dir', '/tmp/x']).dataDir).toBe('/tmp/x');
  });

  it('says what is wrong with a bad option', () => {
    expect(() => parsePreviewArgs(['--lab', '0'])).toThrow('--lab must be a whole number from 1 to 1000 (got 0)');
    expect(() => parsePreviewArgs(['--lab'])).toThrow('--lab needs a value');
    expect(() => parsePreviewArgs(['--open'])).toThrow('unknown option --open');
  });
});
