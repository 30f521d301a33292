/**
 * Certificates of the lab fleet: one CA per emulated cluster, a serving
 * certificate for 127.0.0.1/localhost and client certificates whose subject
 * carries the Kubernetes user (CN) and groups (one O each), as kubeadm issues
 * them.
 *
 * A fleet of 500 clusters needs some 1,500 certificates at start-up. They are
 * ECDSA P-256 (RSA key generation alone would take minutes) and encoded here
 * in DER by hand and signed with node:crypto's synchronous calls: the ASN.1
 * layer of @peculiar/x509 spends about 2.5 ms of JavaScript per certificate
 * and needs a Reflect polyfill, while this costs about 0.3 ms. Only the few
 * fixed shapes below are produced, and the tests check them with Node's TLS,
 * Go's (kubectl) and openssl. Keys are PKCS#8 PEM, which Node and Go load.
 */
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

export interface CertificateInfo {
  commonName: string;
  /** Every O of the subject, in order: a client certificate's groups. */
  organizations: string[];
  notBefore: Date;
  notAfter: Date;
}

const DAY = 24 * 3600 * 1000;
/** Backdated so that a clock a little behind the fleet's still accepts a fresh cert. */
const BACKDATE = 3600 * 1000;

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// ---- DER encoding of the few ASN.1 types a certificate needs ----

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

const seq = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(s.slice(2))) : tlv(0x18, Buffer.from(s));
}

function name(attrs: [string, string][]): Buffer {
  return seq(...attrs.map(([type, value]) => set(seq(oid(type), utf8(value)))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), TRUE, octets(value)) : seq(oid(id), octets(value));
}

/** The key identifier RFC 5280 §4.2.1.2 suggests: SHA-1 of the public key bits. */
function keyId(spki: Buffer): Buffer {
  // An uncompressed P-256 point is the last 65 bytes of its SubjectPublicKeyInfo.
  return createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
}

const SIGNATURE_ALG = seq(oid(OID.ecdsaWithSha256));

// ---- DER reading, enough to take a CA or client certificate apart ----

interface Node {
  tag: number;
  /** The whole TLV. */
  raw: Buffer;
  body: Buffer;
}

function children(der: Buffer): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < der.length; ) {
    const tag = der[i];
    let len = der[i + 1];
    let start = i + 2;
    if (len & 0x80) {
      const count = len & 0x7f;
      len = 0;
      for (let k = 0; k < count; k++) len = len * 256 + der[start + k];
      start += count;
    }
    out.push({ tag, raw: der.subarray(i, start + len), body: der.subarray(start, start + len) });
    i = start + len;
  }
  return out;
}

function decodeOid(body: Buffer): string {
  const arcs = [Math.floor(body[0] / 40), body[0] % 40];
  let v = 0;
  for (const byte of body.subarray(1)) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) (arcs.push(v), (v = 0));
  }
  return arcs.join('.');
}

function decodeTime(node: Node): Date {
  const s = node.body.toString('latin1');
  const full = node.tag === 0x17 ? (Number(s.slice(0, 2)) < 50 ? '20' : '19') + s : s;
  return new Date(`${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`);
}

/** The TBSCertificate fields we read; the leading [0] version is optional in X.509. */
function tbsFields(certPem: string): { validity: Node; subject: Node; spki: Node } {
  const der = new X509Certificate(certPem).raw;
  const [tbs] = children(children(der)[0].body);
  const fields = children(tbs.body);
  const at = fields[0].tag === 0xa0 ? 1 : 0; // then serial, signature, issuer
  return { validity: fields[at + 3], subject: fields[at + 4], spki: fields[at + 5] };
}

// ---- Certificates ----

interface Issuer {
  subject: Buffer;
  key: KeyObject;
  keyId: Buffer;
}

interface CertSpec {
  subject: Buffer;
  issuer?: Issuer;
  days: number;
  notAfter?: Date;
  extensions: Buffer[];
}

function createCert(spec: CertSpec): { pair: CertKeyPair; issuer: Issuer } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const self: Issuer = { subject: spec.subject, key: privateKey, keyId: keyId(spki) };
  const signer = spec.issuer ?? self;
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive, and no leading zero byte to strip
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    SIGNATURE_ALG,
    signer.subject,
    seq(time(new Date(now - BACKDATE)), time(spec.notAfter ?? new Date(now + spec.days * DAY))),
    spec.subject,
    spki,
    tlv(0xa3, seq(
      ...spec.extensions,
      extension(OID.subjectKeyId, false, octets(self.keyId)),
      extension(OID.authorityKeyId, false, seq(tlv(0x80, signer.keyId))),
    )),
  );
  const cert = seq(tbs, SIGNATURE_ALG, bits(sign('sha256', tbs, signer.key)));
  const certPem = `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  return { pair: { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }, issuer: self };
}

// Issuing needs the CA's subject, key and key id; a fleet issues several
// certificates per CA, so they are taken apart once.
const issuers = new WeakMap<CertKeyPair, Issuer>();

function issuerOf(ca: CertKeyPair): Issuer {
  let found = issuers.get(ca);
  if (!found) {
    const { subject, spki } = tbsFields(ca.certPem);
    found = { subject: subject.raw, key: createPrivateKey(ca.keyPem), keyId: keyId(spki.raw) };
    issuers.set(ca, found);
  }
  return found;
}

const keyUsage = (bitString: Buffer) => extension(OID.keyUsage, true, bitString);
// digitalSignature is bit 0, keyCertSign bit 5, cRLSign bit 6 (DER drops trailing zero bits).
const CA_KEY_USAGE = keyUsage(bits(Buffer.from([0x86]), 1));
const LEAF_KEY_USAGE = keyUsage(bits(Buffer.from([0x80]), 7));
const LEAF_CONSTRAINTS = extension(OID.basicConstraints, true, seq());

/** Creates a self-signed CA valid for 10 years. */
export async function createCa(commonName: string): Promise<CertKeyPair> {
  const { pair, issuer } = createCert({
    subject: name([[OID.commonName, commonName]]),
    days: 3650,
    extensions: [extension(OID.basicConstraints, true, seq(TRUE)), CA_KEY_USAGE],
  });
  issuers.set(pair, issuer);
  return pair;
}

/**
 * Issues a TLS server certificate (1 year) for the given names; Go clients
 * check an IP address against IP SANs only, so `127.0.0.1` must be one.
 */
export async function issueServingCert(ca: CertKeyPair, names: { dnsNames: string[]; ips: string[] }): Promise<CertKeyPair> {
  const san = seq(
    ...names.dnsNames.map((dns) => tlv(0x82, Buffer.from(dns, 'ascii'))),
    ...names.ips.map((ip) => {
      if (!isIPv4(ip)) throw new Error(`only IPv4 addresses are supported in lab certificates: ${ip}`);
      return tlv(0x87, Buffer.from(ip.split('.').map(Number)));
    }),
  );
  return createCert({
    subject: name([[OID.commonName, names.dnsNames[0] ?? names.ips[0] ?? 'lab']]),
    issuer: issuerOf(ca),
    days: 365,
    extensions: [LEAF_CONSTRAINTS, LEAF_KEY_USAGE, extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))), extension(OID.subjectAltName, false, san)],
  }).pair;
}

/**
 * Issues a client certificate (1 year unless `notAfter` says otherwise) that
 * the API server maps to `user` (CN) in `groups` (one O each).
 */
export async function issueClientCert(ca: CertKeyPair, who: { user: string; groups: string[]; notAfter?: Date }): Promise<CertKeyPair> {
  return createCert({
    subject: name([[OID.commonName, who.user], ...who.groups.map((g): [string, string] => [OID.organization, g])]),
    issuer: issuerOf(ca),
    days: 365,
    notAfter: who.notAfter,
    extensions: [LEAF_CONSTRAINTS, LEAF_KEY_USAGE, extension(OID.extKeyUsage, false, seq(oid(OID.clientAuth)))],
  }).pair;
}

/** Subject and validity of a PEM certificate (any issuer's, not only ours). */
export function certificateInfo(pem: string): CertificateInfo {
  const { subject, validity } = tbsFields(pem);
  const attrs = children(subject.body).flatMap((rdn) =>
    children(rdn.body).map((atv) => {
      const [type, value] = children(atv.body);
      return { type: decodeOid(type.body), value: value.body.toString('utf8') };
    }),
  );
  const [notBefore, notAfter] = children(validity.body).map(decodeTime);
  return {
    commonName: attrs.find((a) => a.type === OID.commonName)?.value ?? '',
    organizations: attrs.filter((a) => a.type === OID.organization).map((a) => a.value),
    notBefore,
    notAfter,
  };
}
