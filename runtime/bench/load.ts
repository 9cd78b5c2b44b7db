/**
 * Runs `clients` concurrent loops of `op` for `seconds`, returning operations per second.
 * Any failed operation aborts the measurement: a benchmark of errors measures nothing.
 *
 * @example
 * ```ts
 * const perSecond = await measure(8, 5, async (client, i) => { await fetch(url); });
 * ```
 */
export async function measure(clients: number, seconds: number, op: (client: number, i: number) => Promise<void>): Promise<{ perSecond: number; count: number }> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let i = 0;
      while (performance.now() < deadline) {
        await op(client, i++);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: count / elapsed, count };
}
