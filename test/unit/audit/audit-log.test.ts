/**
 * The audit log: one line per action, read back newest first, filtered and
 * exported; no secret ever reaches the file, and a line a crash cut short is
 * skipped, never fatal.
 */
import { appendFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_DIR, AUDIT_FILE, AuditLog, type AuditAction } from '../../../main/audit/audit-log.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-audit-'));
  file = join(dir, AUDIT_DIR, AUDIT_FILE);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A lab-style join token: base64url, random-looking. */
const TOKEN = 'eyJ2IjoxLCJpbmdyZXNzIjoiaHR0cHM6Ly8xMjcuMC4wLjE6NDQzIiwic2VjcmV0IjoiUTNxOXBMMm1OOHJUNXdZN3pBMWIifQ';

describe('AuditLog', () => {
  it('lists what was appended, newest first, each stamped with a time and an id', async () => {
    const log = await AuditLog.open(dir);
    await log.append({ action: 'promote', outcome: 'started', cluster: 'prod' });
    await log.append({ action: 'promote', outcome: 'succeeded', cluster: 'prod', identity: 'alice' });
    await log.append({ action: 'token-create', outcome: 'succeeded', cluster: 'prod', target: 'join-token-secret-x7k2p' });
    const { entries, skipped } = await log.list();
    expect(skipped).toBe(0);
    expect(entries.map((e) => `${e.action}:${e.outcome}`)).toEqual(['token-create:succeeded', 'promote:succeeded', 'promote:started']);
    expect(entries[1]).toMatchObject({ cluster: 'prod', identity: 'alice' });
    for (const e of entries) {
      expect(new Date(e.time).toISOString()).toBe(e.time);
      expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(entries.map((e) => e.id)).size).toBe(3);
  });

  it('keeps appends made at the same time in call order, losing none', async () => {
    const log = await AuditLog.open(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ action: 'label', outcome: 'succeeded', target: `c${i}` })));
    const { entries } = await log.list();
    expect(entries.map((e) => e.target)).toEqual(Array.from({ length: 40 }, (_, i) => `c${39 - i}`));
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(41);
  });

  it('filters by cluster and action, and keeps only the newest `limit`', async () => {
    const log = await AuditLog.open(dir);
    for (const [cluster, action] of [
      ['prod', 'join'],
      ['dev', 'join'],
      ['prod', 'grant'],
      ['prod', 'join'],
      ['prod', 'join'],
    ] as Array<[string, AuditAction]>) {
      await log.append({ action, outcome: 'succeeded', cluster });
    }
    expect((await log.list({ cluster: 'prod' })).entries).toHaveLength(4);
    expect((await log.list({ action: 'join' })).entries).toHaveLength(4);
    const newest = await log.list({ cluster: 'prod', action: 'join', limit: 2 });
    const all = await log.list({ cluster: 'prod', action: 'join' });
    expect(all.entries).toHaveLength(3);
    expect(newest.entries).toEqual(all.entries.slice(0, 2));
    expect((await log.list({ cluster: 'staging' })).entries).toEqual([]);
  });

  it('never writes a secret the caller named, nor one that merely looks like a token', async () => {
    const log = await AuditLog.open(dir);
    const lookalike = 'Xk3vQ9pL2mN8rT5wY7zA1bC4dE6fG0hJ';
    const entry = await log.append({
      action: 'join',
      outcome: 'failed',
      cluster: 'edge-1',
      target: 'primary',
      detail: `mc-join secret held ${TOKEN.slice(0, 20)}…? no: ${TOKEN}`,
      error: `admission rejected ${lookalike}; Authorization: Bearer abc.def`,
      secrets: [TOKEN, TOKEN.slice(0, 20), ''],
    });
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain(TOKEN.slice(0, 20));
    expect(raw).not.toContain(lookalike);
    expect(raw).not.toContain('abc.def');
    expect(raw).toContain('[redacted]');
    expect(entry.detail).toBe('mc-join secret held [redacted]…? no: [redacted]');
    expect(JSON.parse(raw.trim())).toMatchObject({ cluster: 'edge-1', target: 'primary' });
  });

  it('skips and counts a last line a crash left half-written, and keeps appending after it', async () => {
    const log = await AuditLog.open(dir);
    await log.append({ action: 'promote', outcome: 'succeeded', cluster: 'prod' });
    await appendFile(file, '{"id":"1b2c","time":"2025-01-01T00:00:00.000Z","act');
    expect(await log.list()).toMatchObject({ entries: [{ action: 'promote' }], skipped: 1 });
    await log.append({ action: 'demote', outcome: 'succeeded', cluster: 'prod' });
    const { entries, skipped } = await log.list();
    expect(entries.map((e) => e.action)).toEqual(['demote', 'promote']);
    expect(skipped).toBe(1);
    expect((await readFile(file, 'utf8')).startsWith('{"id"')).toBe(true); // the file was not rewritten
  });

  it('skips lines that are JSON but not entries', async () => {
    await AuditLog.open(dir);
    const good = { id: 'a', time: '2025-01-01T00:00:00.000Z', action: 'grant', outcome: 'succeeded' };
    await writeFile(
      file,
      [JSON.stringify(good), '[]', 'null', JSON.stringify({ ...good, action: 'format-disk' }), JSON.stringify({ ...good, cluster: 7 }), ''].join('\n'),
    );
    const log = await AuditLog.open(dir);
    expect(await log.list()).toEqual({ entries: [good], skipped: 4 });
  });

  it('lists nothing before the first action, and creates no file', async () => {
    const log = await AuditLog.open(dir);
    expect(await log.list()).toEqual({ entries: [], skipped: 0 });
    expect(await readdir(join(dir, AUDIT_DIR))).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('keeps the folder and the file readable by the user only', async () => {
    const log = await AuditLog.open(dir);
    await log.append({ action: 'token-copy', outcome: 'succeeded', target: 'ops' });
    expect((await stat(join(dir, AUDIT_DIR))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('exports the filtered entries as JSON lines, oldest first, readable by the user only', async () => {
    const log = await AuditLog.open(dir);
    await log.append({ action: 'grant', outcome: 'succeeded', cluster: 'prod', target: 'alice' });
    await log.append({ action: 'grant', outcome: 'succeeded', cluster: 'dev', target: 'bob' });
    await log.append({ action: 'grant', outcome: 'failed', cluster: 'prod', target: 'carol' });
    await log.append({ action: 'label', outcome: 'succeeded', cluster: 'prod' });
    const out = join(dir, 'export.jsonl');
    expect(await log.export(out, { cluster: 'prod', action: 'grant' })).toBe(2);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.target)).toEqual(['alice', 'carol']);
    if (process.platform !== 'win32') expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([AUDIT_DIR, 'export.jsonl'].sort()); // no temporary file left
  });

  it('refuses an action it does not know rather than write it', async () => {
    const log = await AuditLog.open(dir);
    await expect(log.append({ action: 'format-disk' as AuditAction, outcome: 'succeeded' })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await log.list()).toEqual({ entries: [], skipped: 0 });
  });

  it('offers every action as a list a schema can be built from', () => {
    expect(AUDIT_ACTIONS).toContain('force-disconnect');
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(AUDIT_ACTIONS).toContain('distribution-sync');
  });
});
