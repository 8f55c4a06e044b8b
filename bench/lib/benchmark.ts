// The shape of a benchmark module, and small helpers for printing figures.
export interface Benchmark {
  name: string;
  description: string;
  run: () => Promise<void>;
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Percentiles by nearest rank over the sorted samples (milliseconds). */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
  };
}

export const ms = (x: number) => x.toFixed(3).padStart(9);

export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}
