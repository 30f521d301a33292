import { request } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../../main/ipc/router.js';
import { cspFor, FALLBACK_CSP, metaCsp, startPreviewServer, type PreviewServer } from '../../../main/ipc/preview-bridge.js';
import { BRIDGE_SECRET_HEADER } from '../../../shared/contract/bridge.js';

const PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'";
const INDEX = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}"><title>Flotilla</title></head><body><div id="root"></div></body></html>`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(server: PreviewServer, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; secret?: boolean } = {}): Promise<Reply> {
  const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...(opts.secret === false ? {} : { [BRIDGE_SECRET_HEADER]: server.secret }), ...opts.headers };
  if (opts.body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const invoke = (server: PreviewServer, channel: unknown, args: unknown, opts: Parameters<typeof send>[2] = {}) =>
  send(server, '/__bridge/invoke', { method: 'POST', body: JSON.stringify({ channel, args }), ...opts });

let dir: string;
let router: Router;
let server: PreviewServer;
let stops = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-preview-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log("hi")');
  await writeFile(join(tmpdir(), 'flotilla-preview-outside.txt'), 'outside');
  router = createRouter({ validateOutputs: true });
  router.register({
    'lab:status': () => ({ running: true, clusters: ['cluster-1'] }),
    'lab:stop': () => {
      stops++;
      return { running: false, clusters: [] };
    },
    'lab:start': (args) => ({ running: true, clusters: Array.from({ length: args.clusters }, (_, i) => `cluster-${i + 1}`) }),
  });
  server = await startPreviewServer({ router, rendererDir: dir, maxBodyBytes: 1024 * 1024, heartbeatMs: 50 });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('preview bridge: the URL to open', () => {
  it('is on 127.0.0.1 and carries a 32-byte secret in the fragment', () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.hash).toBe(`#bridge=${server.secret}`);
    expect(Buffer.from(server.secret, 'base64url')).toHaveLength(32);
  });

  it('gets a new secret on every run', async () => {
    const other = await startPreviewServer({ router, rendererDir: dir });
    try {
      expect(other.secret).not.toBe(server.secret);
      expect(other.port).not.toBe(server.port);
    } finally {
      await other.close();
    }
  });
});

describe('preview bridge: calls', () => {
  it("answers with the router's result", async () => {
    const r = await invoke(server, 'lab:start', { clusters: 2 });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(r.body)).toEqual({ ok: true, result: { running: true, clusters: ['cluster-1', 'cluster-2'] } });
  });

  it("passes the router's refusals through as results", async () => {
    expect(JSON.parse((await invoke(server, 'lab:start', { clusters: -1 })).body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
    expect(JSON.parse((await invoke(server, 'rm:rf', {})).body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS', message: expect.stringContaining('Unknown channel') } });
  });

  it('refuses a request without the secret, or with a wrong one, and runs nothing', async () => {
    const last = server.secret.at(-1) === 'A' ? 'B' : 'A';
    const nearMiss = server.secret.slice(0, -1) + last;
    for (const opts of [{ secret: false }, { headers: { [BRIDGE_SECRET_HEADER]: 'guess' } }, { headers: { [BRIDGE_SECRET_HEADER]: nearMiss } }, { headers: { [BRIDGE_SECRET_HEADER]: '' } }]) {
      const r = await invoke(server, 'lab:stop', {}, opts);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('#bridge=') } });
    }
    expect(stops).toBe(0);
  });

  it('refuses the events stream without the secret', async () => {
    expect((await send(server, '/__bridge/events', { secret: false })).status).toBe(401);
  });

  it('refuses a request whose Host is not its own (DNS rebinding)', async () => {
    for (const host of ['evil.example:' + server.port, 'localhost:' + server.port, '127.0.0.1', `127.0.0.1:${server.port + 1}`]) {
      const r = await invoke(server, 'lab:status', {}, { headers: { host } });
      expect(r.status, host).toBe(421);
    }
  });

  it('refuses a cross-site request even when it has the secret', async () => {
    const cases: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: `http://localhost:${server.port}` }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }];
    for (const headers of cases) {
      const r = await invoke(server, 'lab:status', {}, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it('accepts its own origin', async () => {
    const r = await invoke(server, 'lab:status', {}, { headers: { origin: server.origin, 'sec-fetch-site': 'same-origin' } });
    expect(r.status).toBe(200);
  });

  it('takes only JSON, only by POST, and only up to the size limit', async () => {
    expect((await send(server, '/__bridge/invoke', { method: 'POST', body: 'channel=lab:status', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await send(server, '/__bridge/invoke', { method: 'GET' })).status).toBe(405);
    const bad = await send(server, '/__bridge/invoke', { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
    const huge = await invoke(server, 'kubeconfig:scan', { source: { kind: 'text', text: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
  });
});

describe('preview bridge: events', () => {
  it('streams router events as Server-Sent Events until the client goes away', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/__bridge/events', headers: { host: `127.0.0.1:${server.port}`, [BRIDGE_SECRET_HEADER]: server.secret } },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
            if (text.includes(': connected') && !text.includes('event:')) router.events.emit('lab:changed', { running: true, clusters: ['cluster-9'] });
            if (text.includes('cluster-9') && text.includes(': ping')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    expect(received).toContain('event: lab:changed\ndata: {"running":true,"clusters":["cluster-9"]}\n\n');
  });
});

describe('preview bridge: the renderer', () => {
  it('serves index.html with the page own CSP repeated as a header, plus frame-ancestors', async () => {
    for (const path of ['/', '/index.html', '/fleet']) {
      const r = await send(server, path, { secret: false });
      expect(r.status, path).toBe(200);
      expect(r.body).toContain('<div id="root">');
      expect(r.headers['content-security-policy']).toBe(`${PAGE_CSP}; frame-ancestors 'none'`);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('serves assets with their content type', async () => {
    const r = await send(server, '/assets/app.js', { secret: false });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of ['/../flotilla-preview-outside.txt', '/%2e%2e/flotilla-preview-outside.txt', '/assets/..%2f..%2fflotilla-preview-outside.txt', '/%00index.html', '/assets/missing.js']) {
      const r = await send(server, path, { secret: false });
      expect(r.body, path).not.toContain('outside');
      expect([400, 404], path).toContain(r.status);
    }
  });

  it('refuses the renderer too when asked under another host name', async () => {
    expect((await send(server, '/', { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('says how to build the renderer when it is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'flotilla-empty-'));
    const s = await startPreviewServer({ router, rendererDir: empty });
    try {
      const r = await send(s, '/', { secret: false });
      expect(r.status).toBe(503);
      expect(r.body).toContain('npm run build:renderer');
    } finally {
      await s.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('preview bridge: CSP', () => {
  it('reads the meta CSP whatever the attribute order and quoting', () => {
    expect(metaCsp(`<meta content="default-src 'self'" http-equiv="content-security-policy">`)).toBe("default-src 'self'");
    expect(metaCsp(`<META HTTP-EQUIV='Content-Security-Policy' CONTENT="default-src &#39;none&#39;">`)).toBe("default-src 'none'");
    expect(metaCsp('<meta charset="utf-8">')).toBeUndefined();
  });

  it('falls back to a strict policy when the page declares none', () => {
    expect(cspFor('<html></html>')).toBe(`${FALLBACK_CSP}; frame-ancestors 'none'`);
    expect(FALLBACK_CSP).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
  });
});
