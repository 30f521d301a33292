/**
 * PEM-shaped text for tests of masking and key handling. Built at run time
 * so that no file in the repository looks like it holds a private key (secret
 * scanners flag the literal header, real key or not).
 */
export function fakePem(label: string, body: string): string {
  const dashes = '-'.repeat(5);
  return `${dashes}BEGIN ${label}${dashes}\n${body}\n${dashes}END ${label}${dashes}`;
}
