import { z } from "zod";

/**
 * The "container" section of GET /status: the container's own figures from its cgroup (v1 or v2,
 * detected at run time) and its network interfaces. Null on the unisolated provider, where the
 * agent shares a cgroup with the portal. Counters (cpu.usageSeconds, net bytes, oomKills) only
 * grow while the container runs; rates are the reader's business (cpu.percent is since the
 * previous /status read).
 */
export const containerStatsSchema = z.object({
  source: z.enum(["cgroup-v1", "cgroup-v2"]),
  sampledAt: z.iso.datetime(),
  cpu: z.object({
    /** CPU time used by every process of the container, seconds (counter). */
    usageSeconds: z.number().nonnegative().nullable(),
    /** Percent of one core since the previous reading; null on the first. */
    percent: z.number().nonnegative().nullable(),
  }),
  memory: z.object({
    /** Usage minus inactive file cache (what `docker stats` shows). */
    usedBytes: z.number().int().nonnegative().nullable(),
    /** Usage including all page cache, as the limit counts it. */
    usageBytes: z.number().int().nonnegative().nullable(),
    limitBytes: z.number().int().positive().nullable(),
    /** OOM kills inside the container (counter). */
    oomKills: z.number().int().nonnegative().nullable(),
  }),
  pids: z.object({ current: z.number().int().nonnegative().nullable(), limit: z.number().int().positive().nullable() }),
  /** The filesystem holding the container's root, as `df /` inside shows it. */
  disk: z.object({ usedBytes: z.number().int().nonnegative(), totalBytes: z.number().int().nonnegative() }).nullable(),
  /** Summed over every interface but loopback (counters). */
  net: z.object({ rxBytes: z.number().int().nonnegative(), txBytes: z.number().int().nonnegative(), interfaces: z.array(z.string()) }).nullable(),
});
export type ContainerStats = z.infer<typeof containerStatsSchema>;
