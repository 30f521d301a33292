/** File-system helpers for tests that prove Flotilla left the user's files alone. */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir`, by path, with the SHA-256 of its content. */
export async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    if (e.isFile()) out.set(p, createHash('sha256').update(await readFile(p)).digest('hex'));
  }
  return out;
}
