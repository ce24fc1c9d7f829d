import { readFileSync } from 'node:fs';
import { parseDurationMs } from '../server/parse-duration.js';
import type { Destination, DestinationDefaults } from './destination.js';
import { DestinationSpecError, eventPatternShape } from './destination.js';
import { redactUrl } from './redact-url.js';

/**
 * Parse `--forward-to` / `WORKOS_INBOX_FORWARD_TO`: destinations separated by commas, each a URL
 * followed by `;key=value` settings:
 *
 * `https://app.example.com/webhooks;events=dsync.*,user.created;secret=env:APP_SECRET;timeout=5s`
 *
 * A comma followed by `http://` or `https://` starts the next destination, so `events=` can list
 * several patterns with commas. Settings: `name`, `events`, `secret` (`env:VAR`, `file:path` or
 * the value), `timeout`, `concurrency`, `rate` (attempts per second), `ordered`, `max-attempts`,
 * `backoff-base`, `backoff-cap` (durations with a unit: `500ms`, `5s`, `2m`, `1h`).
 *
 * Errors name the destination by its URL's origin and path (`redactUrl`) and the setting by its
 * key: never a `secret=` value, the URL's credentials or its query.
 */
export function parseDestinations(
  value: string,
  defaults: DestinationDefaults,
  env: NodeJS.ProcessEnv = process.env,
): Destination[] {
  const specs = value
    .split(/,(?=\s*https?:\/\/)/i)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const destinations = specs.map((spec, i) =>
    parseOne(
      spec,
      specs.length > 1 ? ` (destination ${i + 1} of ${specs.length})` : '',
      defaults,
      env,
    ),
  );
  const names = new Set<string>();
  for (const d of destinations) {
    if (names.has(d.name)) {
      throw new DestinationSpecError(
        `two destinations are named "${d.name}": give one of them name=<another name>`,
      );
    }
    names.add(d.name);
  }
  return destinations;
}

const keys = [
  'name',
  'events',
  'secret',
  'timeout',
  'concurrency',
  'rate',
  'ordered',
  'max-attempts',
  'backoff-base',
  'backoff-cap',
] as const;
type Key = (typeof keys)[number];

function parseOne(
  spec: string,
  position: string,
  defaults: DestinationDefaults,
  env: NodeJS.ProcessEnv,
): Destination {
  const [urlText = '', ...settings] = spec.split(';').map((s) => s.trim());
  const shown = redactUrl(urlText);
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new DestinationSpecError(`"${shown}" is not a URL${position}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DestinationSpecError(`"${shown}" must be an http:// or https:// URL${position}`);
  }
  const given = new Map<Key, string>();
  for (const setting of settings) {
    if (setting === '') continue;
    const eq = setting.indexOf('=');
    const keyText = (eq < 0 ? setting : setting.slice(0, eq)).trim();
    const key = keyText.toLowerCase();
    if (!(keys as readonly string[]).includes(key)) {
      // Shown only if it looks like a key: `;whsec_…` is a secret that lost its `secret=`.
      throw new DestinationSpecError(
        /^[a-z]+(-[a-z]+)*$/.test(keyText) && keyText.length <= 30
          ? `${shown}: unknown setting "${key}" (known: ${keys.join(', ')})`
          : `${shown}: unknown setting, not shown (it is not a setting's name and may be a ` +
              `value, such as a secret; settings are key=value, keys: ${keys.join(', ')})`,
      );
    }
    if (given.has(key as Key)) {
      // The second would silently win: `events=dsync.*;events=user.*` forwarded user.* only.
      throw new DestinationSpecError(
        `${shown}: ${key} is given twice${key === 'events' ? ' (list several patterns in one: events=dsync.*,user.*)' : ''}`,
      );
    }
    given.set(key as Key, eq < 0 ? 'true' : setting.slice(eq + 1).trim());
  }
  const where = (key: Key) => `${shown}: ${key}`;
  const whole = (key: Key, fallback: number, min: number, max: number): number => {
    const text = given.get(key);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new DestinationSpecError(`${where(key)} must be a whole number from ${min} to ${max}`);
    }
    return Number(text);
  };
  const duration = (key: Key, fallback: number, max: number): number => {
    const text = given.get(key);
    if (text === undefined) return fallback;
    // A bare number is refused rather than read in some unit: `timeout=5` meant as seconds would
    // time every attempt out after 5 ms.
    if (/^\s*\d+(\.\d+)?\s*$/.test(text)) {
      throw new DestinationSpecError(
        `${where(key)} needs a unit: ${key}=${text.trim()}s or ${key}=${text.trim()}ms (ms, s, m or h)`,
      );
    }
    const ms = parseDurationMs(text);
    if (ms === undefined || ms < 1 || ms > max) {
      throw new DestinationSpecError(
        `${where(key)} must be a whole number and a unit like 500ms, 5s, 2m or 1h (at most ${max} ms), got "${text}"`,
      );
    }
    return ms;
  };
  const events = (given.get('events') ?? '*')
    .split(/[,|]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const pattern of events) {
    if (!eventPatternShape.test(pattern)) {
      throw new DestinationSpecError(
        `${where('events')}: "${pattern}" is not an event name pattern (letters, digits, . _ - and *)`,
      );
    }
  }
  if (events.length === 0) throw new DestinationSpecError(`${where('events')} is empty`);
  const orderedText = given.get('ordered')?.toLowerCase();
  // The same words as the flags' booleans (WORKOS_INBOX_FORWARD_ORDERED=yes).
  const truthy = ['true', '1', 'yes', 'on'];
  if (orderedText !== undefined && ![...truthy, 'false', '0', 'no', 'off'].includes(orderedText)) {
    throw new DestinationSpecError(`${where('ordered')} must be true or false`);
  }
  const secret = resolveSecret(given.get('secret'), shown, env) ?? defaults.secret;
  if (secret === undefined || secret === '') {
    throw new DestinationSpecError(
      `${shown}: no secret to sign deliveries with: set the webhook secret (WORKOS_WEBHOOK_SECRET) or secret=env:VAR`,
    );
  }
  const rate = given.get('rate');
  const ratePerSecond = rate === undefined ? undefined : Number(rate);
  if (ratePerSecond !== undefined && (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0)) {
    throw new DestinationSpecError(
      `${where('rate')} must be a number of attempts per second above 0`,
    );
  }
  const name = given.get('name') ?? defaultName(url);
  if (name === '' || name.length > 200) {
    throw new DestinationSpecError(`${where('name')} must be 1 to 200 characters`);
  }
  const backoffBase = duration('backoff-base', defaults.backoff.baseMs, 3600_000);
  const backoffCap = duration(
    'backoff-cap',
    Math.max(defaults.backoff.capMs, backoffBase),
    7 * 24 * 3600_000,
  );
  if (backoffCap < backoffBase) {
    throw new DestinationSpecError(
      `${where('backoff-cap')} (${backoffCap} ms) must be at least backoff-base (${backoffBase} ms)`,
    );
  }
  return {
    name,
    url,
    secret,
    events,
    timeoutMs: duration('timeout', defaults.timeoutMs, 600_000),
    concurrency: whole('concurrency', defaults.concurrency, 1, 1000),
    ratePerSecond,
    ordered: orderedText === undefined ? defaults.ordered : truthy.includes(orderedText),
    maxAttempts: whole('max-attempts', defaults.maxAttempts, 1, 1000),
    backoff: { baseMs: backoffBase, capMs: backoffCap },
  };
}

/** The URL without user info, query or fragment: secrets in a URL stay out of the database. */
function defaultName(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** `shown` is the redacted URL; only `env:` / `file:` references are printed, never a value. */
function resolveSecret(
  text: string | undefined,
  shown: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (text === undefined) return undefined;
  if (text.startsWith('env:')) {
    const value = env[text.slice(4)];
    if (value === undefined || value === '') {
      throw new DestinationSpecError(`${shown}: secret=${text}, but ${text.slice(4)} is not set`);
    }
    return value;
  }
  if (text.startsWith('file:')) {
    try {
      return readFileSync(text.slice(5), 'utf8').trim();
    } catch (error) {
      throw new DestinationSpecError(
        `${shown}: secret=${text} cannot be read: ${(error as Error).message}`,
      );
    }
  }
  return text;
}
