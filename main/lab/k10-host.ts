/**
 * What the in-cluster K10 emulation sees of its cluster: the store (as K10's
 * controllers see the API server, but in-process), its URLs, whether the
 * cluster is up, and the route under `/k10/` on the cluster's HTTPS listener
 * where its ingress answers other clusters' K10s.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from './store.js';

export type K10Handler = (req: IncomingMessage, res: ServerResponse, subPath: string) => void;

export interface K10Host {
  readonly name: string;
  readonly store: ObjectStore;
  /** `https://127.0.0.1:<port>` of this cluster's API server. */
  readonly apiUrl: string;
  /** `<apiUrl>/k10`: this cluster's K10 dashboard/ingress URL. */
  readonly k10IngressUrl: string;
  /** False while the cluster is stopped by a fault: its K10 is down too. */
  readonly up: boolean;
  onUpChange(listener: (up: boolean) => void): () => void;
  /** Serves requests whose path starts with `/k10/` (subPath excludes `/k10`). */
  setK10Handler(handler: K10Handler): void;
}

/** What crosses clusters: the CAs to trust for K10-to-K10 HTTPS. */
export interface FleetNetwork {
  /** PEM CA certificates of every lab cluster, current at the time of the call. */
  caBundle(): string[];
}
