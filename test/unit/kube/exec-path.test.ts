/**
 * Exec plugins are looked up on the login shell's PATH (a desktop launcher
 * gives the app a minimal one): the shell is asked once, its start-up noise
 * ignored, and a shell that hangs or is missing falls back to Flotilla's
 * own PATH, saying so.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedSearchPath, findExecutable, loginShellSearchPath } from '../../../main/kube/exec-path.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-shell-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'kubelogin'), '#!/bin/sh\n');
  await chmod(join(dir, 'bin', 'kubelogin'), 0o755);
  await writeFile(join(dir, 'bin', 'not-executable'), 'data');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 'gone' or 'zombie' (killed, waiting for a parent to reap it) or 'running'. */
async function processState(pid: number): Promise<'gone' | 'zombie' | 'running'> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+Z/m.test(status) ? 'zombie' : 'running';
  } catch {
    return 'gone';
  }
}

async function fakeShell(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('loginShellSearchPath', () => {
  it("reads PATH and KUBECONFIG from the user's login shell, ignoring what its profile prints", async () => {
    // Called as `<shell> -ilc <script>`: the script is $2.
    const shell = await fakeShell('chatty-shell', `echo "Welcome back! Last login: today"\necho "PATH=/not/this"\nPATH=/opt/homebrew/bin:/usr/bin KUBECONFIG=/home/ada/a:/home/ada/b exec /bin/sh -c "$2"`);
    const result = await loginShellSearchPath({ shell, env: { PATH: '/usr/bin' } });
    expect(result).toEqual({ path: '/opt/homebrew/bin:/usr/bin', source: `your login shell (${shell})`, kubeconfig: '/home/ada/a:/home/ada/b' });
  });

  it("falls back to Flotilla's PATH, saying why, when the shell does not answer in time, and leaves nothing running", async () => {
    const marker = join(dir, 'stuck-pid');
    const shell = await fakeShell('stuck-shell', `sleep 30 & echo $! > ${marker}; wait`);
    const t0 = Date.now();
    const result = await loginShellSearchPath({ shell, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(result.path).toBe('/usr/bin:/bin');
    expect(result.source).toMatch(/Flotilla's environment \(your login shell .*stuck-shell did not answer within 300 ms\)/);
    const sleeper = Number((await readFile(marker, 'utf8')).trim());
    await new Promise((r) => setTimeout(r, 100));
    expect(await processState(sleeper)).not.toBe('running'); // the shell's child was ended with it
  });

  it("falls back when the shell cannot be started", async () => {
    const result = await loginShellSearchPath({ shell: join(dir, 'no-such-shell'), env: { PATH: '/usr/bin' } });
    expect(result).toMatchObject({ path: '/usr/bin', source: expect.stringMatching(/could not be started/) });
  });

  it('works with the real bash', async () => {
    const result = await loginShellSearchPath({ shell: '/bin/bash', timeoutMs: 10_000 });
    expect(result.source).toBe('your login shell (/bin/bash)');
    expect(result.path.split(':')).toContain('/usr/bin');
  });

  it('asks the shell only once per process', async () => {
    const counter = join(dir, 'count');
    const shell = await fakeShell('counting-shell', `echo x >> ${counter}\nexec /bin/sh -c "$2"`);
    const get = cachedSearchPath({ shell });
    await Promise.all([get(), get(), get()]);
    await get();
    expect((await readFile(counter, 'utf8')).trim().split('\n')).toHaveLength(1);
  });
});

describe.skipIf(process.platform === 'win32')('findExecutable', () => {
  it('finds a bare command in a PATH folder', async () => {
    expect(await findExecutable('kubelogin', `/nonexistent:${join(dir, 'bin')}`)).toBe(join(dir, 'bin', 'kubelogin'));
  });

  it('does not find a command that is missing or not executable', async () => {
    expect(await findExecutable('aws', join(dir, 'bin'))).toBeUndefined();
    expect(await findExecutable('not-executable', join(dir, 'bin'))).toBeUndefined();
  });

  it('takes a command with a path separator as a path, not a PATH lookup', async () => {
    expect(await findExecutable(join(dir, 'bin', 'kubelogin'), '')).toBe(join(dir, 'bin', 'kubelogin'));
    expect(await findExecutable('bin/kubelogin', dir)).toBeUndefined();
  });
});

describe('findExecutable on Windows', () => {
  it('tries the PATHEXT extensions', async () => {
    await writeFile(join(dir, 'bin', 'gke-gcloud-auth-plugin.EXE'), 'MZ');
    expect(await findExecutable('gke-gcloud-auth-plugin', join(dir, 'bin'), { platform: 'win32', pathext: '.COM;.EXE' })).toBe(join(dir, 'bin', 'gke-gcloud-auth-plugin.EXE'));
  });
});
