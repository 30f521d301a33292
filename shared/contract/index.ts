/**
 * The contract between renderer and main: every call, its argument schema
 * and its result schema, and every event. The preload, the router, the
 * renderer's client, the preview bridge and the CLI are all typed from here.
 */
import type { z } from 'zod';
import { appChannels } from './app.js';
import { FleetChangedEventSchema, fleetChannels } from './fleet.js';
import { kubeconfigChannels } from './kubeconfig.js';
import { distributionChannels } from './distribution.js';
import { ClipboardEventSchema, JoinProgressEventSchema, McProgressEventSchema, multiclusterChannels } from './multicluster.js';
import { LabStatusSchema } from './app.js';

export * from './errors.js';
export * from './app.js';
export * from './fleet.js';
export * from './kubeconfig.js';
export * from './multicluster.js';
export * from './distribution.js';
export * from './secret.js';

export const channels = {
  ...appChannels,
  ...fleetChannels,
  ...kubeconfigChannels,
  ...multiclusterChannels,
  ...distributionChannels,
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** What the renderer passes (before defaults are applied). */
export type ArgsIn<C extends Channel> = z.input<Channels[C]['args']>;
/** What a handler receives (after validation and defaults). */
export type Args<C extends Channel> = z.output<Channels[C]['args']>;
export type ResultOf<C extends Channel> = z.output<Channels[C]['result']>;

export const events = {
  'fleet:changed': FleetChangedEventSchema,
  'lab:changed': LabStatusSchema,
  'join:progress': JoinProgressEventSchema,
  'mc:progress': McProgressEventSchema,
  'clipboard:changed': ClipboardEventSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}
