/**
 * What both benchmarks need: each size runs in a child process of its own
 * (a clean heap, an honest RSS), which prints its result as one
 * `RESULT {json}` line; and a description of the machine for the JSON report.
 */
import { spawn } from 'node:child_process';
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { onLines } from '../support/lines.js';

export const MB = 1024 * 1024;

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs `node <args>` and resolves with the JSON of its `RESULT …` line; every
 * other line it prints is passed on. Fails unless it exits 0 with a result.
 */
export function runChild<T>(args: string[], size: number): Promise<T> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let result: T | undefined;
    onLines(child.stdout, (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as T;
      else console.log(line);
    });
    child.on('exit', (code) => (code === 0 && result ? done(result) : fail(new Error(`the ${size}-cluster run failed (exit code ${code})`))));
  });
}

/** The machine the numbers were taken on. */
export function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(totalmem() / MB),
    freeMemoryMB: Math.round(freemem() / MB),
    loadAverage: loadavg().map((n) => round(n, 2)),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}
