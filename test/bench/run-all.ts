/**
 * `npm run bench`: runs every `*.bench.ts` in this folder, one after another,
 * each in its own process (through tsx, as `npm run bench:<name>` would), and
 * passes on any arguments (`npm run bench -- --sizes 50`). Benchmarks print
 * their figures and write them to bench-results/; a missed target is printed,
 * not failed. This exits non-zero only if a benchmark crashed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const HERE = import.meta.dirname;
const TSX = resolve(HERE, '../../node_modules/.bin/tsx');

function run(file: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(TSX, [join(HERE, file), ...args], { stdio: 'inherit' });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on('error', (err) => {
      console.error(`could not run ${file}: ${err.message}`);
      done(1);
    });
  });
}

const benches = readdirSync(HERE)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const failed: string[] = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const started = performance.now();
  const code = await run(file, process.argv.slice(2));
  console.log(`=== ${file}: ${code === 0 ? 'done' : `FAILED (exit code ${code})`} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0) failed.push(file);
}
console.log(`\n${benches.length - failed.length} of ${benches.length} benchmarks ran${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
