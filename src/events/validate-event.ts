import { checkEnvelope } from './check-envelope.js';
import { eventShapeFor } from './event-shapes.js';
import type { WireEvent } from './event-types.js';
import { EventValidationError, typeName } from './event-validation-error.js';
import type { EventFieldIssue } from './event-validation-error.js';
import type { FieldSpec, FieldType, Shape } from './field-spec.js';

/** Options of {@link validateEvent} and {@link findEventIssues}. */
export interface ValidateEventOptions {
  /** Check `data` against the shape documented for the event's name. @defaultValue true */
  data?: boolean;
  /**
   * Reject string values outside the documented set (a connection `state`, a directory
   * `type` …). Off by default: WorkOS adds values before SDKs list them.
   * @defaultValue false
   */
  strictEnums?: boolean;
  /** Reject names outside the 91 known ones. @defaultValue false */
  knownNamesOnly?: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(spec: FieldSpec, strictEnums: boolean): string {
  let expected: string = spec.type;
  if (spec.type === 'array' && (spec.items !== undefined || spec.shape !== undefined)) {
    expected = `array of ${spec.items ?? 'object'}`;
  }
  if (strictEnums && spec.values !== undefined) {
    expected = `one of ${spec.values.map((v) => `'${v}'`).join(', ')}`;
  }
  return spec.nullable ? `${expected} | null` : expected;
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'unknown':
      return true;
    default:
      return typeof value === type;
  }
}

function checkShape(
  shape: Shape,
  value: Record<string, unknown>,
  path: string,
  strictEnums: boolean,
  issues: EventFieldIssue[],
): void {
  for (const spec of shape.fields) {
    const v = value[spec.wire];
    const p = `${path}.${spec.wire}`;
    if (v === undefined) {
      if (!spec.optional)
        issues.push({ path: p, expected: describe(spec, strictEnums), received: 'undefined' });
      continue;
    }
    if (v === null && spec.nullable) continue;
    if (!hasType(v, spec.type)) {
      issues.push({ path: p, expected: describe(spec, strictEnums), received: typeName(v) });
      continue;
    }
    if (strictEnums && spec.values !== undefined && !spec.values.includes(v as string)) {
      issues.push({ path: p, expected: describe(spec, true), received: JSON.stringify(v) });
    } else if (spec.type === 'object' && spec.shape !== undefined) {
      checkShape(spec.shape, v as Record<string, unknown>, p, strictEnums, issues);
    } else if (spec.type === 'array') {
      checkItems(spec, v as unknown[], p, strictEnums, issues);
    }
  }
}

function checkItems(
  spec: FieldSpec,
  items: unknown[],
  path: string,
  strictEnums: boolean,
  issues: EventFieldIssue[],
): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const p = `${path}[${i}]`;
    if (spec.shape !== undefined) {
      if (isPlainObject(item)) checkShape(spec.shape, item, p, strictEnums, issues);
      else issues.push({ path: p, expected: 'object', received: typeName(item) });
    } else if (spec.items !== undefined && !hasType(item, spec.items)) {
      issues.push({ path: p, expected: spec.items, received: typeName(item) });
    }
  }
}

/**
 * Every problem with `value` as a WorkOS event, without throwing: the envelope first (if it is
 * broken, `data` is not looked at), then `data` against the name's documented shape. Extra
 * fields are never a problem; unknown names are not either unless `knownNamesOnly`.
 */
export function findEventIssues(
  value: unknown,
  options: ValidateEventOptions = {},
): EventFieldIssue[] {
  try {
    checkEnvelope(value);
  } catch (error) {
    if (error instanceof EventValidationError) return [...error.issues];
    throw error;
  }
  return dataIssues(value as WireEvent, options);
}

function dataIssues(wire: WireEvent, options: ValidateEventOptions): EventFieldIssue[] {
  const entry = eventShapeFor(wire.event);
  if (entry === undefined) {
    return options.knownNamesOnly
      ? [{ path: 'event', expected: 'a known event name', received: JSON.stringify(wire.event) }]
      : [];
  }
  if (options.data === false) return [];
  const issues: EventFieldIssue[] = [];
  checkShape(entry.shape, wire.data, 'data', options.strictEnums ?? false, issues);
  return issues;
}

/**
 * `value` as a {@link WireEvent} if it is one, else an {@link EventValidationError} naming every
 * bad field (`data.email: expected string | null, received number`). Pure: nothing is changed.
 *
 * @throws EventValidationError with code `not_json_object`, `invalid_envelope`, `invalid_data`
 *   or `unknown_event`.
 */
export function validateEvent(value: unknown, options: ValidateEventOptions = {}): WireEvent {
  const wire = checkEnvelope(value);
  const issues = dataIssues(wire, options);
  if (issues.length > 0) {
    const code = issues[0]!.path === 'event' ? 'unknown_event' : 'invalid_data';
    throw new EventValidationError(code, issues);
  }
  return wire;
}
