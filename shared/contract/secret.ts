/**
 * A secret value the renderer may hold for a while: a join token the user
 * chose to reveal, or a QR code that encodes one. Every such value crosses
 * the boundary in this one shape, marked in its schema, so that
 * - the renderer's store knows to drop it on its timer and when the screen
 *   changes (renderer/store/revealed.slice.ts), and
 * - a test can list every channel that returns one (none may do so unless
 *   the user asked, and each is audited).
 * Any other secret (cluster credentials, S3 keys) never crosses at all.
 */
import { z } from 'zod';

/** The description that marks a revealed-secret schema. */
export const REVEALED_SECRET = 'flotilla:revealed-secret';

/** How long a revealed value may stay on screen. */
export const REVEAL_MS = 30_000;

export const RevealedSecretSchema = z
  .object({
    value: z.string(),
    /** The renderer drops the value this long after it arrived (and on any screen change before that). */
    maskAfterMs: z.number().int().positive(),
  })
  .describe(REVEALED_SECRET);
export type RevealedSecret = z.infer<typeof RevealedSecretSchema>;
