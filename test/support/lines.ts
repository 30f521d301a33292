/** Calls `onLine` for each newline-terminated line of a stream: watch streams, child output. */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export function onLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity })
    .on('line', onLine)
    // readline re-emits the stream's errors (a cut watch: "aborted"); the stream's owner handles them.
    .on('error', () => undefined);
}
