/**
 * K10 ingress URLs: what Kasten accepts (https, a host, no credentials) and
 * whether this workstation can reach one. Reachability is a warning, never a
 * refusal: secondaries dial the primary from their own networks, which may
 * see what this workstation cannot.
 */
import { request } from 'node:https';
import type { UrlCheck } from '../../shared/contract/index.js';

/** What is wrong with `text` as a K10 ingress URL, or undefined. `what` names the field in the message. */
export function ingressUrlProblem(text: string, what = 'The K10 ingress URL'): string | undefined {
  if (!text.trim()) return `${what} is required (for example https://k10.example.com/k10).`;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return `${what} "${text}" is not a URL; write it in full, for example https://k10.example.com/k10.`;
  }
  if (url.protocol !== 'https:') return `${what} must use https (Kasten refuses plain http between clusters); it starts with ${url.protocol}//.`;
  if (!url.hostname) return `${what} has no host name.`;
  if (url.username || url.password) return `${what} must not carry a user name or password.`;
  if (url.search || url.hash) return `${what} must not have a query or fragment.`;
  return undefined;
}

/** The URL as Kasten wants it: trimmed, no trailing slash. */
export function normalizeIngressUrl(text: string): string {
  return text.trim().replace(/\/+$/, '');
}

/**
 * Checks `text` and, when valid, whether it answers from here (any HTTP
 * answer counts; nothing is sent but a GET without credentials). A
 * certificate this workstation does not trust still counts as reachable,
 * with a note: the secondaries are what must trust it.
 */
export async function checkIngressUrl(text: string, timeoutMs = 5_000): Promise<UrlCheck> {
  const problem = ingressUrlProblem(text);
  if (problem) return { valid: false, message: problem };
  const url = normalizeIngressUrl(text);
  const answer = await new Promise<{ ok: boolean; trusted?: boolean; error?: string }>((resolve) => {
    const req = request(url, { method: 'GET', rejectUnauthorized: false, timeout: timeoutMs, headers: { 'user-agent': 'flotilla' } }, (res) => {
      const socket = res.socket as { authorized?: boolean };
      res.resume();
      resolve({ ok: true, trusted: socket.authorized === true });
      req.destroy();
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code === 'ENOTFOUND' ? 'its host name does not resolve here' : err.message }));
    req.end();
  });
  if (!answer.ok) {
    return { valid: true, reachable: false, message: `${url} is not reachable from this workstation (${answer.error}). That is fine if the secondaries can reach it from their networks.` };
  }
  return answer.trusted
    ? { valid: true, reachable: true }
    : { valid: true, reachable: true, message: `${url} answers, but its certificate is not trusted by this workstation; the secondaries must trust it (or K10 must be told to).` };
}
