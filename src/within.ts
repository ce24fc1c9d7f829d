/** What {@link within} resolves to when the time ran out first. */
export const timedOut: unique symbol = Symbol('timed out');

/** `promise`'s value, or `timedOut` after `ms` (the promise keeps running). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
