/**
 * A one-line progress bar on standard error, redrawn at most every 100 ms. Written here rather
 * than taken from a package: it is twenty lines, and the popular ones pull in several
 * dependencies for features (multi-bars, themes) we do not use. Silent when stderr is not a
 * terminal, so piped output and CI logs stay clean.
 */
export interface ProgressBar {
  update(done: number): void;
  finish(): void;
}

export function createProgressBar(
  total: number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  if (!stream.isTTY || total <= 1) return { update: () => {}, finish: () => {} };
  const width = 30;
  let lastDraw = 0;
  let done = 0;
  const draw = () => {
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    stream.write(`\r${label} ${bar} ${done}/${total} ${(ratio * 100).toFixed(0)}%`);
  };
  return {
    update(n) {
      done = n;
      const now = Date.now();
      if (now - lastDraw >= 100) {
        lastDraw = now;
        draw();
      }
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}

/** A one-line status on standard error for work of unknown size, redrawn at most every 100 ms. */
export function createProgressLine(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): { update(text: string): void; finish(): void } {
  if (!stream.isTTY) return { update: () => {}, finish: () => {} };
  let lastDraw = 0;
  let shown = '';
  return {
    update(text) {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      shown = `${label} ${text}`;
      stream.write(`\r${shown.padEnd(79)}`);
    },
    finish() {
      if (shown) stream.write('\n');
    },
  };
}
