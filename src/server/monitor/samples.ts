/**
 * Resource samples for the dashboard's sparklines, taken from the agent's Prometheus /metrics:
 * the agent process's own CPU time and resident memory (prom-client's default process metrics).
 * Pure: parsing, CPU % from two readings, and a fixed-size ring per server.
 */
export type MetricReading = { at: number; cpuSeconds: number; rssBytes: number };
export type Sample = { at: number; cpuPercent: number | null; rssBytes: number };

/** The value of a metric without labels in Prometheus text format, or null. */
export function promValue(text: string, name: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const [key, value] = line.trim().split(/\s+/);
    if (key === name) {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
  }
  return null;
}

export function readingFrom(text: string, at: number): MetricReading | null {
  const cpu = promValue(text, "zlh_agent_process_cpu_seconds_total");
  const rss = promValue(text, "zlh_agent_process_resident_memory_bytes");
  if (cpu === null || rss === null) return null;
  return { at, cpuSeconds: cpu, rssBytes: rss };
}

/** CPU use between two readings as a percentage of one core; null when they cannot be compared. */
export function cpuPercent(prev: MetricReading | undefined, next: MetricReading): number | null {
  if (!prev || next.at <= prev.at || next.cpuSeconds < prev.cpuSeconds) return null;
  return Math.round(((next.cpuSeconds - prev.cpuSeconds) / ((next.at - prev.at) / 1000)) * 1000) / 10;
}

/** The last `size` samples of one server, oldest first. */
export class SampleRing {
  private readonly items: Sample[] = [];
  private last: MetricReading | undefined;
  constructor(readonly size = 60) {}

  push(r: MetricReading): Sample {
    const s: Sample = { at: r.at, cpuPercent: cpuPercent(this.last, r), rssBytes: r.rssBytes };
    this.last = r;
    this.items.push(s);
    if (this.items.length > this.size) this.items.shift();
    return s;
  }

  get lastAt(): number | undefined {
    return this.last?.at;
  }

  list(): Sample[] {
    return [...this.items];
  }
}
