/**
 * How a `fleet:changed` event enters the rows: upserts replace rows by id,
 * removals drop them. Pure, so the ordering rules (an event older than what
 * the store holds is ignored) are tested without a store.
 */
import type { FleetChangedEvent, FleetRow } from '../../shared/contract/index.js';

export type RowsById = Readonly<Record<string, FleetRow>>;

/** The rows after the event; the same object when the event changes nothing. */
export function mergeFleetChange(rows: RowsById, event: Pick<FleetChangedEvent, 'upserts' | 'removed'>): RowsById {
  if (event.upserts.length === 0 && !event.removed.some((id) => id in rows)) return rows;
  const next: Record<string, FleetRow> = { ...rows };
  for (const id of event.removed) delete next[id];
  for (const row of event.upserts) next[row.id] = row;
  return next;
}

/** Whether an event carries news: versions increase with every change, so older ones are stale. */
export function isNewer(eventVersion: number, storeVersion: number): boolean {
  return eventVersion > storeVersion;
}

export function rowsFromList(rows: readonly FleetRow[]): Record<string, FleetRow> {
  const byId: Record<string, FleetRow> = {};
  for (const r of rows) byId[r.id] = r;
  return byId;
}

/** Drops ids that are no longer rows from a set of ticked ids (same object when nothing goes). */
export function pruneIds(ids: Readonly<Record<string, true>>, rows: RowsById): Readonly<Record<string, true>> {
  const gone = Object.keys(ids).filter((id) => !(id in rows));
  if (gone.length === 0) return ids;
  const next = { ...ids };
  for (const id of gone) delete next[id];
  return next;
}
