import pino, { type Level, type Logger } from 'pino';

/** A pino line as the tests read it: its level number, message and whatever fields it bears. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * A logger whose lines are kept in order: parsed in `lines`, as written in `raw` (for a search of
 * the whole text, a secret that must not appear). `onLine` sees each parsed line as it comes.
 */
export function capturedLogs<Line = LogLine>(
  level: Level = 'info',
  onLine?: (line: Line) => void,
): { lines: Line[]; raw: string[]; logger: Logger } {
  const lines: Line[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level },
    {
      write(text: string) {
        raw.push(text);
        const line = JSON.parse(text) as Line;
        lines.push(line);
        onLine?.(line);
      },
    },
  );
  return { lines, raw, logger };
}
