/**
 * The channels that may hand a secret to the renderer are few, named, and
 * each one is a deliberate user action (and audited in main): any new one
 * must be added here on purpose.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channels, REVEALED_SECRET } from '../../../shared/contract/index.js';

function returnsRevealed(schema: z.ZodType): boolean {
  return JSON.stringify(z.toJSONSchema(schema, { unrepresentable: 'any' })).includes(JSON.stringify(REVEALED_SECRET));
}

describe('secrets the renderer may hold for a while', () => {
  it('come only from reveal, QR and revealed YAML, each marked as a revealed secret', () => {
    const revealing = Object.entries(channels)
      .filter(([, spec]) => returnsRevealed(spec.result as z.ZodType))
      .map(([name]) => name)
      .sort();
    expect(revealing).toEqual(['resources:reveal-yaml', 'tokens:qr', 'tokens:reveal']);
  });
});
