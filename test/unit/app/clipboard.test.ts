/**
 * The Electron clipboard adapter writes the token and the platform's
 * concealment markers in one write (a second write would replace the
 * token). Electron itself cannot run here, so its clipboard is the one
 * stand-in: it keeps only the last write, as Electron's does.
 */
import { describe, expect, it, vi } from 'vitest';

const writes: Array<Record<string, unknown>[]> = [];
vi.mock('electron', () => ({
  ClipboardItem: class {
    constructor(readonly items: Record<string, unknown>) {}
  },
  clipboard: {
    write: async (items: Array<{ items: Record<string, unknown> }>) => void writes.push(items.map((i) => i.items)),
    readText: async () => '',
    clear: () => undefined,
  },
}));

const { electronClipboard, osFormat } = await import('../../../main/app/clipboard.js');

async function written(platform: NodeJS.Platform): Promise<Record<string, string>> {
  writes.length = 0;
  await electronClipboard(platform).writeSecret('the-token');
  expect(writes).toHaveLength(1);
  expect(writes[0]).toHaveLength(1);
  const out: Record<string, string> = {};
  for (const [type, value] of Object.entries(writes[0]![0]!)) {
    out[type] = typeof value === 'string' ? value : Buffer.from(await (value as Blob).arrayBuffer()).toString('hex');
  }
  return out;
}

describe('the Electron clipboard marks a token concealed, in the same write as the text', () => {
  it('macOS: org.nspasteboard.ConcealedType', async () => {
    expect(await written('darwin')).toEqual({ 'text/plain': 'the-token', [osFormat('org.nspasteboard.ConcealedType')]: '' });
  });

  it('Windows: excluded from clipboard monitors, history and the cloud clipboard', async () => {
    expect(await written('win32')).toEqual({
      'text/plain': 'the-token',
      [osFormat('ExcludeClipboardContentFromMonitorProcessing')]: '00000000',
      [osFormat('CanIncludeInClipboardHistory')]: '00000000',
      [osFormat('CanUploadToCloudClipboard')]: '00000000',
    });
  });

  it('Linux: the KDE password-manager hint', async () => {
    expect(await written('linux')).toEqual({ 'text/plain': 'the-token', [osFormat('x-kde-passwordManagerHint')]: Buffer.from('secret').toString('hex') });
  });
});
