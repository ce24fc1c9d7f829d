const unitsMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * A duration as typed in a flag, an environment variable or an admin API body: a whole number
 * and a unit, `500ms`, `45s`, `30m`, `12h`, `7d`, `2w`. Undefined when it is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const ms = Number(match[1]) * (unitsMs[match[2]] ?? Number.NaN);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
