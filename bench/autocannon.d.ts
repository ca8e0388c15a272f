// The parts of autocannon (which ships no types) that the benchmarks use.
declare module "autocannon" {
  type Histogram = { average: number; mean: number; p50: number; p90: number; p99: number; max: number };
  export type Result = { requests: Histogram; latency: Histogram; throughput: Histogram; errors: number; timeouts: number; non2xx: number };
  export type Options = { url: string; connections?: number; duration?: number; pipelining?: number; headers?: Record<string, string> };
  export default function autocannon(opts: Options): Promise<Result>;
}
