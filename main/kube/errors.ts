/**
 * Turns whatever went wrong talking to a cluster into an AppError a person
 * can act on: which cluster, what happened in plain words (refused, DNS,
 * which TLS problem, which permission RBAC refused, …) and what to try.
 *
 * Network and TLS errors arrive as Node errors with a `code` (ECONNREFUSED,
 * CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …); HTTP errors as a status
 * with a Kubernetes Status body; client-node's generated clients throw an
 * ApiException whose body is the Status as a string (and no body for a 401).
 * Messages never include credentials: the request's headers are never read
 * here, and server messages are cut short.
 */
import { ApiException } from '@kubernetes/client-node';
import { AppError, type AuthKind, type ErrorCode } from '../../shared/contract/index.js';
import { describeAttributes, requestAttributes } from './request-attributes.js';

/** How the client signs in, to say what to renew after a 401. */
export interface AuthDescription {
  kind: AuthKind;
  /** For exec plugins: the command the kubeconfig names. */
  execCommand?: string;
}

/** What an error message needs to know about the request that failed. */
export interface ErrorContext {
  /** The cluster's display name. */
  cluster: string;
  /** The API server URL (https://host:port). */
  server: string;
  method?: string;
  path?: string;
  query?: Record<string, unknown>;
  /** The timeout that expired, for TIMEOUT messages. */
  timeoutMs?: number;
  auth?: AuthDescription;
  /** Retries already made (429/503), for the final message. */
  retries?: number;
}

/**
 * An AppError that came from an HTTP answer, keeping its status so that code
 * can branch on it (410 Gone, 404) while the message stays for people.
 */
export class ClusterError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    cluster: string,
    readonly httpStatus: number,
  ) {
    super(code, message, cluster);
  }
}

/** The HTTP status behind an error, if it was an HTTP answer. */
export function httpStatusOf(err: unknown): number | undefined {
  return err instanceof ClusterError ? err.httpStatus : undefined;
}

/** Details a TLS failure can carry beyond its code (from the peer certificate, when we got one). */
export interface TlsDetail {
  validTo?: string;
  validFrom?: string;
  subjectAltNames?: string;
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
]);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
/** OpenSSL alerts the server sends when it refuses our client certificate. */
const CLIENT_CERT_REFUSED = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)/;

/** Seconds, as a person reads them: "3 s", "0.5 s". */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}

/**
 * An AppError for a request that got no HTTP answer: refused, DNS, TLS,
 * reset, timeout. `err` is a Node error (or an AppError, returned as is).
 */
export function networkError(err: unknown, ctx: ErrorContext, tls: TlsDetail = {}): AppError {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string; cause?: unknown };
  const code = e?.code ?? (e?.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  const { cluster, server } = ctx;
  const make = (c: ErrorCode, message: string) => new AppError(c, message, cluster);

  if (e?.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    const after = ctx.timeoutMs ? ` within ${seconds(ctx.timeoutMs)}` : '';
    return make('TIMEOUT', `${cluster} did not answer${after} (${server}). The cluster may be overloaded or far away, or a firewall drops the traffic; try again, or check the network path to it.`);
  }
  if (code === 'ECONNREFUSED') {
    return make('UNREACHABLE', `${cluster}: nothing is listening at ${server} (connection refused). Is the cluster running, and are the address and port in the kubeconfig right?`);
  }
  if (DNS.has(code)) {
    const temporary = code === 'EAI_AGAIN' ? ' (the DNS server did not answer in time)' : '';
    return make('DNS', `${cluster}: the host name ${hostOf(server)} does not resolve${temporary}. Check the server address in the kubeconfig, your network connection or VPN, and your DNS settings.`);
  }
  if (NO_ROUTE.has(code)) {
    return make('UNREACHABLE', `${cluster}: there is no network route to ${server} (${code}). Check your network connection or VPN.`);
  }
  if (UNTRUSTED.has(code)) {
    return make('TLS', `${cluster}: the certificate presented by ${server} is not signed by the certificate authority the kubeconfig trusts (${code}). The cluster's CA may have changed, or this address leads to another server (a proxy?): re-import the kubeconfig from the cluster's administrator.`);
  }
  if (code === 'CERT_HAS_EXPIRED') {
    const when = tls.validTo ? ` on ${tls.validTo}` : '';
    return make('TLS', `${cluster}: the certificate presented by ${server} expired${when}. The cluster's serving certificate must be renewed; if it was, check this computer's clock.`);
  }
  if (code === 'CERT_NOT_YET_VALID') {
    const when = tls.validFrom ? ` until ${tls.validFrom}` : '';
    return make('TLS', `${cluster}: the certificate presented by ${server} is not valid yet${when}. Check this computer's date and time.`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'ERR_TLS_CERT_ALTNAME_FORMAT') {
    const names = tls.subjectAltNames ?? /altnames: (.*)$/.exec(e.reason ?? e.message ?? '')?.[1];
    const forNames = names ? ` is for ${names}, not for ${hostOf(server)}` : ` does not name ${hostOf(server)}`;
    return make('TLS', `${cluster}: the certificate presented by ${server}${forNames} (host name mismatch). Use an address the certificate names, or set tls-server-name in the kubeconfig.`);
  }
  if (code === 'ERR_TLS_CERT_SIGNATURE_ALGORITHM_UNSUPPORTED') {
    return make('TLS', `${cluster}: the certificate presented by ${server} cannot be trusted (${code}). Re-import the kubeconfig from the cluster's administrator.`);
  }
  if (CLIENT_CERT_REFUSED.test(code) || CLIENT_CERT_REFUSED.test(e?.message ?? '')) {
    return make('TLS', `${cluster} refused this client certificate during the TLS handshake (${code || e.message}): it expired, was revoked, or belongs to another cluster. Re-import the kubeconfig with a current certificate.`);
  }
  if (code === 'EPROTO' && /wrong version number|packet length too long|http request/i.test(e?.message ?? '')) {
    return make('TLS', `${cluster}: ${server} does not speak TLS (is it an http:// address, or does a proxy sit in between?).`);
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return make('TLS', `${cluster}: the TLS handshake with ${server} failed (${code}: ${short(e?.message)}).`);
  }
  if (RESET.has(code) || /socket hang up/i.test(e?.message ?? '')) {
    return make('UNREACHABLE', `${cluster}: the connection to ${server} was reset. The server may have restarted, or a proxy or firewall cuts the connection; it is retried.`);
  }
  if (e?.name === 'AbortError') {
    return make('INTERNAL', `${cluster}: the request to ${server} was cancelled.`);
  }
  return make('UNREACHABLE', `${cluster}: could not reach ${server}${code ? ` (${code})` : ''}: ${short(e?.message ?? String(err))}`);
}

/** The `message` of a Kubernetes Status body, if the body is one. */
export function statusMessage(body: string | Buffer | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(body.toString()) as { kind?: string; message?: unknown };
    return typeof parsed?.message === 'string' && parsed.message ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function short(text: string | undefined, max = 300): string {
  if (!text) return '';
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function renewAdvice(auth: AuthDescription | undefined): string {
  switch (auth?.kind) {
    case 'exec':
      return `The credential plugin${auth.execCommand ? ` (${auth.execCommand})` : ''} gave a token the cluster does not accept: sign in again with it (run it in a terminal, e.g. your cloud CLI's login), then refresh.`;
    case 'client-certificate':
      return 'The client certificate expired, was revoked or was issued by another cluster: re-import the kubeconfig with a current certificate.';
    case 'token':
    case 'token-file':
      return 'The token is wrong, revoked or expired: re-import the kubeconfig with a fresh token.';
    case 'basic':
      return 'The user name or password is wrong: re-import the kubeconfig with current credentials.';
    case 'auth-provider':
      return 'The auth-provider token expired: sign in again with the tool that wrote it (e.g. kubectl), then re-import.';
    case 'none':
      return 'The kubeconfig has no credentials for this cluster: re-import it with a user that has some.';
    default:
      return 'The credentials are wrong or expired: re-import the kubeconfig, or for an exec plugin sign in again.';
  }
}

/**
 * An AppError for an HTTP answer that is not a success. The request's method
 * and path say what was refused (403) or not found (404).
 */
export function httpError(status: number, body: string | Buffer | undefined, ctx: ErrorContext): ClusterError {
  const { cluster } = ctx;
  const server = short(statusMessage(body));
  const attrs = ctx.method && ctx.path ? requestAttributes(ctx.method, ctx.path.split('?')[0], ctx.query ?? new URLSearchParams(ctx.path.split('?')[1] ?? '')) : undefined;
  const what = attrs ? describeAttributes(attrs) : 'this request';
  const make = (c: ErrorCode, message: string) => new ClusterError(c, message, cluster, status);
  if (status === 401) {
    return make('UNAUTHORIZED', `${cluster} refused the credentials (401 Unauthorized). ${renewAdvice(ctx.auth)}`);
  }
  if (status === 403) {
    return make('FORBIDDEN', `${cluster} does not allow you to ${what} (403 Forbidden${server ? `: ${server}` : ''}). Ask the cluster's administrator for that permission, or use a context with more rights.`);
  }
  if (status === 404) {
    return make('NOT_FOUND', `${cluster} has nothing at ${ctx.path?.split('?')[0] ?? 'that path'} (404${server ? `: ${server}` : ''}).`);
  }
  if (status === 409) {
    return make('CONFLICT', `${cluster} refused to ${what}: ${server || 'it conflicts with the current state (409)'}.`);
  }
  if (status === 429) {
    const tries = ctx.retries ? `, still after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';
    return make('SERVER', `${cluster} is rate-limiting requests (429 Too Many Requests${tries}). Try again in a minute.`);
  }
  if (status >= 500) {
    const tries = ctx.retries ? ` after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';
    return make('SERVER', `${cluster}'s API server failed to ${what}: ${status}${server ? ` ${server}` : ''}${tries}. It may be starting up or overloaded; try again later.`);
  }
  if (status === 400 || status === 422) {
    return make('SERVER', `${cluster} rejected the request to ${what} (${status}${server ? `: ${server}` : ''}).`);
  }
  return make('SERVER', `${cluster} answered ${status} to ${what}${server ? `: ${server}` : ''}.`);
}

/**
 * Any error from talking to a cluster as an AppError: AppErrors pass through,
 * client-node's ApiException becomes an HTTP error, anything else a network
 * error. Use it around calls through `ClusterClient.api()`.
 */
export function toAppError(err: unknown, ctx: ErrorContext): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? err.body : err.body ? JSON.stringify(err.body) : undefined;
    return httpError(err.code, body, ctx);
  }
  return networkError(err, ctx);
}
