/**
 * Certificate checks for the wizard, with node:crypto's X509Certificate:
 * is it a certificate at all, has it expired, does it expire soon, do the
 * client certificate and key belong together. Pure given `now`.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

/** Certificates expiring within this many days are flagged. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export type CertVerdict =
  | { state: 'valid'; notAfter: Date }
  | { state: 'expiring'; notAfter: Date; days: number }
  | { state: 'expired'; notAfter: Date }
  | { state: 'invalid'; reason: string };

/** Decodes kubeconfig `*-data` (base64); undefined when it is not base64 at all. */
export function decodeBase64(data: string): Buffer | undefined {
  const compact = data.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** The certificates in a PEM bundle (or one DER certificate). Throws when there are none or one is broken. */
export function parseCertificates(bytes: Buffer): X509Certificate[] {
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) return [new X509Certificate(bytes)]; // DER, or throws
  return blocks.map((b) => new X509Certificate(b));
}

/**
 * Judges a certificate (or a CA bundle: it is only as expired as its
 * longest-lived certificate, since any of them may be the one that signs).
 */
export function judgeCertificate(bytes: Buffer, now: Date, warnDays = EXPIRY_WARNING_DAYS): CertVerdict {
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(bytes);
  } catch (err) {
    return { state: 'invalid', reason: `it is not a PEM or DER certificate (${(err as Error).message})` };
  }
  const notAfter = new Date(Math.max(...certs.map((c) => Date.parse(c.validTo))));
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return { state: 'expired', notAfter };
  if (left < warnDays * DAY_MS) return { state: 'expiring', notAfter, days: Math.max(0, Math.floor(left / DAY_MS)) };
  return { state: 'valid', notAfter };
}

/** Parses a private key, or says why it cannot be used. */
export function parsePrivateKey(bytes: Buffer): { ok: true; key: KeyObject } | { ok: false; reason: string } {
  const pem = bytes.includes('-----BEGIN');
  const attempts: Array<Parameters<typeof createPrivateKey>[0]> = pem
    ? [{ key: bytes, format: 'pem' }]
    : (['pkcs8', 'pkcs1', 'sec1'] as const).map((type) => ({ key: bytes, format: 'der' as const, type }));
  let last = '';
  for (const a of attempts) {
    try {
      return { ok: true, key: createPrivateKey(a) };
    } catch (err) {
      last = (err as Error).message;
    }
  }
  if (/passphrase|encrypted/i.test(last) || bytes.includes('ENCRYPTED')) {
    return { ok: false, reason: 'it is encrypted with a passphrase, which kubectl does not support either' };
  }
  return { ok: false, reason: `it is not a private key Flotilla can read (${last})` };
}

/** True when `key` is the private key of the (first) certificate in `certBytes`. */
export function keyMatchesCertificate(certBytes: Buffer, key: KeyObject): boolean {
  try {
    return parseCertificates(certBytes)[0]!.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** A date as people read it in messages: 2025-03-01. */
export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
