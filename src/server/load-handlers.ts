import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { anyEventName } from '../inbox/handler-registry.js';
import { ConfigError } from './config.js';

/** A user handler as `--handlers` modules export it: called with the event and the handler context. */
export type LoadedHandler = (event: unknown, context: unknown) => unknown;

export interface LoadedHandlers {
  /** Event name → handler; `*` runs for every event. */
  byName: Map<string, LoadedHandler>;
}

/**
 * Import the `--handlers` module. Accepted shapes:
 * - `export default { 'dsync.user.created': async (event, ctx) => {…}, '*': async (event) => {…} }`
 * - named exports whose names are event names: `export { onUser as 'dsync.user.created' }`
 * Anything exported that is not a function is an error, so a typo fails at start, not silently.
 */
export async function loadHandlers(specifier: string): Promise<LoadedHandlers> {
  const url = existsSync(specifier) ? pathToFileURL(specifier).href : specifier;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const hint = specifier.endsWith('.ts')
      ? ' (a TypeScript module needs a loader: NODE_OPTIONS="--import tsx", or compile it to .js)'
      : '';
    throw new ConfigError(
      `--handlers: cannot load ${specifier}: ${(error as Error).message}${hint}`,
    );
  }
  const byName = new Map<string, LoadedHandler>();
  const add = (name: string, value: unknown, where: string) => {
    if (typeof value !== 'function') {
      throw new ConfigError(
        `--handlers ${specifier}: ${where} "${name}" must be a function (event, context) => Promise<void>`,
      );
    }
    byName.set(name, value as LoadedHandler);
  };
  const fallback = module.default;
  // A CommonJS module's named exports are what Node's lexer guessed from its source, a mirror of
  // `module.exports` (its default); it can guess wrong (`async 'dsync.user.created'(e) {}` is
  // read as an export named `async`, undefined). Then `module.exports` alone is the handlers.
  const commonJs =
    fallback !== null &&
    typeof fallback === 'object' &&
    Object.entries(module).every(
      ([name, value]) =>
        name === 'default' ||
        name === 'module.exports' ||
        value === undefined ||
        (fallback as Record<string, unknown>)[name] === value,
    );
  for (const [name, value] of Object.entries(module)) {
    if (name === 'default' || commonJs) continue;
    add(name, value, 'export');
  }
  if (fallback !== undefined) {
    if (typeof fallback === 'function') {
      add(anyEventName, fallback, 'default export');
    } else if (fallback !== null && typeof fallback === 'object') {
      for (const [name, value] of Object.entries(fallback)) add(name, value, 'default export key');
    } else {
      throw new ConfigError(
        `--handlers ${specifier}: the default export must be an object of event name → function`,
      );
    }
  }
  if (byName.size === 0) {
    throw new ConfigError(`--handlers ${specifier}: the module exports no handlers`);
  }
  return { byName };
}
