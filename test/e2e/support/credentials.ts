/**
 * Finding credentials where they must not be: the secret values of a
 * kubeconfig (tokens, passwords, private keys, in the forms they could be
 * copied in), searched for in the renderer's state, the page, its storage
 * and the user-data folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Page } from 'playwright-core';

interface KubeconfigUser {
  name?: string;
  user?: { token?: string; password?: string; 'client-key-data'?: string };
}

/** The secret strings in a kubeconfig: tokens, passwords, and client keys (base64 and decoded PEM body). */
export function secretsOf(kubeconfigYaml: string): string[] {
  const config = parse(kubeconfigYaml) as { users?: KubeconfigUser[] };
  const secrets = new Set<string>();
  for (const { user } of config.users ?? []) {
    if (user?.token) secrets.add(user.token);
    if (user?.password) secrets.add(user.password);
    const key = user?.['client-key-data'];
    if (key) {
      secrets.add(key);
      // A line of the PEM body is enough to recognise a leaked key.
      const body = Buffer.from(key, 'base64').toString('utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
      if (body[1]) secrets.add(body[1]);
    }
  }
  return [...secrets].filter((s) => s.length >= 16);
}

/** Where in the renderer a secret shows up: the zustand store, the HTML, web storage. */
export async function secretsInRenderer(page: Page, secrets: readonly string[]): Promise<string[]> {
  const places = await page.evaluate(() => {
    const store = (window as unknown as { __flotillaStore?: { getState(): unknown } }).__flotillaStore;
    const storage = (s: Storage) => JSON.stringify(Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)])));
    return {
      store: store ? JSON.stringify(store.getState()) : undefined,
      html: document.documentElement.outerHTML,
      localStorage: storage(localStorage),
      sessionStorage: storage(sessionStorage),
    };
  });
  if (places.store === undefined) throw new Error('window.__flotillaStore is not exposed: is the page served by the preview?');
  const found: string[] = [];
  for (const [where, text] of Object.entries(places)) {
    for (const s of secrets) if (text?.includes(s)) found.push(`${where} contains ${s.slice(0, 6)}…`);
  }
  return found;
}

/** Files under `dir` (recursively) that contain a secret. */
export async function secretsInFiles(dir: string, secrets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'utf8');
    for (const s of secrets) if (text.includes(s)) found.push(`${path} contains ${s.slice(0, 6)}…`);
  }
  return found;
}
