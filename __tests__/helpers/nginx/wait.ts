/** Bounded waiting, so a hung nginx or agent fails a test instead of stalling the run. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries `probe` until it returns a value or `ms` have passed; the last error is reported. */
export async function eventually<T>(probe: () => Promise<T>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await probe();
    } catch (error) {
      last = error;
      await sleep(50);
    }
  }
  throw new Error(`gave up after ${ms} ms waiting for ${what}: ${String(last)}`);
}
