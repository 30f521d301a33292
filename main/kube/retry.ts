/**
 * When to retry a request a cluster answered with "not now", and how long
 * to wait: 429 Too Many Requests and 503 Service Unavailable always (the
 * server did not process the request), any other 5xx only when it carries
 * Retry-After, as client-go does. Retry-After (seconds or an HTTP date) is
 * honoured up to a cap; a server asking for longer gets no retry, and the
 * caller reports the error instead of sitting on it.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Longest single wait; a longer Retry-After ends the retries. */
  maxDelayMs: number;
  /** First backoff without Retry-After; doubles each attempt, with jitter. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, maxDelayMs: 10_000, baseDelayMs: 250 };

/** Parses Retry-After: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `attempt + 1` (attempt counts from 0), or
 * undefined when the answer is final. `random` is injectable for tests.
 */
export function retryDelayMs(
  status: number,
  retryAfter: string | string[] | undefined,
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxRetries) return undefined;
  const asked = parseRetryAfter(retryAfter);
  const retriable = status === 429 || status === 503 || (status >= 500 && asked !== undefined);
  if (!retriable) return undefined;
  if (asked !== undefined) return asked > policy.maxDelayMs ? undefined : asked;
  const backoff = policy.baseDelayMs * 2 ** attempt;
  return Math.min(policy.maxDelayMs, backoff + Math.floor(random() * policy.baseDelayMs));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
