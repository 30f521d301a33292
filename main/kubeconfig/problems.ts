/**
 * What is wrong with a context, before anything is saved: each problem says
 * which context, cluster, user or file it is about and what to do. Errors
 * block that context's import (it could not work); warnings do not.
 *
 * Pure: the files were read (materialize.ts) and the exec plugin looked up
 * (exec-path.ts) beforehand; `now` is given.
 */
import type { Problem } from '../../shared/contract/kubeconfig.js';
import { day, decodeBase64, judgeCertificate, keyMatchesCertificate, parsePrivateKey } from './certs.js';
import { redactProxyUrl, redactServerUrl } from './credentials.js';
import type { SearchPath } from '../kube/exec-path.js';
import type { ResolvedContext } from './merge.js';
import type { FileField, Materialized, MissingFile } from './materialize.js';
import type { Named, Origin } from './model.js';

export interface ProblemFacts {
  now: Date;
  /** Referenced files that could not be read. */
  missing: readonly MissingFile[];
  /** For exec users: where the plugin was found (undefined: not found) and the PATH searched. */
  exec?: { found?: string; search: SearchPath };
}

const FIELD_LABEL: Record<FileField, string> = {
  'certificate-authority': 'CA certificate file',
  'client-certificate': 'client certificate file',
  'client-key': 'client key file',
  tokenFile: 'token file',
};

const where = (o: Origin) => `in ${o.label}`;
const describe = (kind: 'cluster' | 'user', e: Named<unknown>) => `${kind} "${e.name}" (${where(e.origin)})`;

/** Every problem of one context, errors first. */
export function contextProblems(rc: ResolvedContext, m: Materialized, facts: ProblemFacts): Problem[] {
  const problems: Problem[] = [];
  const add = (code: Problem['code'], severity: Problem['severity'], message: string) => problems.push({ code, severity, message });
  const ctx = rc.context;
  const ctxLabel = `Context "${ctx.name}" (${where(ctx.origin)})`;

  if (rc.shadowedBy) {
    add('duplicate-name', 'warning', `Another context named "${ctx.name}" comes first (${where(rc.shadowedBy)}), so kubectl ignores this one (${where(ctx.origin)}). Flotilla can import both, this one under another name.`);
  }
  for (const o of rc.overridden) {
    add('duplicate-name', 'warning', `${ctxLabel} uses ${o.kind} "${o.name}", which its own file defines differently from ${o.used.label}; as kubectl does, Flotilla uses the definition that comes first, in ${o.used.label}.`);
  }

  if (!ctx.value.cluster) add('missing-cluster', 'error', `${ctxLabel} names no cluster.`);
  else if (!rc.cluster) add('missing-cluster', 'error', `${ctxLabel} uses cluster "${ctx.value.cluster}", which none of the scanned files defines.`);
  if (ctx.value.user && !rc.user) add('missing-user', 'error', `${ctxLabel} uses user "${ctx.value.user}", which none of the scanned files defines.`);

  const cluster = rc.cluster;
  if (cluster) {
    const server = cluster.value.server;
    if (!server) add('no-server', 'error', `The ${describe('cluster', cluster)} has no server URL.`);
    else if (!/^https?:\/\/[^/]/i.test(server)) add('no-server', 'error', `The ${describe('cluster', cluster)} has server "${redactServerUrl(server)}", which is not an https:// URL.`);
    else if (redactServerUrl(server) !== server) {
      add('credentials-in-url', 'error', `The ${describe('cluster', cluster)} has a user name or password inside its server URL, where Flotilla would keep it in plain view. Remove it from the URL and give the credentials in the user entry (token, client certificate, or username and password).`);
    }
    if (cluster.value.insecureSkipTlsVerify) {
      add('insecure-skip-tls-verify', 'warning', `The ${describe('cluster', cluster)} sets insecure-skip-tls-verify: the server's certificate is not checked, so anyone between this workstation and the cluster could pose as it. Prefer the cluster's CA in certificate-authority-data.`);
    }
    if (cluster.value.proxyUrl) {
      add('proxy-url', 'warning', `The ${describe('cluster', cluster)} is reached through the proxy ${redactProxyUrl(cluster.value.proxyUrl)} (proxy-url). Flotilla uses it too, so it must be reachable from this workstation.`);
    }
  }

  for (const f of facts.missing) {
    add('missing-file', 'error', `The ${FIELD_LABEL[f.field]} ${f.path}, named by ${describe(f.owner.kind, f.owner.entry)}, ${f.reason}.`);
  }

  if (cluster && m.connection.caData) {
    const bytes = decodeBase64(m.connection.caData);
    const subject = `The CA certificate of ${describe('cluster', cluster)}`;
    if (!bytes) add('cert-invalid', 'error', `${subject} is not valid base64.`);
    else {
      const v = judgeCertificate(bytes, facts.now);
      if (v.state === 'invalid') add('cert-invalid', 'error', `${subject} cannot be used: ${v.reason}.`);
      else if (v.state === 'expired') add('cert-expired', 'warning', `${subject} expired on ${day(v.notAfter)}, so connections will fail TLS verification. Get the cluster's current CA from its administrator.`);
      else if (v.state === 'expiring') add('cert-expiring', 'warning', `${subject} expires on ${day(v.notAfter)} (in ${v.days} days).`);
    }
  }

  const user = rc.user;
  if (user) {
    const who = describe('user', user);
    const certBytes = m.user.certData ? decodeBase64(m.user.certData) : undefined;
    let certOk = false;
    if (m.user.certData) {
      if (!certBytes) add('cert-invalid', 'error', `The client certificate of ${who} is not valid base64.`);
      else {
        const v = judgeCertificate(certBytes, facts.now);
        certOk = v.state !== 'invalid';
        if (v.state === 'invalid') add('cert-invalid', 'error', `The client certificate of ${who} cannot be used: ${v.reason}.`);
        else if (v.state === 'expired') add('cert-expired', 'warning', `The client certificate of ${who} expired on ${day(v.notAfter)}; the cluster will refuse it. Get a new certificate (or a new kubeconfig) from the cluster's administrator.`);
        else if (v.state === 'expiring') add('cert-expiring', 'warning', `The client certificate of ${who} expires on ${day(v.notAfter)} (in ${v.days} days); renew it before then.`);
      }
    }
    if (m.user.keyData) {
      const keyBytes = decodeBase64(m.user.keyData);
      const key = keyBytes ? parsePrivateKey(keyBytes) : { ok: false as const, reason: 'it is not valid base64' };
      if (!key.ok) add('cert-invalid', 'error', `The client key of ${who} cannot be used: ${key.reason}.`);
      else if (certOk && certBytes && !keyMatchesCertificate(certBytes, key.key)) {
        add('cert-invalid', 'error', `The client certificate and client key of ${who} do not belong together (the key is not the certificate's private key).`);
      }
    }
    const hasCert = Boolean(m.user.certData) || facts.missing.some((f) => f.field === 'client-certificate');
    const hasKey = Boolean(m.user.keyData) || facts.missing.some((f) => f.field === 'client-key');
    if (hasCert !== hasKey) add('cert-invalid', 'error', `The ${who} has a client ${hasCert ? 'certificate but no key' : 'key but no certificate'}; both are needed.`);

    const exec = m.user.exec;
    if (exec && facts.exec && !facts.exec.found) {
      const hint = exec.installHint ? ` ${exec.installHint.trim().replace(/\s+/g, ' ').slice(0, 300)}` : '';
      const asPath = /[\\/]/.test(exec.command);
      add(
        'exec-not-found',
        'warning',
        asPath
          ? `The exec plugin ${exec.command} of ${who} does not exist or is not executable.${hint}`
          : `The exec plugin "${exec.command}" of ${who} was not found on the PATH of ${facts.exec.search.source}: ${facts.exec.search.path || '(empty)'}. Install it or add its folder to PATH in your shell's profile.${hint}`,
      );
    }
  }

  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
