import { CliError, exitCodes } from './exit-codes.js';

type Json = Record<string, unknown>;

/**
 * Apply `path=value` to an event: a dotted path into the wire (snake_case) event, e.g.
 * `data.email=ada@example.com` or `data.groups.0.name=Admins`. The value is parsed as JSON
 * when it is valid JSON (`data.state="inactive"`, `data.groups=[]`, `data.custom_attributes={}`),
 * else taken as a string.
 */
export function applySet(event: Json, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) {
    throw new CliError(
      `--set expects path=value (for example data.email=ada@example.com), got "${assignment}"`,
      exitCodes.usage,
    );
  }
  const path = assignment.slice(0, eq).split('.');
  const rawValue = assignment.slice(eq + 1);
  let value: unknown = rawValue;
  try {
    value = JSON.parse(rawValue);
  } catch {
    // Not JSON: a plain string.
  }
  if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw new CliError(`--set: invalid path "${assignment.slice(0, eq)}"`, exitCodes.usage);
  }
  let node: unknown = event;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const container = node as Json;
    const next = container[key];
    if (next === null || typeof next !== 'object') {
      container[key] = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
    }
    node = container[key];
  }
  (node as Json)[path[path.length - 1] as string] = value;
}

/** Merge `patch` into `target`: objects merge key by key, anything else (arrays too) replaces. */
export function deepMerge(target: Json, patch: Json): Json {
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__' || key === 'constructor') continue;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) {
      deepMerge(current, value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
