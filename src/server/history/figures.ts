import { z } from "zod";
import { promValue } from "../monitor/samples";

/**
 * What one history row holds, read from an agent's GET /status: the container's own figures (the
 * `container` section, from its cgroup and interfaces) and the game's players. Where the section
 * is null (unisolated provider, which shares the portal's cgroup) or missing (an older agent), the
 * agent's own process figures from /metrics stand in.
 * Pure: parsing, and CPU percent from two cumulative readings.
 */
export type Figures = {
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  diskBytes: number | null;
  diskTotalBytes: number | null;
  players: number | null;
  maxPlayers: number | null;
};

/** Cumulative CPU time of one server at one moment (the previous cycle's, to compute percent). */
export type CpuReading = { at: number; usageSeconds: number };

const num = z.number().finite().nonnegative();
export const containerStatsSchema = z
  .object({
    cpu: z.object({ usageSeconds: num.nullable().optional(), percent: num.nullable().optional() }).loose().optional(),
    memory: z.object({ usedBytes: num.nullable().optional(), limitBytes: num.nullable().optional() }).loose().optional(),
    disk: z.object({ usedBytes: num.nullable().optional(), totalBytes: num.nullable().optional() }).loose().nullable().optional(),
  })
  .loose();

const playersSchema = z.object({ online: z.number().int().nonnegative(), max: z.number().int().nonnegative().nullable().optional() }).loose();
const statusFiguresSchema = z
  .object({
    container: containerStatsSchema.nullable().optional(),
    players: playersSchema.nullable().optional(),
  })
  .loose();

/** CPU use between two cumulative readings, percent of one core; null when not comparable. */
export function cpuPercentBetween(prev: CpuReading | undefined, next: CpuReading): number | null {
  if (!prev || next.at <= prev.at || next.usageSeconds < prev.usageSeconds) return null;
  return Math.round(((next.usageSeconds - prev.usageSeconds) / ((next.at - prev.at) / 1000)) * 1000) / 10;
}

/**
 * The figures of one server from its /status body (and /metrics text when the container section is
 * missing). Returns the CPU reading to keep for the next cycle.
 */
export function figuresFrom(status: unknown, metricsText: string | null, at: number, prev: CpuReading | undefined): { figures: Figures; cpu: CpuReading | undefined } {
  const parsed = statusFiguresSchema.safeParse(status);
  const s = parsed.success ? parsed.data : {};
  const players = s.players ?? null;
  const base = { players: players?.online ?? null, maxPlayers: players?.max ?? null };
  const c = s.container;
  if (c) {
    const usage = c.cpu?.usageSeconds;
    const cpu = typeof usage === "number" ? { at, usageSeconds: usage } : undefined;
    // The agent's own percent covers only the time since anyone last read /status (the live page
    // polls it too); the counter gives the average over the whole sampling interval.
    const between = cpu ? cpuPercentBetween(prev, cpu) : null;
    return {
      figures: {
        ...base,
        cpuPercent: between ?? c.cpu?.percent ?? null,
        memoryBytes: c.memory?.usedBytes ?? null,
        memoryLimitBytes: c.memory?.limitBytes ?? null,
        diskBytes: c.disk?.usedBytes ?? null,
        diskTotalBytes: c.disk?.totalBytes ?? null,
      },
      cpu,
    };
  }
  const cpuSeconds = metricsText ? promValue(metricsText, "zlh_agent_process_cpu_seconds_total") : null;
  const rss = metricsText ? promValue(metricsText, "zlh_agent_process_resident_memory_bytes") : null;
  const cpu = cpuSeconds !== null ? { at, usageSeconds: cpuSeconds } : undefined;
  return {
    figures: { ...base, cpuPercent: cpu ? cpuPercentBetween(prev, cpu) : null, memoryBytes: rss, memoryLimitBytes: null, diskBytes: null, diskTotalBytes: null },
    cpu,
  };
}

/** The start of the 30-second slot a moment falls in: every portal instance writes the same key. */
export const SAMPLE_SECONDS = 30;
export const DOWNSAMPLED_SECONDS = 300;

export function slotStart(at: number, seconds = SAMPLE_SECONDS): Date {
  return new Date(Math.floor(at / (seconds * 1000)) * seconds * 1000);
}
