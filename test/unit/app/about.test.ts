/**
 * The About section's data: the checked-in license list matches
 * package-lock.json, holds the production dependencies and none of the
 * development ones, and the versions say where Flotilla runs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { about } from '../../../main/about/about.js';
// @ts-expect-error — a build script in plain JavaScript, without types
import { generateAbout, productionPackages } from '../../../build/gen-about.mjs';

const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string }> };

describe('About', () => {
  it('has a license list that is current with package-lock.json (run node build/gen-about.mjs if not)', async () => {
    expect(await generateAbout({ check: true })).toBe(true);
  });

  it('lists the production dependencies with their licenses, and no development tool', () => {
    const { licenses } = about('0.1.0');
    const names = new Set(licenses.map((l) => l.name));
    for (const dep of ['@kubernetes/client-node', 'react', 'zod', 'zustand', 'yaml', 'keytar']) expect(names.has(dep), dep).toBe(true);
    for (const dev of ['electron', 'vite', 'typescript', 'vitest', 'esbuild', 'playwright-core']) expect(names.has(dev), dev).toBe(false);
    expect(licenses.find((l) => l.name === 'react')?.license).toBe('MIT');
  });

  it('takes client-node\'s version from the lockfile, and says when it does not run in Electron', () => {
    const a = about('0.1.0', { node: '22.1.0' } as NodeJS.ProcessVersions);
    expect(a.versions).toEqual({ flotilla: '0.1.0', electron: null, node: '22.1.0', clientNode: lock.packages['node_modules/@kubernetes/client-node']?.version });
    expect(about('0.1.0', { node: '22.1.0', electron: '45.6.0' } as NodeJS.ProcessVersions).versions.electron).toBe('45.6.0');
  });

  it('follows nested node_modules the way Node resolves them', () => {
    const fake = {
      packages: {
        '': { dependencies: { a: '^1' } },
        'node_modules/a': { version: '1.0.0', license: 'MIT', dependencies: { b: '^2' } },
        'node_modules/a/node_modules/b': { version: '2.0.0', license: 'ISC' },
        'node_modules/b': { version: '1.0.0', license: 'MIT', dev: true },
        'node_modules/devtool': { version: '9.0.0', license: 'MIT', dev: true },
      },
    };
    expect(productionPackages(fake)).toEqual([
      { name: 'a', version: '1.0.0', license: 'MIT' },
      { name: 'b', version: '2.0.0', license: 'ISC' },
    ]);
  });
});
