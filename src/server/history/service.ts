import type { PrismaClient } from "../../generated/prisma/client";
import { limitsFor } from "../billing/entitlements";
import { db } from "../db/client";
import { annotateScope } from "../log/request-scope";
import { getServerForUser } from "../provisioning/service";
import { RANGES, type HistoryRange } from "./ranges";

/**
 * A server's history for the server page's charts: points averaged into the range's buckets (players
 * take the maximum) and the limits to draw on them (the container's memory limit and the plan's
 * cap per server, the disk size, the game's player slots).
 */
export type HistoryPoint = { at: number; cpuPercent: number | null; memoryBytes: number | null; diskBytes: number | null; players: number | null };
export type HistoryLimits = { memoryBytes: number | null; planMemoryBytes: number | null; diskBytes: number | null; maxPlayers: number | null };
export type ServerHistory = { range: HistoryRange; bucketSeconds: number; from: number; to: number; points: HistoryPoint[]; limits: HistoryLimits };

type Row = { bucket: Date; cpu: number | null; mem: number | null; disk: number | null; players: number | null };
type LimitRow = { mem: number | null; disk: number | null; maxPlayers: number | null };

export async function serverHistory(db: PrismaClient, server: { id: string; userId: string; memoryMb: number }, range: HistoryRange, now: Date = new Date()): Promise<ServerHistory> {
  const { spanMs, bucketSeconds } = RANGES[range];
  const from = new Date(now.getTime() - spanMs);
  const rows = await db.$queryRaw<Row[]>`
    select to_timestamp(floor(extract(epoch from "at") / ${bucketSeconds}) * ${bucketSeconds}) as bucket,
           avg("cpuPercent")::float8 as cpu,
           avg("memoryBytes")::float8 as mem,
           avg("diskBytes")::float8 as disk,
           max("players")::float8 as players
      from "ServerSample"
     where "serverId" = ${server.id} and "at" >= ${from} and "at" <= ${now}
     group by 1 order by 1`;
  const [latest] = await db.$queryRaw<LimitRow[]>`
    select "memoryLimitBytes"::float8 as mem, "diskTotalBytes"::float8 as disk, "maxPlayers" as "maxPlayers"
      from "ServerSample" where "serverId" = ${server.id} order by "at" desc limit 1`;
  const plan = await limitsFor(server.userId);
  return {
    range,
    bucketSeconds,
    from: from.getTime(),
    to: now.getTime(),
    points: rows.map((r) => ({ at: r.bucket.getTime(), cpuPercent: round1(r.cpu), memoryBytes: roundInt(r.mem), diskBytes: roundInt(r.disk), players: roundInt(r.players) })),
    limits: {
      memoryBytes: latest?.mem ?? server.memoryMb * 1024 * 1024,
      planMemoryBytes: plan.memoryMbPerServer * 1024 * 1024,
      diskBytes: latest?.disk ?? null,
      maxPlayers: latest?.maxPlayers ?? null,
    },
  };
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const roundInt = (n: number | null) => (n === null ? null : Math.round(n));

/** The history of one of the user's servers (NOT_FOUND for anyone else's). */
export async function historyForUser(userId: string, serverId: string, range: HistoryRange): Promise<ServerHistory> {
  const server = await getServerForUser(userId, serverId);
  annotateScope({ serverId: server.id, vmid: server.vmid });
  return serverHistory(db, server, range);
}
