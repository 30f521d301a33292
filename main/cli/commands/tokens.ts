/**
 * `flotilla token …`: join tokens on a primary. The token's value never
 * reaches the terminal unless asked for with `token show --reveal`; `token
 * create --out FILE` writes it to an owner-only file (the only way to carry
 * it to `join --token-file` or `handoff seal`), and prints its fingerprint,
 * which two administrators read to each other to confirm they hold the same
 * token. Every read of a value is audited as a reveal.
 */
import { resolve } from 'node:path';
import type { Token } from '../../../shared/contract/index.js';
import { flag, kastenName, required, str } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, Failure, UsageError } from '../errors.js';
import { json, table } from '../output.js';
import { checkSecretTarget, writeSecretFile } from '../secret-files.js';

export const tokenCreateCommand: Command = {
  synopsis: ['token create --context C --name N [--out FILE [--force]] [--json]'],
  help: `Creates a join token named N on the primary C and waits for K10 to fill it.
Prints the token's fingerprint, never the token itself.

Options:
  --context C     the primary
  --name N        the token's name
  --out FILE      also write the token to FILE, readable by you only (0600);
                  an existing FILE is refused unless --force. Audited as a reveal.
  --force         replace an existing FILE
  --json          the token's description (no value) as JSON`,
  options: { context: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = kastenName(values, 'name')!;
    const out = str(values, 'out');
    const force = flag(values, 'force');
    if (force && !out) throw new UsageError('--force only applies with --out FILE');
    const path = out ? resolve(out) : undefined;
    if (path) await checkSecretTarget(path, force);
    const clusterId = await session.clusterId(context);
    const token = await session.call('tokens:create', { clusterId, name });
    if (path) {
      try {
        const { value } = await session.direct((s) => s.multicluster.tokenValue(clusterId, token.secretName));
        await writeSecretFile(path, `${value}\n`, force);
      } catch (err) {
        throw new Failure(
          `the token "${name}" was created on ${context}, but was not written to ${path}: ${(err as Error).message}. ` +
            `Write it with: flotilla token show --context ${context} --name ${name} --reveal --out FILE (or revoke it)`,
        );
      }
    }
    if (flag(values, 'json')) {
      io.out(json({ ...token, ...(path ? { path } : {}) }));
      return EXIT_OK;
    }
    io.out(
      [
        `Created join token "${token.name}" on ${context} (Secret ${token.secretName}).`,
        `Fingerprint: ${token.fingerprint ?? 'not yet filled'}`,
        path ? `The token is in ${path} (readable by you only).` : `The token stays on ${context}; write it to a file with --out FILE, or join in one step with flotilla bootstrap.`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};

export function tokensTable(tokens: Token[]): string {
  return table(
    ['NAME', 'SECRET', 'READY', 'FINGERPRINT', 'CREATED', 'JOINED SINCE'],
    tokens.map((t) => [t.name, t.secretName, t.ready ? 'yes' : 'no', t.fingerprint ?? '-', t.createdAt ?? '-', t.joinedSince === undefined ? '-' : String(t.joinedSince)]),
  );
}

export const tokenListCommand: Command = {
  synopsis: ['token list --context C [--json]'],
  help: `Lists the join tokens on the primary C, oldest first.

Options:
  --context C     the primary
  --json          the tokens as a JSON array (no values)`,
  options: { context: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const tokens = await session.call('tokens:list', { clusterId: await session.clusterId(context) });
    if (flag(values, 'json')) io.out(json(tokens));
    else io.out(tokens.length ? tokensTable(tokens) : `${context} has no join tokens; create one with flotilla token create --context ${context} --name NAME.`);
    return EXIT_OK;
  },
};

export const tokenRevokeCommand: Command = {
  synopsis: ['token revoke --context C --name N'],
  help: `Deletes the join token N (its name or its Secret's name) on the primary C:
no cluster can join with it any more; clusters that joined with it stay.

Options:
  --context C     the primary
  --name N        the token's name, or its Secret's name
  --json          print {"revoked": N} as JSON`,
  options: { context: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = required(values, 'name');
    await session.call('tokens:revoke', { clusterId: await session.clusterId(context), secretName: name });
    io.out(flag(values, 'json') ? json({ revoked: name }) : `Revoked join token "${name}" on ${context}; clusters that joined with it stay joined.`);
    return EXIT_OK;
  },
};

export const tokenShowCommand: Command = {
  synopsis: ['token show --context C --name N --reveal [--out FILE [--force]]'],
  help: `Reads the value of the join token N on the primary C. Anyone who has it can
join a cluster to C, so it is shown only with --reveal, and every use is
recorded in the audit log (token-reveal).

Without --out the token is printed on stdout (and its fingerprint on
stderr); with --out FILE it is written to FILE (0600) and only the
fingerprint is printed.

Options:
  --context C     the primary
  --name N        the token's name, or its Secret's name
  --reveal        required: yes, read the secret value
  --out FILE      write it to FILE instead of stdout
  --force         replace an existing FILE`,
  options: { context: { type: 'string' }, name: { type: 'string' }, reveal: { type: 'boolean' }, out: { type: 'string' }, force: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = required(values, 'name');
    if (!flag(values, 'reveal')) {
      throw new UsageError(`token show reads a secret and records it in the audit log: add --reveal to confirm (or use token list for fingerprints)`);
    }
    const out = str(values, 'out');
    const force = flag(values, 'force');
    if (force && !out) throw new UsageError('--force only applies with --out FILE');
    const path = out ? resolve(out) : undefined;
    if (path) await checkSecretTarget(path, force);
    const r = await session.call('tokens:reveal', { clusterId: await session.clusterId(context), secretName: name });
    if (path) {
      await writeSecretFile(path, `${r.token.value}\n`, force);
      io.out(`Fingerprint: ${r.fingerprint}\nThe token is in ${path} (readable by you only).`);
    } else {
      io.out(r.token.value);
      io.err(`Fingerprint: ${r.fingerprint} (this reveal is recorded in the audit log)`);
    }
    return EXIT_OK;
  },
};
