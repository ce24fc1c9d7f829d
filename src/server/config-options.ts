import { defaults, shownDefault } from '../defaults.js';
import type { DefaultEntry, FlagKey } from '../defaults.js';

/**
 * The `serve` / `work` settings: the entries of {@link defaults} that have a flag. The CLI
 * registers flags from this list and `resolveServeConfig` reads it, so the help text, the docs'
 * configuration table and the behaviour cannot drift apart. Add a setting in src/defaults.ts.
 */
export interface ConfigOption {
  /** The key in the raw flag record (commander's camelCase attribute name). */
  key: RawConfigKey;
  /** As written on the command line, e.g. `--port <number>`. */
  flag: string;
  env: string;
  /** Shown in `--help` (`shownDefault` of the entry, without markdown). */
  defaultText: string;
  description: string;
  /** Only for `serve` (the HTTP side); `work` ignores it. */
  serveOnly?: boolean;
  /** Only for `work`. */
  workOnly?: boolean;
  /** The flag may be given several times; the values are joined with commas. */
  repeatable?: boolean;
}

export type RawConfigKey = FlagKey;

/** Raw values as strings (flags or environment), before validation. */
export type RawConfig = Partial<Record<RawConfigKey, string>>;

export const configOptions: readonly ConfigOption[] = Object.entries(
  defaults as Record<string, DefaultEntry>,
).flatMap(([key, entry]) =>
  entry.flag === undefined || entry.env === undefined
    ? []
    : [
        {
          key: key as RawConfigKey,
          flag: entry.flag,
          env: entry.env,
          defaultText: shownDefault(entry).replaceAll('`', ''),
          description: entry.description,
          ...(entry.command === 'serve' ? { serveOnly: true } : {}),
          ...(entry.command === 'work' ? { workOnly: true } : {}),
          ...(entry.repeatable ? { repeatable: true } : {}),
        },
      ],
);
