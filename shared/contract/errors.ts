/**
 * Errors as values across the process boundary: a code the UI can branch on,
 * a message a person can act on, and the cluster it concerns.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_ARGS', // the renderer sent something the schema refuses (a bug, or a hostile page)
  'NOT_FOUND', // the cluster, scan or file named no longer exists
  'KEYCHAIN_UNAVAILABLE', // no OS keychain (e.g. no Secret Service on Linux)
  'KUBECONFIG_INVALID', // not YAML, not a kubeconfig, dangling references
  'FILE_UNREADABLE', // missing, unreadable, too large or binary
  'CONFLICT', // e.g. a name already taken
  'UNREACHABLE', // refused, reset, no route
  'DNS', // the server's host name does not resolve
  'TLS', // certificate not trusted, expired, wrong host
  'TIMEOUT',
  'UNAUTHORIZED', // 401: credentials refused or expired
  'FORBIDDEN', // 403: RBAC says no
  'EXEC_PLUGIN', // an exec credential plugin failed or is missing
  'SERVER', // the API server answered 5xx or something unexpected
  'UNSUPPORTED', // not possible in this mode (e.g. a file dialog in preview)
  'INTERNAL', // a bug in Flotilla: the message says what happened
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  /** The cluster (display name) the error concerns, if any. */
  cluster: z.string().optional(),
});
export type AppErrorDto = z.infer<typeof AppErrorSchema>;

/** What every call returns. */
export type Result<T> = { ok: true; result: T } | { ok: false; error: AppErrorDto };

/** An error thrown in main that reaches the renderer as it is. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly cluster?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toDto(): AppErrorDto {
    return { code: this.code, message: this.message, ...(this.cluster ? { cluster: this.cluster } : {}) };
  }
}
