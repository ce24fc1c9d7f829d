// Property: a random directory history at WorkOS, its events delivered in a random order (any of
// them late, before or after the snapshot), and a reconcile reading WorkOS's state at a random
// moment of that history, run at a random point of the deliveries: once every event is in, the
// mirror answers exactly WorkOS's final state. On SQLite and PostgreSQL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { mirrorTableNames } from '../../src/mirror/apply/entity-tables.js';
import { reconcile } from '../../src/reconcile/reconcile.js';
import type { Store } from '../../src/store/types.js';
import { useBackends } from '../store/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { StandInState, WireObject } from '../helpers/workos-api-stand-in-state.js';
import {
  at,
  directory,
  directoryGroup,
  directoryUser,
  organization,
} from '../helpers/workos-state-fixtures.js';
import { client, clockAt, mirrorList, openMirrorStore, standInList } from './helpers.js';

const backends = useBackends();
let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
});
afterAll(() => api.close());

interface Model {
  users: Map<string, WireObject>;
  groups: Map<string, WireObject>;
  /** `group|user` */
  members: Set<string>;
}

const op = fc.record({
  kind: fc.integer({ min: 0, max: 5 }),
  user: fc.integer({ min: 0, max: 2 }),
  group: fc.integer({ min: 0, max: 1 }),
  value: fc.integer({ min: 0, max: 3 }),
});

type Op = { kind: number; user: number; group: number; value: number };

const setup: Op[] = [
  ...[0, 1, 2].map((user) => ({ kind: 0, user, group: 0, value: 0 })),
  ...[0, 1].map((group) => ({ kind: 2, user: 0, group, value: 0 })),
];

/** Play the operations at WorkOS: its states after each one, and the events it sent. */
function play(ops: readonly Op[]): { states: Model[]; events: WireEvent[] } {
  const model: Model = { users: new Map(), groups: new Map(), members: new Set() };
  const gone = new Set<string>();
  const copy = (): Model => ({
    users: new Map(model.users),
    groups: new Map(model.groups),
    members: new Set(model.members),
  });
  const states = [copy()];
  const events: WireEvent[] = [];
  ops.forEach((o, i) => {
    const t = i + 1;
    const emit = (event: string, data: WireObject) =>
      events.push({
        id: `event_${String(t).padStart(4, '0')}`,
        event,
        created_at: at(t),
        data,
      } as WireEvent);
    const userId = `directory_user_${o.user}`;
    const groupId = `directory_group_${o.group}`;
    const user = model.users.get(userId);
    const group = model.groups.get(groupId);
    const key = `${groupId}|${userId}`;
    switch (o.kind) {
      case 0: {
        if (gone.has(userId)) break;
        const { groups: _, ...next } = directoryUser(userId, [], t, {
          directory_id: 'directory_1',
          first_name: `Name ${o.value}`,
          state: o.value === 3 ? 'inactive' : 'active',
          created_at: user ? user.created_at : at(t),
        });
        model.users.set(userId, next);
        emit(user ? 'dsync.user.updated' : 'dsync.user.created', next);
        break;
      }
      case 1:
        if (!user) break;
        model.users.delete(userId);
        gone.add(userId);
        for (const m of [...model.members]) if (m.endsWith(`|${userId}`)) model.members.delete(m);
        emit('dsync.user.deleted', { ...user, updated_at: at(t) });
        break;
      case 2: {
        if (gone.has(groupId)) break;
        const next = directoryGroup(groupId, 'directory_1', 'org_1', t, {
          name: `Group ${o.value}`,
          created_at: group ? group.created_at : at(t),
        });
        model.groups.set(groupId, next);
        emit(group ? 'dsync.group.updated' : 'dsync.group.created', next);
        break;
      }
      case 3:
        if (!group) break;
        model.groups.delete(groupId);
        gone.add(groupId);
        for (const m of [...model.members])
          if (m.startsWith(`${groupId}|`)) model.members.delete(m);
        emit('dsync.group.deleted', { ...group, updated_at: at(t) });
        break;
      case 4:
      case 5: {
        if (!user || !group || model.members.has(key) === (o.kind === 4)) break;
        if (o.kind === 4) model.members.add(key);
        else model.members.delete(key);
        emit(o.kind === 4 ? 'dsync.group.user_added' : 'dsync.group.user_removed', {
          directory_id: 'directory_1',
          user,
          group,
        });
        break;
      }
    }
    states.push(copy());
  });
  return { states, events };
}

/** WorkOS's list endpoints' view of a model. */
function stateOf(model: Model): StandInState {
  const groups = [...model.groups.values()];
  return {
    organizations: [organization('org_1')],
    directories: [directory('directory_1', 'org_1')],
    directoryGroups: groups,
    directoryUsers: [...model.users.values()].map((u) => ({
      ...u,
      groups: groups.filter((g) => model.members.has(`${String(g.id)}|${String(u.id)}`)),
    })),
    connections: [],
    users: [],
    organizationMemberships: [],
  };
}

describe.each(backends)('reconcile and events in any order on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await openMirrorStore(backend.fresh());
  });

  it('end equal to WorkOS final state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 4, maxLength: 24 }),
        fc.nat(),
        fc.array(fc.nat(), { minLength: 29, maxLength: 29 }),
        fc.nat(),
        async (randomOps, snapshotSeed, keys, runAtSeed) => {
          // Every user and group exists first, so memberships come and go often.
          const { states, events } = play([...setup, ...randomOps]);
          const k = snapshotSeed % states.length; // the snapshot reads the state after k operations
          // Delivery order: any permutation of the events.
          const order = events.map((e, i) => ({ e, r: keys[i]! }));
          order.sort((a, b) => a.r - b.r);
          const runAt = runAtSeed % (events.length + 1);
          await store.writeTransaction(async (tx) => {
            for (const table of mirrorTableNames) await tx.query(`DELETE FROM ${table}`);
          });
          const deliver = async (list: typeof order) => {
            for (const { e } of list) await store.writeTransaction((tx) => applyMirrorEvent(tx, e));
          };
          await deliver(order.slice(0, runAt));
          api.state = stateOf(states[k]!);
          // Its start is between operation k and k + 1.
          await reconcile({
            db: store,
            api: client(api),
            clock: clockAt(k + 0.5),
            clockMarginMs: 0,
          });
          await deliver(order.slice(runAt));
          api.state = stateOf(states.at(-1)!);
          for (const path of ['/directory_users', '/directory_groups']) {
            const query = { directory: 'directory_1' };
            expect(await mirrorList(store, path, query)).toEqual(
              await standInList(api, path, query),
            );
          }
        },
      ),
      { numRuns: backend.name === 'sqlite' ? 100 : 30 },
    );
  });
});
