// Shared by the event conformance tests: both deserializers fed the same signed bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { WorkOS } from '../../src/compat/index.js';
import { eventShapeFor } from '../../src/events/event-shapes.js';
import type { Shape } from '../../src/events/field-spec.js';
import { signatureHeader } from '../../src/signature/sign.js';

const secret = 'whsec_conformance';
const sdk = new SdkWorkOS({ clientId: 'client_x' });
const compat = new WorkOS({ clientId: 'client_x' });

/** What SDK 11.0.0 and our compat `WorkOS` return for the same signed body. */
export async function constructWithBoth(
  wire: unknown,
): Promise<{ sdkEvent: unknown; compatEvent: unknown }> {
  const body = JSON.stringify(wire);
  const sigHeader = signatureHeader(body, secret, Date.now());
  const sdkEvent: unknown = await sdk.webhooks.constructEvent({ payload: body, sigHeader, secret });
  const compatEvent: unknown = await compat.webhooks.constructEvent({
    payload: body,
    sigHeader,
    secret,
  });
  return { sdkEvent, compatEvent };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function eachTabledObject(
  shape: Shape,
  value: Record<string, unknown>,
  visit: (shape: Shape, value: Record<string, unknown>) => void,
): void {
  visit(shape, value);
  for (const spec of shape.fields) {
    if (!spec.shape) continue;
    const v = value[spec.wire];
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) if (isPlainObject(item)) eachTabledObject(spec.shape, item, visit);
  }
}

/** Visits `data` and every nested object its table describes. */
export function forEachTabledObject(
  name: string,
  data: Record<string, unknown>,
  visit: (shape: Shape, value: Record<string, unknown>) => void,
): void {
  const entry = eventShapeFor(name);
  if (entry) eachTabledObject(entry.shape, data, visit);
}

/** The event names in SDK 11.0.0's `Event` union, read from its published type declarations. */
export function sdkUnionEventNames(): string[] {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@workos-inc/node');
  const dir = entry.slice(0, entry.lastIndexOf('/'));
  // The declarations live in a hashed chunk next to the entry point.
  const chunk = readdirSync(dir).find((f) => f.startsWith('factory-') && f.endsWith('.d.cts'));
  const text = readFileSync(`${dir}/${chunk}`, 'utf8');
  const union = /\ntype Event = ([^;]+);/.exec(text)?.[1] ?? '';
  const names: string[] = [];
  for (const member of union.split('|').map((m) => m.trim())) {
    const match = new RegExp(`interface ${member} extends EventBase \\{\\s*event: '([^']+)'`).exec(
      text,
    );
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}
