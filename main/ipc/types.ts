/**
 * What services implement to answer the contract's calls, and how they push
 * events. The router (router.ts) validates arguments before a handler runs,
 * so a handler receives parsed, defaulted arguments and may throw an
 * AppError, which reaches the renderer as `{ ok: false, error }`.
 */
import type { Args, Channel, ResultOf } from '../../shared/contract/index.js';

export interface CallContext {
  /** Which transport the call came through. */
  transport: 'electron' | 'preview' | 'cli' | 'test';
}

export type Handler<C extends Channel> = (args: Args<C>, ctx: CallContext) => Promise<ResultOf<C>> | ResultOf<C>;

/** Handlers for a subset of channels: each feature exports one of these. */
export type HandlerMap<C extends Channel> = { [K in C]: Handler<K> };

export type { EventSink } from '../events.js';
