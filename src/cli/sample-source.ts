import { randomBytes } from 'node:crypto';
import { eventNames, isKnownEventName } from '../events/index.js';
import type { WireEvent } from '../events/index.js';
import { sampleEvent } from '../testing/sample-event.js';
import { generateDirectoryHistory } from '../testing/directory-history.js';
import { mulberry32 } from '../testing/seeded-random.js';

/**
 * A realistic directory history (organizations, directories, users created, updated,
 * inactivated and deleted, groups, memberships, a directory deletion), shuffled as an
 * unordered delivery would be, with about 10% of the events delivered twice.
 * Without a seed, a random one and times starting half an hour ago: playing it again adds new
 * events. With a seed, the exact events of `generateDirectoryHistory({ seed })` in the same
 * shuffled order, so a test can compare the mirror with that history's final state.
 */
export async function scenarioEvents(name: string, seed: number | undefined): Promise<WireEvent[]> {
  if (name !== 'directory-sync') throw new Error(`unknown scenario ${name}`);
  const history =
    seed === undefined
      ? generateDirectoryHistory({
          seed: randomBytes(4).readUInt32BE() + 1,
          start: new Date(Date.now() - 30 * 60_000),
        })
      : generateDirectoryHistory({ seed });
  const rand = mulberry32(seed ?? randomBytes(4).readUInt32BE());
  const events = [...history.events];
  for (const event of history.events) if (rand() < 0.1) events.push(event);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [events[i], events[j]] = [events[j] as WireEvent, events[i] as WireEvent];
  }
  return events;
}

/** Every name `trigger` can send: the SDK's 84 and the 7 subscribable extras. */
export function sampleEventNames(): string[] {
  return [...eventNames];
}

/**
 * A fresh realistic sample of `name` (the events area's `sampleEvent`), with a random seed
 * (new event and object ids, so each one is stored, not a duplicate) and `created_at` now.
 */
export function sampleWireEvent(name: string): WireEvent {
  if (!isKnownEventName(name)) throw new Error(`unknown event name ${name}`);
  return sampleEvent(name, {
    seed: randomBytes(4).readUInt32BE() + 1,
    createdAt: new Date(),
  }) as WireEvent;
}
