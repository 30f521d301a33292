/**
 * Joining secondaries (KASTEN-MC.md, "Join a secondary"): on the secondary,
 * Secret mc-join (the token) and ConfigMap mc-join-config (names and
 * ingresses), then mc-join-status followed live to joined or rejected.
 *
 * From the secondary's side the token arrives pasted, in a sealed handoff
 * file or as a QR image; main holds it (HeldTokens) and the renderer names
 * it by a ref. In one click (`joinMany`) the token is read from the primary
 * and goes straight into each secondary's mc-join: it never leaves main.
 *
 * Refused before anything is written: a cluster that is already a
 * secondary or a primary, one without K10, a name Kasten would refuse, a
 * non-https ingress.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError, type HeldToken, type JoinOutcome, type JoinProgressState, type Step } from '../../shared/contract/index.js';
import { JOIN_CONFIG_KEYS, JOIN_OBJECTS, K10_NAMESPACE, K10_RELEASE } from '../../shared/kasten/kinds.js';
import { decodeLabToken } from '../../shared/kasten/lab.js';
import { kastenNameProblem } from '../../shared/kasten/names.js';
import type { HostDialogs } from '../host/host.js';
import { clusterError, type McContext, type Target } from './context.js';
import { tokenFingerprint } from './fingerprint.js';
import { openHandoff, readHandoffFile } from './handoff.js';
import { discoverK10IngressUrl } from './k10-ingress.js';
import { b64, createOrReplace, deleteIfPresent, getObject, PATHS, readMembership, secretString, waitFor, type KubeObject, type Membership } from './kasten-objects.js';
import { suggestKastenName } from './promote.js';
import { decodeQrImage, MAX_QR_IMAGE_BYTES } from './qr.js';
import { createToken, findToken, tokenValue } from './tokens.js';
import { ingressUrlProblem, normalizeIngressUrl } from './urls.js';

const HELD_TOKEN_TTL_MS = 15 * 60_000;
const MAX_HELD = 32;

interface Held {
  token: string;
  info: HeldToken;
  expires: number;
}

/**
 * Tokens brought to the joining side, held in main memory for a short while
 * under a random ref; forgotten after 15 minutes, on `clear()` and when the
 * services stop.
 */
export class HeldTokens {
  private readonly held = new Map<string, Held>();

  hold(token: string, meta: Omit<HeldToken, 'tokenRef' | 'fingerprint'> = {}): HeldToken {
    this.prune();
    const trimmed = token.trim();
    const tokenRef = randomBytes(16).toString('hex');
    const decoded = decodeLabToken(trimmed);
    const info: HeldToken = {
      tokenRef,
      fingerprint: tokenFingerprint(trimmed),
      ...(decoded.ok ? { primaryIngress: decoded.token.ingress } : {}),
      ...meta,
    };
    this.held.set(tokenRef, { token: trimmed, info, expires: Date.now() + HELD_TOKEN_TTL_MS });
    while (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value!);
    return info;
  }

  get(ref: string): Held {
    this.prune();
    const h = this.held.get(ref);
    if (!h) throw new AppError('NOT_FOUND', 'That token is no longer held (Flotilla forgets a loaded token after 15 minutes). Paste or import it again.');
    return h;
  }

  clear(): void {
    this.held.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [ref, h] of this.held) if (h.expires < now) this.held.delete(ref);
  }
}

export type TokenSource = { kind: 'paste'; token: string } | { kind: 'file'; path?: string; passphrase: string } | { kind: 'qr'; path?: string };

/** Takes a token from the joining side; null when the user cancelled a dialog. */
export async function loadToken(held: HeldTokens, source: TokenSource, dialogs: HostDialogs | undefined): Promise<HeldToken | null> {
  if (source.kind === 'paste') {
    const token = source.token.trim();
    if (!token) throw new AppError('INVALID_ARGS', 'The pasted token is empty.');
    if (/\s/.test(token)) throw new AppError('INVALID_ARGS', 'The pasted text has spaces or line breaks inside it, so it is not one join token. Copy the token again, whole.');
    return held.hold(token);
  }
  const path = source.path ?? (await pick(dialogs, source.kind));
  if (!path) return null;
  if (source.kind === 'file') {
    const opened = await openHandoff(await readHandoffFile(path), source.passphrase);
    return held.hold(opened.token, {
      ...(opened.primaryName ? { primaryName: opened.primaryName } : {}),
      ...(opened.expiresAt ? { expiresAt: opened.expiresAt.toISOString() } : {}),
    });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new AppError('FILE_UNREADABLE', `Flotilla could not read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (err as Error).message}.`);
  }
  if (bytes.length > MAX_QR_IMAGE_BYTES) throw new AppError('FILE_UNREADABLE', `${path} is too large for a QR code image; use a screenshot of the code alone.`);
  return held.hold(decodeQrImage(bytes));
}

function pick(dialogs: HostDialogs | undefined, kind: 'file' | 'qr'): Promise<string | null> {
  if (!dialogs) throw new AppError('UNSUPPORTED', 'This Flotilla has no file dialog; type the path of the file.');
  return kind === 'file'
    ? dialogs.pickOpenFile({ title: 'Open a sealed join token', filters: [{ name: 'age files', extensions: ['age'] }] })
    : dialogs.pickOpenFile({ title: 'Open a picture of a QR code', filters: [{ name: 'PNG images', extensions: ['png'] }] });
}

/** Why a cluster in this state cannot join, or undefined. */
export function joinRefusal(name: string, m: Membership): string | undefined {
  if (m.clusterInfo) return `${name} is already a secondary of "${m.clusterInfo.primaryName ?? 'a primary'}" (as "${m.clusterInfo.clusterName ?? '?'}"); disconnect it before joining it to a primary.`;
  if (m.primary) return `${name} is a multi-cluster primary; a primary cannot join another one. Demote it first.`;
  if (!m.k10) return `${name} has no K10 (no K10 deployments or multi-cluster API in kasten-io); install K10 on it first.`;
  return undefined;
}

export async function planJoin(ctx: McContext, clusterId: string) {
  const t = await ctx.target(clusterId);
  const [m, ingress, status] = await Promise.all([
    readMembership(t.client),
    discoverK10IngressUrl(t.client, K10_RELEASE).catch(() => ({ url: undefined, source: undefined })),
    getObject(t.client, PATHS.k10Secrets(JOIN_OBJECTS.joinStatus)),
  ]);
  const refusal = joinRefusal(t.cluster.name, m);
  const state = secretString(status, 'status');
  const message = secretString(status, 'msg');
  return {
    clusterId,
    suggestedName: suggestKastenName(t.cluster.name),
    ingress: { ...(ingress.url ? { url: ingress.url } : {}), ...(ingress.source ? { source: ingress.source } : {}) },
    ...(refusal ? { refusal } : {}),
    ...(state ? { current: { state, ...(message ? { message } : {}) } } : {}),
  };
}

export interface JoinRequest {
  name: string;
  ingressUrl?: string;
  primaryIngress?: string;
  waitSeconds: number;
}

/** Problems with a join request, before anything is written. */
export function joinRequestProblems(req: JoinRequest): string[] {
  const out: string[] = [];
  const n = kastenNameProblem(req.name);
  if (n) out.push(`The cluster name is not valid: ${n}.`);
  if (req.ingressUrl) {
    const p = ingressUrlProblem(req.ingressUrl, "This cluster's K10 ingress URL");
    if (p) out.push(p);
  }
  if (req.primaryIngress) {
    const p = ingressUrlProblem(req.primaryIngress, "The primary's ingress URL");
    if (p) out.push(p);
  }
  return out;
}

/**
 * Writes the join objects on one secondary and follows mc-join-status.
 * Never throws for a cluster's failure: the outcome says what happened,
 * including what was written when it stopped half way.
 */
export async function joinOne(ctx: McContext, t: Target, token: string, req: JoinRequest): Promise<JoinOutcome> {
  const base = { clusterId: t.cluster.id, cluster: t.cluster.name, joinName: req.name };
  const emit = (state: JoinProgressState, message?: string): JoinOutcome => {
    const outcome: JoinOutcome = { ...base, state, ...(message ? { message } : {}) };
    ctx.deps.events.emit('join:progress', outcome);
    return outcome;
  };
  const problems = joinRequestProblems(req);
  if (problems.length) return emit('refused', problems.join(' '));
  let m: Membership;
  try {
    m = await readMembership(t.client);
  } catch (err) {
    return emit('failed', (err as Error).message);
  }
  const refusal = joinRefusal(t.cluster.name, m);
  if (refusal) return emit('refused', refusal);

  emit('writing', `writing ${JOIN_OBJECTS.joinSecret} and ${JOIN_OBJECTS.joinConfig} in ${K10_NAMESPACE}`);
  const written: string[] = [];
  try {
    // K10 starts a join once both objects exist: the old token goes first, so that no join starts from a
    // new token with an old config (or the reverse); a status left from an earlier attempt would answer for this one.
    await deleteIfPresent(t.client, PATHS.k10Secrets(JOIN_OBJECTS.joinSecret));
    await deleteIfPresent(t.client, PATHS.k10Secrets(JOIN_OBJECTS.joinStatus));
    const data: Record<string, string> = { [JOIN_CONFIG_KEYS.clusterName]: req.name };
    if (req.ingressUrl) data[JOIN_CONFIG_KEYS.clusterIngress] = normalizeIngressUrl(req.ingressUrl);
    if (req.primaryIngress) data[JOIN_CONFIG_KEYS.primaryIngress] = normalizeIngressUrl(req.primaryIngress);
    await createOrReplace(t.client, PATHS.k10ConfigMaps(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: JOIN_OBJECTS.joinConfig, namespace: K10_NAMESPACE }, data });
    written.push(`ConfigMap ${JOIN_OBJECTS.joinConfig}`);
    await createOrReplace(t.client, PATHS.k10Secrets(), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: JOIN_OBJECTS.joinSecret, namespace: K10_NAMESPACE },
      type: 'Opaque',
      data: { token: b64(token) },
    });
    written.push(`Secret ${JOIN_OBJECTS.joinSecret}`);
  } catch (err) {
    const did = written.length ? ` Flotilla had written ${written.join(' and ')}; "Start over" (flotilla join --reset) removes it.` : ' Nothing was written.';
    return emit('failed', `${(err as Error).message}${did}`);
  }

  emit('joining', 'waiting for K10 to join');
  let last = '';
  try {
    const result = await waitFor<{ state: 'joined' | 'rejected'; message?: string }>(
      t.client,
      PATHS.k10Secrets(),
      (items) => {
        const status = items.find((s) => s.metadata?.name === JOIN_OBJECTS.joinStatus);
        const info = items.find((s) => s.metadata?.name === JOIN_OBJECTS.clusterInfo);
        const state = secretString(status, 'status');
        const msg = secretString(status, 'msg');
        if (state === 'rejected') return { state, ...(msg ? { message: msg } : {}) };
        if (state === 'joined' || info) return { state: 'joined', ...(msg ? { message: msg } : {}) };
        if (msg && msg !== last) {
          last = msg;
          emit('joining', msg);
        }
        return undefined;
      },
      { timeoutMs: req.waitSeconds * 1000 },
    );
    if (!result) return emit('timeout', `still joining after ${req.waitSeconds} s${last ? ` (${last})` : ''}; K10 keeps trying, and the fleet view shows the outcome.`);
    return emit(result.state, result.state === 'rejected' ? (result.message ?? 'the primary rejected the join (no reason given)') : result.message);
  } catch (err) {
    return emit('failed', (err as Error).message);
  }
}

export async function startJoin(ctx: McContext, held: HeldTokens, clusterId: string, tokenRef: string, req: JoinRequest): Promise<JoinOutcome> {
  const t = await ctx.target(clusterId);
  const token = held.get(tokenRef).token;
  const outcome = await joinOne(ctx, t, token, req);
  await ctx.audit(t, { action: 'join', outcome: outcome.state === 'joined' ? 'succeeded' : outcome.state === 'timeout' ? 'started' : 'failed', target: req.name, detail: outcome.state, error: outcome.state === 'joined' ? undefined : outcome.message, secrets: [token] });
  return outcome;
}

/** "Start over": removes mc-join, mc-join-config and mc-join-status (never mc-cluster-info). */
export async function resetJoin(ctx: McContext, clusterId: string): Promise<{ steps: Step[] }> {
  const t = await ctx.target(clusterId);
  const m = await readMembership(t.client);
  if (m.clusterInfo) throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} has joined "${m.clusterInfo.primaryName ?? 'a primary'}"; starting over would not undo that. Disconnect it instead.`);
  const steps: Step[] = [];
  for (const [kind, path] of [
    [`Secret ${JOIN_OBJECTS.joinSecret}`, PATHS.k10Secrets(JOIN_OBJECTS.joinSecret)],
    [`ConfigMap ${JOIN_OBJECTS.joinConfig}`, PATHS.k10ConfigMaps(JOIN_OBJECTS.joinConfig)],
    [`Secret ${JOIN_OBJECTS.joinStatus}`, PATHS.k10Secrets(JOIN_OBJECTS.joinStatus)],
  ] as const) {
    const step: Step = (await deleteIfPresent(t.client, path)) ? { step: `Delete ${kind}`, state: 'done' } : { step: `Delete ${kind}`, state: 'skipped', message: 'not there' };
    steps.push(step);
    ctx.deps.events.emit('mc:progress', { operation: 'join-reset', clusterId, step });
  }
  return { steps };
}

export interface ManyRequest {
  primaryId: string;
  secondaries: Array<{ clusterId: string; name?: string }>;
  tokenName?: string;
  waitSeconds: number;
}

const JOIN_CONCURRENCY = 16;

/**
 * One click: a token on the primary (the named one if it exists, else a new
 * one), then every secondary joined in parallel (bounded), each with its own
 * outcome; one failure does not stop the others.
 */
export async function joinMany(ctx: McContext, req: ManyRequest) {
  const primary = await ctx.target(req.primaryId);
  const m = await readMembership(primary.client);
  if (!m.primary) throw clusterError('CONFLICT', primary.cluster, `${primary.cluster.name} is not a multi-cluster primary; promote it first.`);
  const tokenName = req.tokenName ?? 'flotilla';
  let created = false;
  let secret = await findToken(primary.client, tokenName);
  if (!secret) {
    await createToken(ctx, req.primaryId, tokenName);
    created = true;
  }
  const { value, secret: tokenSecret } = await tokenValue(primary, tokenName);
  secret = tokenSecret;
  const primaryIngress = (m.primary.spec as { k10?: { ingress?: { url?: string } } } | undefined)?.k10?.ingress?.url;

  const results: JoinOutcome[] = new Array(req.secondaries.length);
  let next = 0;
  const worker = async () => {
    while (next < req.secondaries.length) {
      const i = next++;
      const s = req.secondaries[i]!;
      let t: Target;
      try {
        t = await ctx.target(s.clusterId);
      } catch (err) {
        const cluster = ctx.deps.registry.get(s.clusterId)?.name ?? s.clusterId;
        results[i] = { clusterId: s.clusterId, cluster, state: 'failed', message: (err as Error).message };
        ctx.deps.events.emit('join:progress', results[i]!);
        continue;
      }
      if (s.clusterId === req.primaryId) {
        results[i] = { clusterId: s.clusterId, cluster: t.cluster.name, state: 'refused', message: 'A primary cannot join itself.' };
        ctx.deps.events.emit('join:progress', results[i]!);
        continue;
      }
      const ingress = await discoverK10IngressUrl(t.client, K10_RELEASE).catch(() => ({ url: undefined }));
      const joinReq: JoinRequest = { name: s.name ?? suggestKastenName(t.cluster.name), ...(ingress.url ? { ingressUrl: ingress.url } : {}), waitSeconds: req.waitSeconds };
      results[i] = await joinOne(ctx, t, value, joinReq);
      const r = results[i]!;
      await ctx.audit(t, { action: 'join', outcome: r.state === 'joined' ? 'succeeded' : r.state === 'timeout' ? 'started' : 'failed', target: joinReq.name, detail: `one-click join to ${primary.cluster.name}${primaryIngress ? ` (${primaryIngress})` : ''}`, error: r.state === 'joined' ? undefined : r.message, secrets: [value] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(JOIN_CONCURRENCY, req.secondaries.length) }, worker));
  return { token: { secretName: secret.metadata?.name ?? '', name: tokenName, created }, results };
}

export type { KubeObject };
