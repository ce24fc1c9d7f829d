// One table per data shape drives deserialization, validation and sample generation, so the
// three cannot drift apart. Tables are built once at module load; nothing here allocates
// closures per call.

/** JSON type a field must have (before `nullable`). `unknown` accepts anything. */
export type FieldType = 'string' | 'boolean' | 'number' | 'object' | 'array' | 'unknown';

/**
 * How a field reaches the deserialized object, mirroring each SDK 11.0.0 serializer:
 * - `copy`: always present, `undefined` when missing on the wire (the SDK's plain assignment);
 * - `ifDefined`: omitted when `undefined` (the SDK's `...(x !== undefined && { x })`);
 * - `ifTruthy`: omitted when falsy (the SDK's `...(x && { x })`, e.g. membership `roles`);
 * - `orNull` / `orEmptyObject` / `orFalse`: `?? null`, `?? {}`, `?? false`;
 * - `date`: `new Date(value)` (the SDK's `group.*` serializer);
 * - `constant`: a fixed value whatever the wire says (the SDK hard-codes a few `object`s);
 * - `nested` / `nestedIfDefined`: through `shape` (item by item for an `array` field);
 * - `convert`: through `convert`.
 */
export type OutputRule =
  | 'copy'
  | 'ifDefined'
  | 'ifTruthy'
  | 'orNull'
  | 'orEmptyObject'
  | 'orFalse'
  | 'date'
  | 'constant'
  | 'nested'
  | 'nestedIfDefined'
  | 'convert';

export interface FieldSpec {
  /** Key on the wire (snake_case). */
  readonly wire: string;
  /** Key in the deserialized object (camelCase). */
  readonly key: string;
  readonly type: FieldType;
  /** `null` is a valid value. */
  readonly nullable: boolean;
  /** The key may be absent. */
  readonly optional: boolean;
  /** Known values of a string field (checked only with `strictEnums`). */
  readonly values?: readonly string[];
  /** Shape of an object field, or of each item of an array field. */
  readonly shape?: Shape;
  /** Type of each item of an array field without a `shape`. */
  readonly items?: FieldType;
  readonly out: OutputRule;
  readonly constant?: unknown;
  readonly convert?: (value: unknown) => unknown;
}

export interface Shape {
  /** For messages and docs, e.g. `DirectoryUser`. */
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** Prefix of `id` values, for sample events (`directory_user`, `org` …). */
  readonly idPrefix?: string;
}

type FieldOptions = Partial<Omit<FieldSpec, 'wire' | 'type'>>;

function camel(wire: string): string {
  return wire.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function field(wire: string, type: FieldType, options: FieldOptions = {}): FieldSpec {
  return {
    key: camel(wire),
    nullable: false,
    optional: false,
    out: 'copy',
    ...options,
    wire,
    type,
  };
}

/** Field constructors, so each table reads like the SDK interface it mirrors. */
export const f = {
  str: (wire: string, options?: FieldOptions) => field(wire, 'string', options),
  nstr: (wire: string, options?: FieldOptions) =>
    field(wire, 'string', { nullable: true, ...options }),
  oneOf: (wire: string, values: readonly string[], options?: FieldOptions) =>
    field(wire, 'string', { values, ...options }),
  bool: (wire: string, options?: FieldOptions) => field(wire, 'boolean', options),
  num: (wire: string, options?: FieldOptions) => field(wire, 'number', options),
  obj: (wire: string, options?: FieldOptions) => field(wire, 'object', options),
  arr: (wire: string, options?: FieldOptions) => field(wire, 'array', options),
  any: (wire: string, options?: FieldOptions) => field(wire, 'unknown', options),
  /** `created_at` and `updated_at`, the tail of most shapes. */
  timestamps: () => [field('created_at', 'string'), field('updated_at', 'string')],
};

export function shape(name: string, fields: readonly FieldSpec[], idPrefix?: string): Shape {
  return idPrefix === undefined ? { name, fields } : { name, fields, idPrefix };
}

// The SDK reads fields off whatever it is given: a string or an array yields an object of
// `undefined`s, and only `null`/`undefined` (or a non-array where it calls `.map`) make it throw
// a TypeError. We do the same, except that where it would throw we keep the value as sent.
function nestedOne(s: Shape, value: unknown): unknown {
  return value === null || value === undefined
    ? value
    : deserializeShape(s, value as Record<string, unknown>);
}

function nestedEach(s: Shape, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = nestedOne(s, value[i]);
  return out;
}

/** The deserialized (camelCase) copy of `wire` under `s`: only the table's fields, SDK rules. */
export function deserializeShape(s: Shape, wire: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = s.fields;
  for (let i = 0; i < fields.length; i++) {
    const spec = fields[i]!;
    const value = wire[spec.wire];
    switch (spec.out) {
      case 'copy':
        out[spec.key] = value;
        break;
      case 'ifDefined':
        if (value !== undefined) out[spec.key] = value;
        break;
      case 'ifTruthy':
        if (value) out[spec.key] = value;
        break;
      case 'orNull':
        out[spec.key] = value ?? null;
        break;
      case 'orEmptyObject':
        out[spec.key] = value ?? {};
        break;
      case 'orFalse':
        out[spec.key] = value ?? false;
        break;
      case 'date':
        out[spec.key] = new Date(value as string);
        break;
      case 'constant':
        out[spec.key] = spec.constant;
        break;
      case 'nested':
        out[spec.key] =
          spec.type === 'array' ? nestedEach(spec.shape!, value) : nestedOne(spec.shape!, value);
        break;
      case 'nestedIfDefined':
        if (value !== undefined) out[spec.key] = nestedOne(spec.shape!, value);
        break;
      case 'convert':
        out[spec.key] = spec.convert!(value);
        break;
    }
  }
  return out;
}
