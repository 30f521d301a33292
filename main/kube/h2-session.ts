/**
 * The HTTP/2 side of a ClusterClient: one TLS connection to the cluster
 * carrying every request and watch as a stream.
 *
 * - Lazily dialled with the client's TLS material, ALPN ['h2', 'http/1.1'].
 *   A server that picks http/1.1 (or no ALPN) is remembered: `open` answers
 *   'h1' from then on and the client uses its HTTPS agent.
 * - GOAWAY, a session error or close: the session is forgotten at once, the
 *   next stream dials a new one; streams still open on it fail (the client
 *   maps that to a reset, which informers retry).
 * - Liveness: while streams are open, a PING every `pingIntervalMs`; no
 *   answer within `pingTimeoutMs` destroys the session (its streams fail).
 * - The server's SETTINGS_MAX_CONCURRENT_STREAMS: nghttp2 would hold streams
 *   beyond it until others end, which for long-lived watches is never; a
 *   full session is passed over and another one dialled.
 * - Sockets are ref'd only while streams are open (an idle session does not
 *   keep the process alive, as an idle keep-alive socket does not).
 */
import { connect as h2Connect, constants as h2, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import { isIP } from 'node:net';
import { connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';

export interface H2Target {
  /** https://host:port */
  server: string;
  secureContext?: SecureContext;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface H2PoolOptions {
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Time to dial a session (TCP + TLS + the server's SETTINGS). */
  dialTimeoutMs?: number;
}

/** An error from dialling: the TLS socket, for the peer certificate's details. */
export type H2DialError = NodeJS.ErrnoException & { tlsSocket?: TLSSocket };

interface Entry {
  session: ClientHttp2Session;
  socket: TLSSocket;
  active: number;
  /** GOAWAY received, closed, or out of stream ids: no new streams. */
  draining: boolean;
  ping?: NodeJS.Timeout;
  pinging: boolean;
  /** When a PING on this session was last answered (ours or the caller's, see `ping`). */
  answeredAt: number;
}

export interface OpenedStream {
  stream: ClientHttp2Stream;
  socket: TLSSocket;
  /** The session had carried streams before (a failure may be a stale session). */
  reused: boolean;
}

/** The session's stream limit until its SETTINGS say otherwise (RFC 9113 recommends at least 100). */
const DEFAULT_MAX_STREAMS = 100;

export class H2Pool {
  private entries: Entry[] = [];
  private dialing: Promise<Entry | 'h1'> | undefined;
  private closed = false;
  /** What ALPN said: 'h1' once the server picked http/1.1. */
  protocol: 'unknown' | 'h2' | 'h1' = 'unknown';
  /** Sessions dialled so far (tests). */
  dialed = 0;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly dialTimeoutMs: number;

  constructor(opts: H2PoolOptions = {}) {
    this.pingIntervalMs = opts.pingIntervalMs ?? 30_000;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 10_000;
    this.dialTimeoutMs = opts.dialTimeoutMs ?? 15_000;
  }

  /** Open sessions now (tests). */
  get sessions(): number {
    return this.entries.length;
  }

  /**
   * A new stream with these headers (`:method`, `:path`, …), or 'h1' when the
   * server speaks only HTTP/1.1. Rejects with the dial's network/TLS error.
   */
  async open(target: H2Target, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<OpenedStream | 'h1'> {
    for (let tries = 0; ; tries++) {
      if (this.closed) throw Object.assign(new Error('the client was closed'), { code: 'ECONNRESET' });
      if (this.protocol === 'h1') return 'h1';
      const entry = this.usable();
      if (entry) {
        const reused = entry.session.state.nextStreamID !== undefined && entry.session.state.nextStreamID > 1;
        let stream: ClientHttp2Stream;
        try {
          stream = entry.session.request(headers, { endStream: false });
        } catch (err) {
          // Closed or out of stream ids between our look and the request: use another session.
          this.drain(entry);
          if (tries < 3) continue;
          throw err;
        }
        this.track(entry, stream);
        return { stream, socket: entry.socket, reused };
      }
      if (!this.dialing) {
        const dial = this.dial(target);
        this.dialing = dial;
        const clear = () => {
          if (this.dialing === dial) this.dialing = undefined;
        };
        dial.then(clear, clear);
      }
      await abortable(this.dialing, signal);
    }
  }

  /**
   * The round trip of an HTTP/2 PING on a session that carries streams now
   * (ms), or undefined when there is none or no answer came within
   * `timeoutMs`: a liveness check that costs the server no request.
   */
  ping(timeoutMs: number): Promise<number | undefined> {
    const entry = this.entries.find((e) => e.active > 0 && !e.draining && !e.session.destroyed && !e.session.closed);
    if (!entry) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const late = setTimeout(() => resolve(undefined), timeoutMs);
      late.unref();
      try {
        entry.session.ping((err, durationMs) => {
          clearTimeout(late);
          if (!err) entry.answeredAt = Date.now();
          resolve(err ? undefined : durationMs);
        });
      } catch {
        clearTimeout(late);
        resolve(undefined);
      }
    });
  }

  /** Streams of existing sessions go on; new ones get a new session (credentials changed). */
  reset(): void {
    for (const e of [...this.entries]) {
      this.drain(e);
      if (e.active === 0) e.session.close();
    }
  }

  /** Destroys every session and stream. */
  close(): void {
    this.closed = true;
    for (const e of [...this.entries]) e.session.destroy();
    this.entries = [];
  }

  private usable(): Entry | undefined {
    for (const e of this.entries) {
      if (e.draining || e.session.destroyed || e.session.closed) continue;
      const max = e.session.remoteSettings?.maxConcurrentStreams ?? DEFAULT_MAX_STREAMS;
      if (e.active < max) return e;
    }
    return undefined;
  }

  private drain(entry: Entry): void {
    entry.draining = true;
    this.entries = this.entries.filter((e) => e !== entry);
  }

  private track(entry: Entry, stream: ClientHttp2Stream): void {
    entry.active++;
    if (entry.active === 1) {
      entry.socket.ref();
      this.startPing(entry);
    }
    stream.once('close', () => {
      entry.active--;
      if (entry.active === 0) {
        this.stopPing(entry);
        if (!entry.socket.destroyed) entry.socket.unref();
        if (entry.draining && !entry.session.destroyed) entry.session.close();
      }
    });
  }

  private startPing(entry: Entry): void {
    if (entry.ping || this.pingIntervalMs <= 0) return;
    entry.ping = setInterval(() => {
      if (entry.pinging || entry.session.destroyed) return;
      // A caller's ping (the fleet's probe) answered within the interval already proved the session alive.
      if (Date.now() - entry.answeredAt < this.pingIntervalMs) return;
      entry.pinging = true;
      const late = setTimeout(() => kill(`no answer to an HTTP/2 ping within ${this.pingTimeoutMs} ms`), this.pingTimeoutMs);
      late.unref();
      const kill = (why: string) => {
        clearTimeout(late);
        entry.pinging = false;
        this.drain(entry);
        entry.session.destroy(Object.assign(new Error(`the connection is dead (${why})`), { code: 'ECONNRESET' }));
      };
      try {
        entry.session.ping((err) => {
          if (err) return kill(err.message);
          clearTimeout(late);
          entry.pinging = false;
          entry.answeredAt = Date.now();
        });
      } catch (err) {
        kill((err as Error).message);
      }
    }, this.pingIntervalMs);
    entry.ping.unref();
  }

  private stopPing(entry: Entry): void {
    if (entry.ping) clearInterval(entry.ping);
    entry.ping = undefined;
  }

  private dial(target: H2Target): Promise<Entry | 'h1'> {
    this.dialed++;
    return new Promise<Entry | 'h1'>((resolve, reject) => {
      const url = new URL(target.server);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const socket = tlsConnect({
        host,
        port: Number(url.port || 443),
        servername: target.servername ?? (isIP(host) ? undefined : host),
        ...(target.secureContext ? { secureContext: target.secureContext } : {}),
        ...(target.rejectUnauthorized !== undefined ? { rejectUnauthorized: target.rejectUnauthorized } : {}),
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      let done = false;
      const fail = (err: H2DialError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        err.tlsSocket = socket;
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(Object.assign(new Error('timeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' })), this.dialTimeoutMs);
      timer.unref();
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        if (done) return;
        if (this.closed) return fail(Object.assign(new Error('the client was closed'), { code: 'ECONNRESET' }));
        if (socket.alpnProtocol !== 'h2') {
          done = true;
          clearTimeout(timer);
          this.protocol = 'h1';
          socket.destroy();
          resolve('h1');
          return;
        }
        socket.off('error', fail);
        this.protocol = 'h2';
        const session = h2Connect(target.server, { createConnection: () => socket, settings: { enablePush: false } });
        const entry: Entry = { session, socket, active: 0, draining: false, pinging: false, answeredAt: 0 };
        const forget = () => {
          this.stopPing(entry);
          this.drain(entry);
        };
        session.on('goaway', () => this.drain(entry));
        session.on('close', forget);
        // Its streams get the error too; the session itself is only forgotten.
        session.on('error', forget);
        // Ready once the server's SETTINGS are in: its stream limit decides which session a stream goes to.
        let connected = false;
        let settled = false;
        const ready = () => {
          if (!connected || !settled || done) return;
          done = true;
          clearTimeout(timer);
          if (this.closed) {
            session.destroy();
            return reject(Object.assign(new Error('the client was closed'), { code: 'ECONNRESET' }));
          }
          socket.unref();
          this.entries.push(entry);
          resolve(entry);
        };
        session.once('connect', () => ((connected = true), ready()));
        session.once('remoteSettings', () => ((settled = true), ready()));
        session.once('error', (err) => fail(err as H2DialError));
        session.once('close', () => fail(Object.assign(new Error('the connection was closed'), { code: 'ECONNRESET' })));
      });
    });
  }
}

/** Waits for `p`, or rejects with the signal's reason when it aborts first. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export const NGHTTP2_CANCEL = h2.NGHTTP2_CANCEL;
export const NGHTTP2_NO_ERROR = h2.NGHTTP2_NO_ERROR;
export const NGHTTP2_REFUSED_STREAM = h2.NGHTTP2_REFUSED_STREAM;
