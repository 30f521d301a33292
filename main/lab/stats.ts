/**
 * What serving a lab cluster costs, counted as the listener sees it: requests
 * (by Kubernetes verb and by protocol), watches open now, client connections
 * (HTTP/1.1 sockets and HTTP/2 sessions, each its own TLS connection) and the
 * bytes written to them. A fleet-scale run reads these to see what Flotilla
 * asks of N clusters.
 *
 * Bytes are those handed to TLS (HTTP/1.1 heads and bodies, HTTP/2 frames),
 * without TLS record overhead. Open watches and open connections are gauges:
 * a reset zeroes the counters, not what is open.
 */
import type { TLSSocket } from 'node:tls';

export type LabProtocol = 'h1' | 'h2';

export interface ConnectionStats {
  /** Open now. */
  open: number;
  /** Opened since the last reset. */
  opened: number;
}

export interface LabTrafficStats {
  requests: {
    total: number;
    byProtocol: Record<LabProtocol, number>;
    /**
     * Kubernetes verbs (get, list, watch, create, update, patch, delete,
     * deletecollection) for API resources; the lower-case HTTP method for
     * other paths (discovery, /version, /openapi); `k10` for the K10 routes.
     */
    byVerb: Record<string, number>;
  };
  watches: { open: number };
  connections: { h1Sockets: ConnectionStats; h2Sessions: ConnectionStats };
  bytesSent: { total: number } & Record<LabProtocol, number>;
}

export interface LabClusterStats extends LabTrafficStats {
  cluster: string;
  /** ISO time counting started: the cluster's creation, or its last stats reset. */
  since: string;
}

export interface LabFleetStats {
  /** Every cluster's figures added up. */
  total: LabTrafficStats;
  clusters: LabClusterStats[];
}

/** The counters of one cluster; the cluster feeds them, `snapshot` reads them. */
export class StatsCounter {
  private since = new Date();
  private total = 0;
  private readonly byProtocol: Record<LabProtocol, number> = { h1: 0, h2: 0 };
  private byVerb = new Map<string, number>();
  private readonly opened: Record<LabProtocol, number> = { h1: 0, h2: 0 };
  /** Live TLS connections and their bytesWritten at open (or at the last reset). */
  private readonly live = new Map<TLSSocket, { protocol: LabProtocol; base: number }>();
  private readonly closedBytes: Record<LabProtocol, number> = { h1: 0, h2: 0 };

  request(protocol: LabProtocol, verb: string): void {
    this.total++;
    this.byProtocol[protocol]++;
    this.byVerb.set(verb, (this.byVerb.get(verb) ?? 0) + 1);
  }

  /** A TLS connection that finished its handshake; followed until it closes. */
  connection(socket: TLSSocket, protocol: LabProtocol): void {
    this.opened[protocol]++;
    this.live.set(socket, { protocol, base: socket.bytesWritten });
    socket.once('close', () => {
      const entry = this.live.get(socket);
      if (!entry) return;
      this.live.delete(socket);
      this.closedBytes[entry.protocol] += Math.max(0, socket.bytesWritten - entry.base);
    });
  }

  reset(): void {
    this.since = new Date();
    this.total = 0;
    this.byProtocol.h1 = this.byProtocol.h2 = 0;
    this.byVerb = new Map();
    this.opened.h1 = this.opened.h2 = 0;
    this.closedBytes.h1 = this.closedBytes.h2 = 0;
    for (const [socket, entry] of this.live) entry.base = socket.bytesWritten;
  }

  snapshot(cluster: string, openWatches: number): LabClusterStats {
    const bytes = { ...this.closedBytes };
    const open: Record<LabProtocol, number> = { h1: 0, h2: 0 };
    for (const [socket, entry] of this.live) {
      bytes[entry.protocol] += Math.max(0, socket.bytesWritten - entry.base);
      open[entry.protocol]++;
    }
    return {
      cluster,
      since: this.since.toISOString(),
      requests: {
        total: this.total,
        byProtocol: { ...this.byProtocol },
        byVerb: Object.fromEntries([...this.byVerb].sort(([a], [b]) => a.localeCompare(b))),
      },
      watches: { open: openWatches },
      connections: {
        h1Sockets: { open: open.h1, opened: this.opened.h1 },
        h2Sessions: { open: open.h2, opened: this.opened.h2 },
      },
      bytesSent: { total: bytes.h1 + bytes.h2, h1: bytes.h1, h2: bytes.h2 },
    };
  }
}

export function emptyTraffic(): LabTrafficStats {
  return {
    requests: { total: 0, byProtocol: { h1: 0, h2: 0 }, byVerb: {} },
    watches: { open: 0 },
    connections: { h1Sockets: { open: 0, opened: 0 }, h2Sessions: { open: 0, opened: 0 } },
    bytesSent: { total: 0, h1: 0, h2: 0 },
  };
}

/** The clusters' figures added up. */
export function fleetStats(clusters: LabClusterStats[]): LabFleetStats {
  const t = emptyTraffic();
  for (const c of clusters) {
    t.requests.total += c.requests.total;
    t.requests.byProtocol.h1 += c.requests.byProtocol.h1;
    t.requests.byProtocol.h2 += c.requests.byProtocol.h2;
    for (const [verb, n] of Object.entries(c.requests.byVerb)) t.requests.byVerb[verb] = (t.requests.byVerb[verb] ?? 0) + n;
    t.watches.open += c.watches.open;
    for (const kind of ['h1Sockets', 'h2Sessions'] as const) {
      t.connections[kind].open += c.connections[kind].open;
      t.connections[kind].opened += c.connections[kind].opened;
    }
    t.bytesSent.total += c.bytesSent.total;
    t.bytesSent.h1 += c.bytesSent.h1;
    t.bytesSent.h2 += c.bytesSent.h2;
  }
  t.requests.byVerb = Object.fromEntries(Object.entries(t.requests.byVerb).sort(([a], [b]) => a.localeCompare(b)));
  return { total: t, clusters };
}
