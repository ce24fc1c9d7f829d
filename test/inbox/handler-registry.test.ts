// The worker's claim reads every due event whole at once only while no event has a handler of its
// own (`HandlerBatching.onlyCollects`): the mirror alone. A user handler, registered or removed at
// any time, turns it off and on again, and the names it covers stop being collected.
import { describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../src/inbox/handler-registry.js';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';

describe('the mirror chained with the user handlers', () => {
  it('only collects while the user has no handler, by name or for every event', () => {
    const user = new HandlerRegistry();
    const batching = resolveMirror(true).chain(user).batching!;
    expect(batching.onlyCollects?.()).toBe(true);
    expect(batching.perEvent('dsync.user.created')).toEqual([]);

    const off = user.on('dsync.user.created', () => {});
    expect(batching.onlyCollects?.()).toBe(false);
    expect(batching.perEvent('dsync.user.created')).toHaveLength(1);
    expect(batching.perEvent('dsync.group.created')).toEqual([]);
    off();
    expect(batching.onlyCollects?.()).toBe(true);

    const offAny = user.onAny(() => {});
    expect(batching.onlyCollects?.()).toBe(false);
    expect(batching.perEvent('organization.created')).toHaveLength(1);
    offAny();
    expect(batching.onlyCollects?.()).toBe(true);
  });

  it('a registry is empty until a handler is registered, and again once every one is removed', () => {
    const registry = new HandlerRegistry();
    expect(registry.isEmpty()).toBe(true);
    const offA = registry.on('dsync.user.created', () => {});
    const offB = registry.on('dsync.user.created', () => {});
    expect(registry.isEmpty()).toBe(false);
    offA();
    expect(registry.isEmpty()).toBe(false);
    offB();
    expect(registry.isEmpty()).toBe(true);
  });
});
