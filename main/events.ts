/**
 * Where services emit their typed events (`fleet:changed`, `join:progress`,
 * …). The router implements it and forwards to every transport; services
 * depend on this interface only, never on the IPC layer.
 */
import type { EventName, EventPayload } from '../shared/contract/index.js';

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
