import { randomBytes } from 'node:crypto';
import type { WireEvent } from '../events/index.js';
import { generateDirectoryHistory } from '../testing/directory-history.js';

/** Scenarios `trigger --scenario` can play. */
export const scenarioNames = ['directory-sync'] as const;

/**
 * A realistic directory history (organizations, directories, users created, updated,
 * inactivated and deleted, groups, memberships, a directory deletion), shuffled as an
 * unordered delivery would be, with about 10% of the events delivered twice.
 * Ids start from the current time, so playing the scenario again adds new events.
 */
export async function scenarioEvents(name: string, seed: number): Promise<WireEvent[]> {
  if (name !== 'directory-sync') throw new Error(`unknown scenario ${name}`);
  const history = generateDirectoryHistory({ seed, start: new Date(Date.now() - 30 * 60_000) });
  const rand = mulberry32(seed);
  const events = [...history.events];
  for (const event of history.events) if (rand() < 0.1) events.push(event);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [events[i], events[j]] = [events[j] as WireEvent, events[i] as WireEvent];
  }
  return events;
}

let samplesByName: Map<string, WireEvent> | undefined;

/** Sample wire events by name, taken from a generated directory history. */
function samples(): Map<string, WireEvent> {
  if (!samplesByName) {
    samplesByName = new Map();
    for (const event of generateDirectoryHistory({ seed: 7 }).events) {
      if (!samplesByName.has(event.event)) samplesByName.set(event.event, event);
    }
  }
  return samplesByName;
}

/** Every name `trigger` can send. */
export function sampleEventNames(): string[] {
  return [...samples().keys()].sort();
}

/**
 * A fresh sample of `name`: a new event id and `created_at` now, so each one is stored
 * (not a duplicate); `index` makes the object ids of `--count` events distinct too.
 */
export function sampleWireEvent(name: string, index: number): WireEvent {
  const base = samples().get(name);
  if (!base) throw new Error(`no sample for ${name}`);
  const event = structuredClone(base);
  const suffix = `${randomBytes(6).toString('hex').toUpperCase()}${index.toString(36).toUpperCase()}`;
  event.id = `event_${suffix}`;
  event.created_at = new Date().toISOString();
  const data = event.data as Record<string, unknown>;
  if (typeof data.id === 'string' && index > 0) data.id = `${data.id}_${index}`;
  return event;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
