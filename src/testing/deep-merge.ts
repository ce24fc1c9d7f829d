/**
 * Every field optional, recursively. Arrays are replaced, not merged; an `undefined` value
 * removes the key (to test events with a field missing).
 */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `overrides` merged in place, recursively into plain objects. Returns `base`. */
export function deepMergeInto(
  base: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  for (const key of Object.keys(overrides)) {
    // Overrides may come from parsed JSON: never let one reach a prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const value = overrides[key];
    if (value === undefined) {
      delete base[key];
    } else if (isPlainObject(value) && isPlainObject(base[key])) {
      deepMergeInto(base[key], value);
    } else {
      base[key] = isPlainObject(value) || Array.isArray(value) ? structuredClone(value) : value;
    }
  }
  return base;
}
