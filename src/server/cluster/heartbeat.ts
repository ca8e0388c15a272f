import { randomUUID } from "node:crypto";
import { env } from "../../env";
import { db } from "../db/client";
import { logger } from "../log/logger";
import type { Service } from "../lifecycle";
import { instanceIdFrom } from "./instance";

/**
 * This process's row in PortalInstance, renewed every HEARTBEAT_MS. Other instances treat a row
 * older than DEAD_AFTER_MS as a dead process and hand its jobs back to the queue. Times are the
 * database's own (now()), so instances with skewed clocks agree.
 */
const log = logger.child({ module: "cluster.heartbeat" });
export const HEARTBEAT_MS = 3_000;
export const DEAD_AFTER_MS = 15_000;

/**
 * May this instance declare others dead? Only after its own heartbeats have succeeded for a whole
 * DEAD_AFTER_MS window: when the database was just unreachable, every instance's row is stale and
 * none of them is dead.
 */
export function maySweep(healthySince: number | null, now: number, deadAfterMs = DEAD_AFTER_MS): boolean {
  return healthySince !== null && now - healthySince >= deadAfterMs;
}

const g = globalThis as unknown as { __zlhRun?: { runId: string; healthySince: number | null; timer?: NodeJS.Timeout } };
const run = (g.__zlhRun ??= { runId: randomUUID(), healthySince: null });

export function runId(): string {
  return run.runId;
}

export function canJudgeOthers(now = Date.now()): boolean {
  return maySweep(run.healthySince, now);
}

async function beat(name: string): Promise<void> {
  try {
    await db.$executeRaw`INSERT INTO "PortalInstance" ("runId", "name") VALUES (${run.runId}, ${name})
      ON CONFLICT ("runId") DO UPDATE SET "heartbeatAt" = now()`;
    run.healthySince ??= Date.now();
  } catch (err) {
    if (run.healthySince !== null) log.warn({ err: (err as Error).message }, "heartbeat failed: database unreachable");
    run.healthySince = null;
  }
}

export const heartbeatService: Service = {
  name: "instance-heartbeat",
  async start() {
    const name = instanceIdFrom(env.ZLH_INSTANCE_ID, env.PORT);
    await beat(name);
    // Rows of processes gone for an hour are history.
    await db.$executeRaw`DELETE FROM "PortalInstance" WHERE "heartbeatAt" < now() - interval '1 hour'`.catch(() => 0);
    run.timer = setInterval(() => void beat(name), HEARTBEAT_MS);
    run.timer.unref();
  },
  async stop() {
    if (run.timer) clearInterval(run.timer);
    run.timer = undefined;
    // A clean stop hands its jobs back itself (pg-boss retries aborted handlers); the row can go.
    await db.$executeRaw`DELETE FROM "PortalInstance" WHERE "runId" = ${run.runId}`.catch(() => 0);
  },
};
