/**
 * `flotilla handoff seal|open`: a token file sealed with a passphrase into
 * an age file (main/multicluster/handoff.ts) to carry across an air gap, and
 * opened again on the other side. No cluster is involved: the token comes
 * from a file (`token create --out`), and the passphrase from
 * FLOTILLA_PASSPHRASE or the terminal, never from an option.
 */
import { resolve } from 'node:path';
import { AppError } from '../../../shared/contract/index.js';
import { AuditLog } from '../../audit/audit-log.js';
import { tokenFingerprint } from '../../multicluster/fingerprint.js';
import { openHandoff, readHandoffFile, sealHandoff, writeHandoffFile } from '../../multicluster/handoff.js';
import { duration, flag, required, str } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, Failure, UsageError } from '../errors.js';
import { json } from '../output.js';
import { passphrase, PASSPHRASE_ENV } from '../passphrase.js';
import { checkSecretTarget, readTokenFile, writeSecretFile } from '../secret-files.js';

/** 2024-05-01T14:00:00.000Z → "2024-05-01 14:00 UTC", as the handoff's own messages write times. */
function formatTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Runs a handoff step, its AppError (wrong passphrase, expired, damaged) as a Failure. */
async function handoffStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw new Failure(err.message);
    throw err;
  }
}

export const handoffSealCommand: Command = {
  synopsis: ['handoff seal --token-file F --out FILE [--expires 24h] [--primary NAME] [--force] [--json]'],
  help: `Seals the join token in F into an age file (scrypt passphrase) that
flotilla handoff open, the app, or \`age -d\` opens. The file names the
primary, carries the token's fingerprint, and stops opening after --expires.

The passphrase comes from ${PASSPHRASE_ENV}, or is typed twice at the terminal
(not echoed). Without either, exit code 2.

Options:
  --token-file F    the token (as written by token create --out)
  --out FILE        the sealed file to write (0600; never over an existing one
                    unless --force)
  --expires D       how long it opens: 90m, 24h, 7d… (default 24h, at most 30d)
  --primary NAME    the primary's name, shown to whoever opens it (default: unknown)
  --force           replace an existing FILE
  --json            path, fingerprint and expiry as JSON`,
  options: { 'token-file': { type: 'string' }, out: { type: 'string' }, expires: { type: 'string' }, primary: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, io, env, dataDir, session }) {
    const tokenFile = resolve(required(values, 'token-file'));
    const out = resolve(required(values, 'out'));
    const expiresMs = duration(values, 'expires', '24h');
    const primaryName = str(values, 'primary')?.trim() || 'unknown';
    const force = flag(values, 'force');
    const token = await readTokenFile(tokenFile);
    await checkSecretTarget(out, force);
    const pass = await passphrase({ confirm: true, env });
    const expiresAt = new Date(Date.now() + expiresMs);
    const audit = await AuditLog.open(dataDir).catch((err: unknown) => {
      session.log.warn(`handoff seal: the audit log cannot be opened: ${(err as Error).message}`);
      return undefined;
    });
    let result: { path: string; fingerprint: string; primaryName: string; expiresAt: string };
    try {
      const bytes = await handoffStep(() => sealHandoff({ token, primaryName, passphrase: pass, expiresAt }));
      await handoffStep(() => writeHandoffFile(out, bytes, { overwrite: force }));
      result = { path: out, fingerprint: tokenFingerprint(token), primaryName, expiresAt: expiresAt.toISOString() };
    } catch (err) {
      await audit?.append({ action: 'token-seal', outcome: 'failed', target: tokenFile, error: (err as Error).message, secrets: [token, pass] }).catch(() => undefined);
      throw err;
    }
    await audit
      ?.append({ action: 'token-seal', outcome: 'succeeded', target: tokenFile, detail: `sealed to ${out} for primary ${primaryName}, fingerprint ${result.fingerprint}, expires ${result.expiresAt}`, secrets: [token, pass] })
      .catch((err: unknown) => session.log.warn(`handoff seal: not recorded in the audit log: ${(err as Error).message}`));
    if (flag(values, 'json')) io.out(json(result));
    else io.out(`Sealed the token in ${out} (readable by you only).\nFingerprint: ${result.fingerprint}\nPrimary: ${primaryName}\nExpires: ${formatTime(result.expiresAt)}`);
    return EXIT_OK;
  },
};

export const handoffOpenCommand: Command = {
  synopsis: ['handoff open FILE --out TOKEN_FILE [--force] [--json]'],
  help: `Opens the sealed handoff FILE (or a token sealed with \`age -p\`) and writes
the token to TOKEN_FILE (0600), for flotilla join --token-file. Prints the
fingerprint to compare with the primary's administrator, the primary's name
and the expiry.

The passphrase comes from ${PASSPHRASE_ENV}, or is typed at the terminal (not
echoed). Without either, exit code 2.

Options:
  --out TOKEN_FILE   where to write the token (never over an existing file
                     unless --force)
  --force            replace an existing TOKEN_FILE
  --json             fingerprint, primary and expiry as JSON

Exit code 1 when the passphrase is wrong, the file expired, or it is damaged.`,
  options: { out: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io, env }) {
    const [file] = positionals;
    if (!file) throw new UsageError('give the handoff FILE to open');
    const path = resolve(file);
    const out = resolve(required(values, 'out'));
    const force = flag(values, 'force');
    await checkSecretTarget(out, force);
    const bytes = await handoffStep(() => readHandoffFile(path));
    const pass = await passphrase({ confirm: false, env });
    const opened = await handoffStep(() => openHandoff(bytes, pass));
    await writeSecretFile(out, `${opened.token}\n`, force);
    const result = {
      path: out,
      fingerprint: opened.fingerprint,
      ...(opened.primaryName ? { primaryName: opened.primaryName } : {}),
      ...(opened.expiresAt ? { expiresAt: opened.expiresAt.toISOString() } : {}),
    };
    if (flag(values, 'json')) io.out(json(result));
    else {
      io.out(
        [
          `Wrote the token to ${out} (readable by you only).`,
          `Fingerprint: ${opened.fingerprint}  (compare it with the primary's administrator)`,
          `Primary: ${opened.primaryName ?? 'not named (a bare token sealed with age -p)'}`,
          `Expires: ${result.expiresAt ? formatTime(result.expiresAt) : 'no expiry in the file'}`,
        ].join('\n'),
      );
    }
    return EXIT_OK;
  },
};
