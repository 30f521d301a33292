import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labRuntimeDir, runningLabs, writeLabRecord, type LabRecord } from '../../../main/lab/runtime-records.js';

let base: string;
let dir: string;
const record = (pid: number, startedAt = new Date().toISOString()): LabRecord => ({
  pid,
  url: 'http://127.0.0.1:1',
  token: 't',
  kubeconfig: `/k/${pid}`,
  clusters: 3,
  startedAt,
});

/** A pid no process has now: that of a process that has just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'lab-records-'));
  dir = join(base, 'flotilla-lab');
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('lab runtime records', () => {
  it('live under $XDG_RUNTIME_DIR when there is one, in a private temp folder otherwise', () => {
    expect(labRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/flotilla-lab');
    expect(labRuntimeDir({})).toBe(join(tmpdir(), `flotilla-lab-${process.getuid?.() ?? 'user'}`, 'run'));
  });

  it('a written record is found, in a 0700 folder as a 0600 file, and is gone once removed', async () => {
    const remove = await writeLabRecord(record(process.pid), dir);
    expect(runningLabs(dir)).toEqual([{ ...record(process.pid, runningLabs(dir)[0].startedAt), processStart: expect.stringMatching(/^\d+$/) }]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, `${process.pid}.json`)).mode & 0o777).toBe(0o600);
    remove();
    remove();
    expect(runningLabs(dir)).toEqual([]);
  });

  it('the record of a process that is gone is ignored and removed; unreadable files are skipped', async () => {
    await writeLabRecord(record(process.pid), dir);
    const dead = deadPid();
    writeFileSync(join(dir, `${dead}.json`), JSON.stringify(record(dead)));
    writeFileSync(join(dir, '123.json'), '{not json');
    expect(runningLabs(dir).map((r) => r.pid)).toEqual([process.pid]);
    expect(readdirSync(dir).sort()).toEqual(['123.json', `${process.pid}.json`].sort());
  });

  it('the record of a lab whose pid another process has since been given is ignored and removed', async () => {
    // What a lab that had this pid before, and started at another time, would have left behind.
    await writeLabRecord(record(process.pid), dir);
    const path = join(dir, `${process.pid}.json`);
    const written = JSON.parse(readFileSync(path, 'utf8')) as LabRecord;
    writeFileSync(path, JSON.stringify({ ...written, processStart: String(Number(written.processStart) + 1) }));
    expect(runningLabs(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('live records come oldest first', async () => {
    await writeLabRecord(record(process.pid, '2026-01-02T00:00:00.000Z'), dir);
    await writeLabRecord(record(process.ppid, '2026-01-01T00:00:00.000Z'), dir);
    expect(runningLabs(dir).map((r) => r.pid)).toEqual([process.ppid, process.pid]);
  });

  it('a folder others can read is neither written nor read', async () => {
    await writeLabRecord(record(process.pid), dir);
    chmodSync(dir, 0o755);
    expect(runningLabs(dir)).toEqual([]);
    await expect(writeLabRecord(record(process.pid), dir)).rejects.toThrow(`${dir} is open to other users (mode 755)`);
  });

  it('no folder yet: no labs', () => {
    expect(runningLabs(join(base, 'none'))).toEqual([]);
  });
});
