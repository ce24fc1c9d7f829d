import { describe, expectTypeOf, it } from 'vitest';
import type { EventOf } from '../../src/inbox/handler-registry.js';
import { HandlerRegistry } from '../../src/inbox/handler-registry.js';
import type { Event } from '../../src/events/index.js';

describe('handler typing', () => {
  it('narrows the event by name, and runs named handlers before catch-alls', () => {
    type Created = EventOf<'dsync.user.created'>;
    expectTypeOf<Created['event']>().toEqualTypeOf<'dsync.user.created'>();
    expectTypeOf<Created['data']['firstName']>().not.toBeAny();
    const registry = new HandlerRegistry();
    const order: string[] = [];
    registry.onAny(() => void order.push('any'));
    registry.on('dsync.user.created', (event) => {
      expectTypeOf(event).toEqualTypeOf<Created>();
      order.push('named');
    });
    const off = registry.on('dsync.user.created', () => void order.push('second'));
    off();
    const list = registry.handlersFor('dsync.user.created');
    expectTypeOf(list[0]!).parameter(0).toEqualTypeOf<unknown>();
    for (const h of list) void h({} as Event, {} as never);
    if (order.join(',') !== 'named,any') throw new Error(`order was ${order.join(',')}`);
    if (registry.handlersFor('connection.activated').length !== 1)
      throw new Error('catch-all missing');
  });

  it('accepts a handler that returns its query or any value (the result is awaited, then ignored)', () => {
    const registry = new HandlerRegistry();
    registry.on('dsync.user.deleted', (event, ctx) =>
      ctx.tx.query('DELETE FROM users WHERE id = $1', [event.data.id]),
    );
    registry.onAny(async (event, ctx) => ctx.tx.query('SELECT $1', [event.id]));
    registry.on('*', () => 1);
  });
});
