import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../../shared/contract/bridge.js';
import { events } from '../../../shared/contract/index.js';

describe('the bridge contract', () => {
  it("lists exactly the contract's events (the preload relies on this list to accept subscriptions)", () => {
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
  });
});
