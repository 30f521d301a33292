import { EventEmitter } from 'node:events';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { StatsCounter, fleetStats } from '../../../main/lab/stats.js';

/** Just what the counter reads of a TLS socket. */
function fakeSocket(): TLSSocket & { bytesWritten: number } {
  return Object.assign(new EventEmitter(), { bytesWritten: 0 }) as unknown as TLSSocket & { bytesWritten: number };
}

describe('StatsCounter', () => {
  it('counts requests by verb and protocol, and bytes of open and closed connections', () => {
    const c = new StatsCounter();
    const a = fakeSocket();
    const b = fakeSocket();
    c.connection(a, 'h1');
    c.connection(b, 'h2');
    c.request('h1', 'list');
    c.request('h2', 'watch');
    c.request('h2', 'list');
    a.bytesWritten = 100;
    b.bytesWritten = 40;
    a.emit('close');
    b.bytesWritten = 70;
    const s = c.snapshot('x', 1);
    expect(s.requests).toEqual({ total: 3, byProtocol: { h1: 1, h2: 2 }, byVerb: { list: 2, watch: 1 } });
    expect(s.connections).toEqual({ h1Sockets: { open: 0, opened: 1 }, h2Sessions: { open: 1, opened: 1 } });
    expect(s.bytesSent).toEqual({ total: 170, h1: 100, h2: 70 });
    expect(s.watches).toEqual({ open: 1 });
  });

  it('resets counters from now on: bytes a live connection wrote before the reset are not counted again', () => {
    const c = new StatsCounter();
    const live = fakeSocket();
    c.connection(live, 'h2');
    live.bytesWritten = 500;
    c.request('h2', 'get');
    c.reset();
    live.bytesWritten = 520;
    const s = c.snapshot('x', 0);
    expect(s.requests.total).toBe(0);
    expect(s.bytesSent).toEqual({ total: 20, h1: 0, h2: 20 });
    // Open stays open; opened counts from the reset.
    expect(s.connections.h2Sessions).toEqual({ open: 1, opened: 0 });
    live.emit('close');
    expect(c.snapshot('x', 0).bytesSent.h2).toBe(20);
  });
});

describe('fleetStats', () => {
  it('adds the clusters up', () => {
    const one = new StatsCounter();
    const two = new StatsCounter();
    one.request('h1', 'get');
    two.request('h2', 'get');
    two.request('h2', 'create');
    const s = fleetStats([one.snapshot('a', 1), two.snapshot('b', 2)]);
    expect(s.clusters.map((c) => c.cluster)).toEqual(['a', 'b']);
    expect(s.total.requests).toEqual({ total: 3, byProtocol: { h1: 1, h2: 2 }, byVerb: { create: 1, get: 2 } });
    expect(s.total.watches.open).toBe(3);
  });
});
