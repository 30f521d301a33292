import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../main/cli/main.js';

describe("the CLI's command table", () => {
  it('loads, for each command, the module whose usage lines are that command’s', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.synopsis.length, entry.name).toBeGreaterThan(0);
      for (const line of command.synopsis) expect(line === entry.name || line.startsWith(`${entry.name} `), `${entry.name}: ${line}`).toBe(true);
    }
  });

  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
