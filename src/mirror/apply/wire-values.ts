import { MirrorEventError } from '../errors.js';
import type { EntityTable } from './entity-tables.js';

/** A JSON object as parsed from the wire. */
export type WireObject = Record<string, unknown>;

/** Where an object came from, for error messages. */
export interface WireContext {
  eventId: string;
  event: string;
  /** e.g. `data` or `data.user`. */
  path: string;
}

function fail(ctx: WireContext, message: string): never {
  throw new MirrorEventError(
    'invalid_event_data',
    `${ctx.event} ${ctx.eventId}: ${ctx.path}${message}`,
    ctx.eventId,
  );
}

export function wireObject(value: unknown, ctx: WireContext): WireObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(ctx, ' must be an object');
  }
  return value as WireObject;
}

export function requiredId(obj: WireObject, key: string, ctx: WireContext): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') {
    fail(ctx, `.${key} must be a non-empty string`);
  }
  return value;
}

function textValue(obj: WireObject, key: string, ctx: WireContext): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(ctx, `.${key} must be a string`);
}

function booleanValue(obj: WireObject, key: string, ctx: WireContext): boolean | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  return fail(ctx, `.${key} must be a boolean`);
}

function jsonValue(obj: WireObject, key: string): string | null {
  const value = obj[key];
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Columns computed from the wire object instead of copied from the key of the same name. */
export type Derived = Readonly<Record<string, (obj: WireObject) => string | null>>;

/** The upsert params for one object: id, ...columns, created_at, updated_at, raw, version. */
export function entityParams(
  spec: EntityTable,
  obj: WireObject,
  version: string,
  ctx: WireContext,
  derived: Derived = {},
): unknown[] {
  const params: unknown[] = [requiredId(obj, 'id', ctx)];
  for (const column of spec.columns) {
    const derive = derived[column];
    if (derive) params.push(derive(obj));
    else if (spec.json.has(column)) params.push(jsonValue(obj, column));
    else if (spec.booleans.has(column)) params.push(booleanValue(obj, column, ctx));
    else params.push(textValue(obj, column, ctx));
  }
  params.push(
    textValue(obj, 'created_at', ctx),
    textValue(obj, 'updated_at', ctx),
    JSON.stringify(obj),
    version,
  );
  return params;
}
