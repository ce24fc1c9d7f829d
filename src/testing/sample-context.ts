import type { KnownEventName } from '../events/index.js';
import { SeededRandom, ulid } from './seeded-random.js';

const firstNames = [
  'Blair',
  'Marcelina',
  'Todd',
  'Amara',
  'Kenji',
  'Lucía',
  'Noah',
  'Priya',
  'Sven',
  'Zoe',
];
const lastNames = [
  'Lunchford',
  'Davis',
  'Rundgren',
  'Okafor',
  'Tanaka',
  'García',
  'Schmidt',
  'Patel',
  'Berg',
  'Nguyen',
];
const companies = [
  ['Foo Corp', 'foo-corp.com'],
  ['Acme', 'acme.com'],
  ['Globex', 'globex.io'],
  ['Initech', 'initech.dev'],
  ['Umbrella Health', 'umbrella-health.org'],
  ['Hooli', 'hooli.xyz'],
] as const;

function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Everything one sample event shares, so its ids, names and emails agree with each other. */
export class SampleContext {
  readonly random: SeededRandom;
  readonly event: KnownEventName;
  /** `created_at` of the event, in ms. */
  readonly timeMs: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly company: string;
  readonly domain: string;
  readonly #ids = new Map<string, string>();

  constructor(event: KnownEventName, seed: number, timeMs: number) {
    // Mixing in the name keeps two events of one seed from sharing ids.
    this.random = new SeededRandom(seed ^ hashName(event));
    this.event = event;
    this.timeMs = timeMs;
    this.firstName = this.random.pick(firstNames);
    this.lastName = this.random.pick(lastNames);
    const [company, domain] = this.random.pick(companies);
    this.company = company;
    this.domain = domain;
  }

  get email(): string {
    const local = `${this.firstName}.${this.lastName}`.toLowerCase().normalize('NFD');
    return `${local.replace(/[^a-z.]/g, '')}@${this.domain}`;
  }

  /** The same id for the same prefix throughout one sample (`org_01H…`). */
  id(prefix: string): string {
    let id = this.#ids.get(prefix);
    if (id === undefined) {
      // Objects are older than the event about them.
      id = `${prefix}_${ulid(this.timeMs - this.random.int(60_000, 86_400_000), this.random)}`;
      this.#ids.set(prefix, id);
    }
    return id;
  }

  /** A fresh id each call. */
  newId(prefix: string): string {
    return `${prefix}_${ulid(this.timeMs, this.random)}`;
  }

  /** ISO time `offsetMs` from the event's time. */
  iso(offsetMs = 0): string {
    return new Date(this.timeMs + offsetMs).toISOString();
  }
}
