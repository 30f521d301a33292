/**
 * The command line's two kinds of failure and their exit codes (Unix
 * conventions): 2 when the command line itself is wrong — an unknown
 * command or option, a missing or malformed value, a name or URL that
 * cannot be valid, an unknown --context — and nothing was done; 1 when the
 * operation ran and failed (a cluster refused it, Kasten rejected a join, a
 * file could not be written). Success is 0.
 *
 * A field the CLI can check itself (a Kasten name, an S3 bucket name, a
 * frequency, a label selector) is checked before anything is sent, with the
 * service's own rules, and is a usage error naming the option (2). Every
 * refusal that comes back from a service is 1, whatever its code — its
 * INVALID_ARGS included (a value only the cluster can judge, such as an
 * export profile that is not on the primary): the operation was tried.
 *
 * Every message is written for a person: `main.ts` prints it as one line on
 * stderr, never with a stack.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    /** EXIT_FAILED or EXIT_USAGE; 130 after Ctrl-C. */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line is wrong; nothing was done. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** The operation was tried and failed. */
export class Failure extends CliError {
  constructor(message: string) {
    super(message, EXIT_FAILED);
  }
}
