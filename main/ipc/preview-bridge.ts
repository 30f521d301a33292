/**
 * The preview bridge: the router over loopback HTTP, so the real renderer
 * runs in a plain Chromium against the real services. It is what the
 * Playwright tests drive and what `npm run preview` offers anyone without
 * the Electron binary. Only main/preview.ts imports it; the packaged app
 * does not contain it.
 *
 * One server on 127.0.0.1 (random port) serves
 *   - the built renderer (`out/renderer`), with the app's strict CSP sent as
 *     a header too;
 *   - `POST /__bridge/invoke` `{ channel, args }` → the router's Result;
 *   - `GET /__bridge/events`, a Server-Sent Events stream of router events.
 *
 * Any local process, and any web page the user visits, can reach a loopback
 * port, so every bridge request must carry a per-run random secret in a
 * header (compared in constant time). The page learns the secret from the
 * URL fragment (`#bridge=…`), which browsers never send to servers. The
 * `Host` header must be this server's own `127.0.0.1:<port>` (a DNS
 * rebinding attack arrives with the attacker's host name) and any `Origin`
 * must be this server's origin (a cross-site request cannot pass; it could
 * not set the header without a CORS preflight this server never grants).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { BRIDGE_EVENTS_PATH, BRIDGE_FRAGMENT_KEY, BRIDGE_INVOKE_PATH, BRIDGE_SECRET_HEADER } from '../../shared/contract/bridge.js';
import type { AppErrorDto } from '../../shared/contract/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { Router } from './router.js';

export interface PreviewServerOptions {
  router: Router;
  /** The built renderer (index.html and its assets). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  log?: Logger;
  /** Largest invoke body accepted (default 16 MiB: a 5 MiB pasted kubeconfig, JSON-escaped). */
  maxBodyBytes?: number;
  /** Interval of SSE keep-alive comments (default 15 s). */
  heartbeatMs?: number;
}

export interface PreviewServer {
  /** `http://127.0.0.1:<port>/#bridge=<secret>`: the URL to open. */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** The per-run secret (tests that talk HTTP directly need it). */
  readonly secret: string;
  close(): Promise<void>;
}

/**
 * Used when the built index.html declares no CSP. The app's own policy lives
 * in renderer/index.html (a meta tag, since file:// pages get no headers);
 * the server repeats that one so preview runs under the same rules.
 */
export const FALLBACK_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Starts the preview server on 127.0.0.1. */
export async function startPreviewServer(opts: PreviewServerOptions): Promise<PreviewServer> {
  const log = opts.log ?? silentLogger;
  const rendererDir = resolve(opts.rendererDir);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const secret = randomBytes(32).toString('base64url');
  const secretDigest = digest(secret);
  const streams = new Set<ServerResponse>();
  let origin = '';
  let host = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error(`preview bridge: request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', 'The preview server failed to answer; see its log.'));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Every response: nothing may frame us, nothing is sniffed, nothing leaks through Referer.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');

    if (req.headers.host !== host) {
      // DNS rebinding: evil.example resolving to 127.0.0.1 still says "Host: evil.example:<port>".
      return sendText(res, 421, `This server only answers as ${host}.`);
    }
    const path = pathOf(req.url);
    if (path === null) return sendText(res, 400, 'Bad request path.');

    if (path.startsWith('/__bridge/')) {
      const reason = refuseBridgeRequest(req);
      if (reason) {
        log.warn(`preview bridge: refused ${req.method} ${path}: ${reason.log}`);
        return sendJson(res, reason.status, failure(reason.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', reason.message));
      }
      if (path === BRIDGE_INVOKE_PATH) {
        if (req.method !== 'POST') return sendJson(res, 405, failure('INVALID_ARGS', `${BRIDGE_INVOKE_PATH} takes POST.`), { Allow: 'POST' });
        return invoke(req, res);
      }
      if (path === BRIDGE_EVENTS_PATH) {
        if (req.method !== 'GET') return sendJson(res, 405, failure('INVALID_ARGS', `${BRIDGE_EVENTS_PATH} takes GET.`), { Allow: 'GET' });
        return eventStream(req, res);
      }
      return sendJson(res, 404, failure('NOT_FOUND', `No bridge endpoint ${path}.`));
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'The renderer is read-only.', { Allow: 'GET, HEAD' });
    return serveStatic(req, res, path);
  }

  /** Why a bridge request is refused, or undefined when it may proceed. */
  function refuseBridgeRequest(req: IncomingMessage): { status: 401 | 403; message: string; log: string } | undefined {
    const originHeader = req.headers.origin;
    if (originHeader !== undefined && originHeader !== origin) {
      return { status: 403, message: 'The preview bridge only answers its own page.', log: `cross-origin request from ${JSON.stringify(originHeader.slice(0, 100))}` };
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return { status: 403, message: 'The preview bridge only answers its own page.', log: `Sec-Fetch-Site ${JSON.stringify(String(site).slice(0, 40))}` };
    }
    const given = req.headers[BRIDGE_SECRET_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), secretDigest)) {
      return {
        status: 401,
        message: `The preview bridge refused this page: its secret is missing or wrong. Open the exact URL that \`npm run preview\` printed, including its #${BRIDGE_FRAGMENT_KEY}=… part.`,
        log: given === undefined ? 'no secret header' : 'wrong secret',
      };
    }
    return undefined;
  }

  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return sendJson(res, 415, failure('INVALID_ARGS', 'The bridge takes application/json.'));
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      return sendJson(res, 413, failure('INVALID_ARGS', `The request is larger than ${Math.round(maxBody / 1024 / 1024)} MiB.`));
    }
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, failure('INVALID_ARGS', 'The request body is not valid JSON.'));
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return sendJson(res, 400, failure('INVALID_ARGS', 'The request body must be an object { channel, args }.'));
    }
    const { channel, args } = message as { channel?: unknown; args?: unknown };
    const result = await opts.router.call(channel, args, { transport: 'preview' });
    sendJson(res, 200, result);
  }

  function eventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = opts.router.subscribe(({ event, payload }) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    const done = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', done);
    res.on('error', done);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const indexFile = join(rendererDir, 'index.html');
    let file = resolve(rendererDir, `.${path}`);
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendText(res, 404, 'Not found.');
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info && extname(path) === '') {
      // A client-side route (e.g. /fleet after a reload): the renderer answers it.
      file = indexFile;
      info = await stat(file).catch(() => undefined);
    }
    if (!info?.isFile()) {
      // Chromium asks for a favicon on its own; an empty answer keeps a 404 out of the console.
      if (path === '/favicon.ico') return sendText(res, 204, '');
      if (file === indexFile) {
        return sendText(res, 503, `The renderer is not built: ${indexFile} is missing. Run \`npm run build:renderer\` (or \`npm run preview\`, which builds it) and reload.`);
      }
      return sendText(res, 404, 'Not found.');
    }
    const content = await readFile(file);
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type, 'Content-Length': String(content.length) };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = cspFor(content.toString('utf8'));
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : content);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;

  return {
    url: `${origin}/#${BRIDGE_FRAGMENT_KEY}=${secret}`,
    origin,
    port,
    secret,
    async close() {
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The CSP header for an HTML page: the page's own meta CSP (so preview and
 * the app run under one policy) plus `frame-ancestors 'none'`, which only a
 * header can express.
 */
export function cspFor(html: string): string {
  const policy = metaCsp(html) ?? FALLBACK_CSP;
  return /(^|;)\s*frame-ancestors\s/i.test(policy) ? policy : `${policy.replace(/;\s*$/, '')}; frame-ancestors 'none'`;
}

/** The content of `<meta http-equiv="Content-Security-Policy" content="…">`, whatever the attribute order. */
export function metaCsp(html: string): string | undefined {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    const attrs = new Map<string, string>();
    for (const m of tag.matchAll(/([a-zA-Z-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs.set(m[1].toLowerCase(), m[3] ?? m[4] ?? '');
    if (attrs.get('http-equiv')?.toLowerCase() === 'content-security-policy') {
      const content = decodeEntities(attrs.get('content') ?? '').replace(/\s+/g, ' ').trim();
      if (content) return content;
    }
  }
  return undefined;
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The decoded path of a request URL, or null when it is malformed or smuggles a NUL. */
function pathOf(url: string | undefined): string | null {
  try {
    const path = decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
    return path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function failure(code: AppErrorDto['code'], message: string): { ok: false; error: AppErrorDto } {
  return { ok: false, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** The request body, or 'too-large' as soon as it passes `limit` (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolveBody('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        resolveBody('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolveBody(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
