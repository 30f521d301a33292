/**
 * Join tokens on a primary (KASTEN-MC.md, "Join tokens"): list, create by
 * name, revoke; and the ways a token value leaves main, each one only when
 * the user asks and each one audited: reveal (30 s), copy to a concealed,
 * self-clearing clipboard, a QR code, a sealed age file.
 *
 * The token value is read from the cluster at the moment it is needed and
 * never kept: not in the list, the audit log, or any state.
 */
import { AppError, REVEAL_MS, type RevealedSecret, type Token } from '../../shared/contract/index.js';
import { JOIN_TOKEN_SECRET_TYPE, LABELS } from '../../shared/kasten/kinds.js';
import { joinTokenSecretManifest } from '../../shared/kasten/manifests.js';
import { kastenNameProblem } from '../../shared/kasten/names.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import { clusterError, type McContext, type Target } from './context.js';
import { tokenFingerprint } from './fingerprint.js';
import { createObject, deleteIfPresent, listObjects, PATHS, readMembership, secretString, waitFor, type KubeObject } from './kasten-objects.js';

/** The token Secrets of a primary, oldest first. */
async function tokenSecrets(client: ClusterClient): Promise<KubeObject[]> {
  const secrets = await listObjects(client, PATHS.mcSecrets());
  return secrets.filter((s) => s.type === JOIN_TOKEN_SECRET_TYPE).sort((a, b) => String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? '')));
}

function displayName(s: KubeObject): string {
  return s.metadata?.labels?.[LABELS.tokenName] ?? s.metadata?.name ?? '';
}

function toToken(s: KubeObject, secondaries: KubeObject[]): Token {
  const value = secretString(s, 'token');
  const created = s.metadata?.creationTimestamp;
  return {
    secretName: s.metadata?.name ?? '',
    name: displayName(s),
    ...(created ? { createdAt: created } : {}),
    ready: !!value,
    ...(value ? { fingerprint: tokenFingerprint(value) } : {}),
    ...(created ? { joinedSince: secondaries.filter((c) => String(c.metadata?.creationTimestamp ?? '') >= created).length } : {}),
  };
}

/** Refuses a cluster that is not a primary: tokens live only there. */
async function requirePrimary(t: Target): Promise<void> {
  const m = await readMembership(t.client);
  if (!m.primary) throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} is not a multi-cluster primary, so it has no join tokens. Promote it first.`);
}

export async function listTokens(ctx: McContext, clusterId: string): Promise<Token[]> {
  const t = await ctx.target(clusterId);
  const [secrets, secondaries] = await Promise.all([tokenSecrets(t.client), listObjects(t.client, PATHS.clusters(), { labelSelector: `${LABELS.clusterType}=secondary` })]);
  return secrets.map((s) => toToken(s, secondaries));
}

/** Finds a token by its Secret's name or its display name. */
export async function findToken(client: ClusterClient, nameOrSecret: string): Promise<KubeObject | undefined> {
  const secrets = await tokenSecrets(client);
  return secrets.find((s) => s.metadata?.name === nameOrSecret) ?? secrets.find((s) => displayName(s) === nameOrSecret);
}

/** Creates a token Secret and waits until K10 has filled it. */
export async function createToken(ctx: McContext, clusterId: string, name: string): Promise<Token> {
  const t = await ctx.target(clusterId);
  return ctx.audited(t, 'token-create', { target: name, detail: (tok) => `secret ${tok.secretName}, fingerprint ${tok.fingerprint ?? 'not yet'}` }, async () => {
    const problem = kastenNameProblem(name);
    if (problem) throw clusterError('INVALID_ARGS', t.cluster, `The token name is not valid: ${problem}.`);
    await requirePrimary(t);
    if ((await tokenSecrets(t.client)).some((s) => displayName(s) === name)) {
      throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} already has a join token named "${name}"; choose another name, or revoke that one first.`);
    }
    const made = await createObject(t.client, PATHS.mcSecrets(), joinTokenSecretManifest({ displayName: name }) as KubeObject);
    const secretName = made.metadata?.name ?? '';
    const filled = await waitFor(t.client, PATHS.mcSecrets(), (items) => items.find((s) => s.metadata?.name === secretName && secretString(s, 'token')), {
      timeoutMs: ctx.k10TimeoutMs,
      fieldSelector: `metadata.name=${secretName}`,
    });
    if (!filled) {
      throw clusterError(
        'SERVER',
        t.cluster,
        `The token Secret ${secretName} was created, but K10 did not fill it within ${Math.round(ctx.k10TimeoutMs / 1000)} s. Check that K10 runs on ${t.cluster.name}; the token appears in the list once it is filled (or revoke it to remove the Secret).`,
      );
    }
    return toToken(filled, []);
  });
}

export async function revokeToken(ctx: McContext, clusterId: string, secretName: string): Promise<void> {
  const t = await ctx.target(clusterId);
  await ctx.audited(t, 'token-revoke', { target: secretName }, async () => {
    const secret = await findToken(t.client, secretName);
    if (!secret) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no join token "${secretName}" (it may have been revoked already).`);
    await deleteIfPresent(t.client, PATHS.mcSecrets(secret.metadata!.name!));
  });
}

/** The token's value, read now, for one use. */
export async function tokenValue(t: Target, nameOrSecret: string): Promise<{ value: string; secret: KubeObject }> {
  const secret = await findToken(t.client, nameOrSecret);
  if (!secret) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no join token "${nameOrSecret}" (it may have been revoked).`);
  const value = secretString(secret, 'token');
  if (!value) throw clusterError('CONFLICT', t.cluster, `The join token "${displayName(secret)}" is not filled yet; K10 fills it within seconds of its creation. Try again shortly.`);
  return { value: value.trim(), secret };
}

/** Reads a token for one way out of main (reveal, copy, QR, seal), recording who took it and how. */
export async function withTokenValue<T>(
  ctx: McContext,
  clusterId: string,
  secretName: string,
  action: 'token-reveal' | 'token-copy' | 'token-qr' | 'token-seal',
  use: (value: string, fingerprint: string, t: Target) => Promise<T>,
  detail?: (r: T) => string | undefined,
): Promise<T> {
  const t = await ctx.target(clusterId);
  let secret: string | undefined;
  return ctx.audited(
    t,
    action,
    {
      target: secretName,
      detail,
      // Read when the outcome is recorded: by then the value is known, and the audit log masks it wherever it appears.
      get secrets() {
        return secret ? [secret] : [];
      },
    },
    async () => {
      const { value } = await tokenValue(t, secretName);
      secret = value;
      return use(value, tokenFingerprint(value), t);
    },
  );
}

export function revealed(value: string): RevealedSecret {
  return { value, maskAfterMs: REVEAL_MS };
}

/** The one error for a host without a clipboard (the CLI). */
export function noClipboard(): AppError {
  return new AppError('UNSUPPORTED', 'This Flotilla has no clipboard to copy to; write the token to a file instead (flotilla token create --out FILE), or seal it for a handoff.');
}
