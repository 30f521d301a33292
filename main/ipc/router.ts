/**
 * The router: every call from the renderer, whatever the transport (Electron
 * IPC, the preview bridge, the CLI, tests), goes through `call`, which
 *
 *   1. refuses a channel the contract does not declare,
 *   2. validates the arguments with the channel's schema (and applies its
 *      defaults), naming the offending field when they do not fit,
 *   3. runs the handler a feature registered, and
 *   4. wraps the outcome as `{ ok: true, result }` or `{ ok: false, error }`.
 *
 * An AppError reaches the renderer as it is (code, message, cluster). Any
 * other exception is a bug in Flotilla: the renderer gets INTERNAL with a
 * reference and no details (a stack or a driver's message could quote a
 * credential or a path it should not see); the details go to the log, which
 * redacts secrets.
 *
 * Checking *who* calls (the app's own frame, the bridge's secret) is the
 * transport's job; the router trusts nothing it is given.
 */
import { redactSecrets } from '../log.js';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  AppError,
  channels,
  events as eventSchemas,
  isChannel,
  type AppErrorDto,
  type ArgsIn,
  type Channel,
  type EventName,
  type EventPayload,
  type Result,
  type ResultOf,
} from '../../shared/contract/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { CallContext, EventSink, HandlerMap } from './types.js';

/** One event as transports forward it. */
export type RouterEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export interface Router {
  /**
   * Registers a feature's handlers. Each channel may be registered once:
   * a second registration is a wiring bug and throws at startup.
   */
  register<C extends Channel>(handlers: HandlerMap<C>): void;
  /**
   * Calls a channel with whatever a transport received (Electron IPC, the
   * preview bridge). Never rejects: every failure is `{ ok: false, error }`.
   */
  call(channel: unknown, rawArgs: unknown, ctx: CallContext): Promise<Result<unknown>>;
  /**
   * The same call, typed from the contract, for in-process callers (the CLI,
   * `npm run preview --lab`, tests). The arguments are still validated.
   */
  invoke<C extends Channel>(channel: C, args: ArgsIn<C>, ctx: CallContext): Promise<Result<ResultOf<C>>>;
  /** Where services emit events. */
  readonly events: EventSink;
  /** Transports listen here and forward events to their page; returns the unsubscribe function. */
  subscribe(listener: (event: RouterEvent) => void): () => void;
  /** Contract channels that no feature registered (the composition root checks this is empty). */
  unregistered(): Channel[];
}

export interface RouterOptions {
  log?: Logger;
  /**
   * Also check every result and event against the contract's schema, turning
   * a mismatch into INTERNAL. Default: in development (NODE_ENV is not
   * 'production' and CI is not set), where a handler that drifted from the
   * contract should fail loudly rather than confuse the renderer.
   */
  validateOutputs?: boolean;
}

/** Whether this process is a developer's run (not the packaged app, not CI). */
export function isDevelopment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'production' && !env.CI;
}

type AnyHandler = (args: unknown, ctx: CallContext) => unknown;

/** Creates an empty router; features `register` their handlers on it. */
export function createRouter(opts: RouterOptions = {}): Router {
  const log = opts.log ?? silentLogger;
  const validateOutputs = opts.validateOutputs ?? isDevelopment();
  const handlers = new Map<Channel, AnyHandler>();
  const listeners = new Set<(event: RouterEvent) => void>();

  function register<C extends Channel>(map: HandlerMap<C>): void {
    for (const name of Object.keys(map)) {
      if (!isChannel(name)) throw new Error(`Cannot register "${name}": the contract (shared/contract) declares no such channel.`);
      if (handlers.has(name)) throw new Error(`Channel "${name}" is registered twice; each channel belongs to exactly one feature.`);
      handlers.set(name, (map as unknown as Record<Channel, AnyHandler>)[name]);
    }
  }

  async function call(channel: unknown, rawArgs: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isChannel(channel)) {
      return fail('INVALID_ARGS', `Unknown channel ${describeChannel(channel)}: the page and Flotilla are out of step. Reload the window; if it persists, report it.`);
    }
    const handler = handlers.get(channel);
    if (!handler) {
      log.error('router: no handler registered', { channel });
      return fail('INTERNAL', `Flotilla cannot answer "${channel}" yet (no handler is registered). Please report it.`);
    }

    const spec = channels[channel];
    const parsed = (spec.args as z.ZodType).safeParse(rawArgs === undefined ? {} : rawArgs);
    if (!parsed.success) {
      return fail('INVALID_ARGS', `Invalid arguments for ${channel}: ${formatIssues(parsed.error.issues)}`);
    }

    let result: unknown;
    try {
      result = await handler(parsed.data, ctx);
    } catch (err) {
      if (err instanceof AppError) {
        log.debug('router: call failed', { channel, code: err.code, transport: ctx.transport });
        // Messages are built from what clusters and plugins said; a last pass keeps any credential in them out of the renderer.
        const dto = err.toDto();
        return { ok: false, error: { ...dto, message: redactSecrets(dto.message) } };
      }
      const ref = randomBytes(4).toString('hex');
      log.error(`router: ${channel} threw (reference ${ref}): ${describeThrown(err)}`, { channel, ref, transport: ctx.transport });
      return fail(
        'INTERNAL',
        `Something went wrong in Flotilla while handling ${channel} (reference ${ref}). The details are in Flotilla's log; please report it with that reference.`,
      );
    }

    if (validateOutputs) {
      const checked = (spec.result as z.ZodType).safeParse(result);
      if (!checked.success) {
        const detail = formatIssues(checked.error.issues);
        log.error(`router: the result of ${channel} does not match the contract: ${detail}`, { channel });
        return fail('INTERNAL', `The result of ${channel} does not match the contract (${detail}). This is a bug in Flotilla.`);
      }
    }
    return { ok: true, result };
  }

  const sink: EventSink = {
    emit(event, payload) {
      const schema = eventSchemas[event] as z.ZodType | undefined;
      if (!schema) {
        log.error('router: emit of an event the contract does not declare', { event: String(event) });
        return;
      }
      if (validateOutputs) {
        const checked = schema.safeParse(payload);
        if (!checked.success) {
          log.error(`router: event ${event} does not match the contract and was dropped: ${formatIssues(checked.error.issues)}`);
          return;
        }
      }
      const message = { event, payload } as RouterEvent;
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch (err) {
          // One broken transport (a closed window, a dead SSE stream) must not starve the others.
          log.warn(`router: an event listener failed on ${event}: ${describeThrown(err)}`);
        }
      }
    },
  };

  return {
    register,
    call,
    // Handlers are typed to return ResultOf<C> (and checked against the schema in development): the cast only names that type.
    invoke: ((channel, args, ctx) => call(channel, args, ctx)) as Router['invoke'],
    events: sink,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    unregistered() {
      return (Object.keys(channels) as Channel[]).filter((c) => !handlers.has(c));
    },
  };
}

function fail(code: AppErrorDto['code'], message: string): { ok: false; error: AppErrorDto } {
  return { ok: false, error: { code, message } };
}

/** A channel name as it may safely appear in a message: quoted, short, no control characters. */
function describeChannel(channel: unknown): string {
  if (typeof channel !== 'string') return `(a ${channel === null ? 'null' : typeof channel} instead of a name)`;
  const shown = channel.length > 64 ? `${channel.slice(0, 64)}…` : channel;
  return JSON.stringify(shown);
}

/** How a thrown value is written to the log (stack included: the log is redacted and stays on this machine). */
function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return `a non-Error value was thrown (${typeof err})`;
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** `source.kind: Invalid input …; selections[0].name: …` — the field first, then what is wrong with it. */
export function formatIssues(issues: readonly Issue[], max = 3): string {
  const parts = issues.slice(0, max).map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (issues.length > max) parts.push(`and ${issues.length - max} more`);
  return parts.join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the arguments)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
