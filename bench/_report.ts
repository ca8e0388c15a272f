/** Prints the one JSON line every benchmark ends with (see DESIGN.md: Benchmarks). */
export function report(r: {
  bench: string;
  ratio?: number;
  value?: number;
  unit: string;
  target: string;
  pass: boolean;
  [extra: string]: unknown;
}): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
