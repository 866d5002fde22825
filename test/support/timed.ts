/** Runs `work` and prints how long it took (figures are printed, never asserted: see docs/benchmarks.md). */
export async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    console.log(`${what}: ${(performance.now() - start).toFixed(0)} ms`);
  }
}
