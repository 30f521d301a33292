import { describe, expect, it } from 'vitest';
import { isNewer, mergeFleetChange, pruneIds, rowsFromList } from '../../../renderer/store/fleet-merge.js';
import { fleetRow } from './fixtures.js';

describe('merging fleet:changed into the rows', () => {
  const a = fleetRow('a');
  const b = fleetRow('b');

  it('replaces upserted rows by id and adds new ones', () => {
    const changed = { ...a, role: 'primary' as const };
    const next = mergeFleetChange(rowsFromList([a, b]), { upserts: [changed, fleetRow('c')], removed: [] });
    expect(Object.keys(next).sort()).toEqual(['id-a', 'id-b', 'id-c']);
    expect(next['id-a']?.role).toBe('primary');
    expect(next['id-b']).toBe(b);
  });

  it('drops removed rows and ignores removals of rows it never had', () => {
    const next = mergeFleetChange(rowsFromList([a, b]), { upserts: [], removed: ['id-a', 'id-zzz'] });
    expect(Object.keys(next)).toEqual(['id-b']);
  });

  it('returns the same object when nothing changes, so selectors do not re-render', () => {
    const rows = rowsFromList([a]);
    expect(mergeFleetChange(rows, { upserts: [], removed: ['id-nope'] })).toBe(rows);
  });

  it('does not modify the rows it was given', () => {
    const rows = rowsFromList([a, b]);
    mergeFleetChange(rows, { upserts: [fleetRow('c')], removed: ['id-a'] });
    expect(Object.keys(rows)).toEqual(['id-a', 'id-b']);
  });

  it('takes only events newer than what the store holds', () => {
    expect(isNewer(5, 4)).toBe(true);
    expect(isNewer(4, 4)).toBe(false);
    expect(isNewer(3, 4)).toBe(false);
    expect(isNewer(0, -1)).toBe(true);
  });

  it('forgets ticks of rows that went away', () => {
    const ticked = { 'id-a': true as const, 'id-gone': true as const };
    expect(pruneIds(ticked, rowsFromList([a]))).toEqual({ 'id-a': true });
    const kept = { 'id-a': true as const };
    expect(pruneIds(kept, rowsFromList([a]))).toBe(kept);
  });
});
