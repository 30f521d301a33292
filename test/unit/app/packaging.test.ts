/**
 * What the packaged app is built with: the fuses that keep other code out of
 * Flotilla's process, and the `flotilla` command that works with them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url);
const config = parse(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as Record<string, Record<string, unknown>>;

describe('the packaged binary', () => {
  it('has every fuse that runs other code in its process off, and ASAR integrity on', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('installs a flotilla command that runs the CLI through the app, not ELECTRON_RUN_AS_NODE', () => {
    for (const target of ['deb', 'rpm']) expect(config[target]).toMatchObject({ afterInstall: 'build/linux/after-install.sh', afterRemove: 'build/linux/after-remove.sh' });
    const script = readFileSync(new URL('build/linux/after-install.sh', root), 'utf8');
    expect(script).toContain('exec "/opt/Flotilla/flotilla" --cli "$@"');
    expect(script).not.toContain('ELECTRON_RUN_AS_NODE');
  });
});
