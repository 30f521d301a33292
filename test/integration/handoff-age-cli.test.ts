/**
 * The handoff file against the real `age` CLI, as the other side of the air
 * gap uses it without Flotilla: a file Flotilla seals opens with `age -d`,
 * and a token sealed with `age -p` opens in Flotilla.
 *
 * age reads passphrases from the terminal only, never from a pipe, so each
 * command runs under a pseudo-terminal made by util-linux `script`, which
 * copies our stdin (the passphrase lines) to it; age's typed-ahead input
 * waits in the terminal until age reads it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFingerprint } from '../../main/multicluster/fingerprint.js';
import { openHandoff, readHandoffFile, sealHandoff, writeHandoffFile } from '../../main/multicluster/handoff.js';

const onPath = (name: string) => [`/usr/bin/${name}`, ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, name))].find((p) => existsSync(p));
const AGE = onPath('age');
const SCRIPT = onPath('script');

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imthc3Rlbi1tYyJ9.' + 'Zm9vYmFyYmF6cXV4_-'.repeat(9);
const PASSPHRASE = 'harbor violet cobalt 42';

interface Run {
  code: number | null;
  output: string;
}

/** `age ARGS` under a pseudo-terminal, typing `lines` (e.g. the passphrase) into it; killed after 30 s. */
function ageOnTerminal(args: string[], lines: string[]): Promise<Run> {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const command = [AGE!, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT!, ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

let dir: string;
beforeAll(async () => {
  if (!AGE || !SCRIPT) {
    throw new Error(`The ${!AGE ? 'age CLI' : 'util-linux script command'} is not installed, and these tests need the real one: run build/install-system-deps.sh.`);
  }
  dir = await mkdtemp(join(tmpdir(), 'flotilla-age-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('handoff files and the age CLI', () => {
  it('age -d opens a file Flotilla sealed, with the passphrase, and prints the handoff with the token', async () => {
    const file = join(dir, 'from-flotilla.age');
    const expiresAt = new Date(Date.now() + 3600_000);
    await writeHandoffFile(file, await sealHandoff({ token: TOKEN, primaryName: 'prod-primary', passphrase: PASSPHRASE, expiresAt }));
    const out = join(dir, 'from-flotilla.json');
    const run = await ageOnTerminal(['-d', '-o', out, file], [PASSPHRASE]);
    expect(run.code, run.output).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({
      flotilla: 'join-token',
      v: 1,
      token: TOKEN,
      fingerprint: tokenFingerprint(TOKEN),
      primary: 'prod-primary',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      expiresAt: expiresAt.toISOString(),
    });
  });

  it('age -d refuses a Flotilla file with the wrong passphrase', async () => {
    const file = join(dir, 'wrong-pass.age');
    await writeHandoffFile(file, await sealHandoff({ token: TOKEN, primaryName: 'prod', passphrase: PASSPHRASE, expiresAt: new Date(Date.now() + 3600_000) }));
    const run = await ageOnTerminal(['-d', '-o', join(dir, 'wrong-pass.out'), file], ['not the passphrase']);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/incorrect passphrase/);
  });

  it('Flotilla opens a bare token sealed with age -p (echo TOKEN | age -p), with no primary and no expiry', async () => {
    const plain = join(dir, 'token.txt');
    await writeFile(plain, `${TOKEN}\n`); // as echo writes it
    const file = join(dir, 'from-age.age');
    const run = await ageOnTerminal(['-p', '-o', file, plain], [PASSPHRASE, PASSPHRASE]);
    expect(run.code, run.output).toBe(0);
    const opened = await openHandoff(await readHandoffFile(file), PASSPHRASE);
    expect(opened).toEqual({ token: TOKEN, fingerprint: tokenFingerprint(TOKEN) });
  });

  it('Flotilla opens an ASCII-armored token from age -p -a', async () => {
    const plain = join(dir, 'token-armored.txt');
    await writeFile(plain, TOKEN);
    const file = join(dir, 'from-age.asc');
    const run = await ageOnTerminal(['-p', '-a', '-o', file, plain], [PASSPHRASE, PASSPHRASE]);
    expect(run.code, run.output).toBe(0);
    expect((await readFile(file, 'utf8')).startsWith('-----BEGIN AGE ENCRYPTED FILE-----')).toBe(true);
    expect((await openHandoff(await readHandoffFile(file), PASSPHRASE)).token).toBe(TOKEN);
  });
});
