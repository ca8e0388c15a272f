import type { PrismaClient } from "../../generated/prisma/client";
import { DOWNSAMPLED_SECONDS, SAMPLE_SECONDS } from "./figures";

/**
 * History retention: 30-second rows older than a day become one 5-minute row per server (averages;
 * players take the maximum, limits the latest), rows older than 30 days go. One transaction, and
 * the cut-off sits on a 5-minute boundary, so every bucket it folds is complete and a rerun (or a
 * second portal instance) changes nothing.
 */
export const RAW_KEEP_MS = 24 * 60 * 60_000;
export const HISTORY_KEEP_MS = 30 * 24 * 60 * 60_000;

export type RetentionResult = { downsampled: number; created: number; pruned: number };

export async function applyRetention(db: PrismaClient, now: Date): Promise<RetentionResult> {
  const bucketMs = DOWNSAMPLED_SECONDS * 1000;
  const cutoff = new Date(Math.floor((now.getTime() - RAW_KEEP_MS) / bucketMs) * bucketMs);
  const oldest = new Date(now.getTime() - HISTORY_KEEP_MS);
  return db.$transaction(async (tx) => {
    const created = await tx.$executeRaw`
      insert into "ServerSample" ("serverId", "at", "seconds", "cpuPercent", "memoryBytes", "memoryLimitBytes", "diskBytes", "diskTotalBytes", "players", "maxPlayers")
      select "serverId",
             to_timestamp(floor(extract(epoch from "at") / ${DOWNSAMPLED_SECONDS}) * ${DOWNSAMPLED_SECONDS}) at time zone 'UTC',
             ${DOWNSAMPLED_SECONDS}::int,
             avg("cpuPercent"),
             round(avg("memoryBytes"))::bigint,
             (array_agg("memoryLimitBytes" order by "at" desc))[1],
             round(avg("diskBytes"))::bigint,
             (array_agg("diskTotalBytes" order by "at" desc))[1],
             max("players"),
             (array_agg("maxPlayers" order by "at" desc))[1]
        from "ServerSample"
       where "seconds" = ${SAMPLE_SECONDS} and "at" < ${cutoff}
       group by 1, 2
      on conflict ("serverId", "at", "seconds") do nothing`;
    const downsampled = await tx.$executeRaw`delete from "ServerSample" where "seconds" = ${SAMPLE_SECONDS} and "at" < ${cutoff}`;
    const pruned = await tx.$executeRaw`delete from "ServerSample" where "at" < ${oldest}`;
    return { downsampled, created, pruned };
    // A day's fold for many servers is a large statement; a busy start-up may wait for a connection.
  }, { maxWait: 30_000, timeout: 120_000 });
}
