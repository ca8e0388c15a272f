import { TRPCError } from "@trpc/server";
import { recordAudit } from "../audit/audit";
import { db } from "../db/client";

/**
 * pg-boss queues for the operator, read from its tables (schema "pgboss") so every queue shows,
 * whichever portal instance or area created it. A retry does what pg-boss's own retry() does
 * (state failed -> retry with one more attempt allowed), so it works from any instance.
 */
export type QueueSummary = { name: string; states: Record<string, number> };
export type FailedJob = { id: string; queue: string; createdOn: Date; completedOn: Date | null; retryCount: number; error: string; data: unknown };

async function hasPgBoss(): Promise<boolean> {
  const r = await db.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`;
  return r[0]?.ok === true;
}

export async function queueSummary(): Promise<QueueSummary[]> {
  if (!(await hasPgBoss())) return [];
  const rows = await db.$queryRaw<{ name: string; state: string; n: number }[]>`
    SELECT name, state::text AS state, count(*)::int AS n FROM pgboss.job GROUP BY name, state ORDER BY name`;
  const queues = await db.$queryRaw<{ name: string }[]>`SELECT name FROM pgboss.queue ORDER BY name`;
  const out = new Map<string, QueueSummary>(queues.map((q) => [q.name, { name: q.name, states: {} }]));
  for (const r of rows) {
    const q = out.get(r.name) ?? { name: r.name, states: {} };
    q.states[r.state] = r.n;
    out.set(r.name, q);
  }
  return [...out.values()];
}

/** The error a failed job recorded (pg-boss stores the thrown error as its output). */
export function jobError(output: unknown): string {
  if (output && typeof output === "object") {
    const o = output as Record<string, unknown>;
    if (typeof o.message === "string") return o.message.slice(0, 2000);
    return JSON.stringify(o).slice(0, 2000);
  }
  return output === null || output === undefined ? "(no error recorded)" : String(output).slice(0, 2000);
}

export async function failedJobs(input: { queue?: string; take?: number }): Promise<FailedJob[]> {
  if (!(await hasPgBoss())) return [];
  const take = Math.min(200, input.take ?? 50);
  const rows = input.queue
    ? await db.$queryRaw<{ id: string; name: string; created_on: Date; completed_on: Date | null; retry_count: number; output: unknown; data: unknown }[]>`
        SELECT id::text, name, created_on, completed_on, retry_count, output, data FROM pgboss.job
        WHERE state = 'failed' AND name = ${input.queue} ORDER BY completed_on DESC NULLS LAST LIMIT ${take}`
    : await db.$queryRaw<{ id: string; name: string; created_on: Date; completed_on: Date | null; retry_count: number; output: unknown; data: unknown }[]>`
        SELECT id::text, name, created_on, completed_on, retry_count, output, data FROM pgboss.job
        WHERE state = 'failed' ORDER BY completed_on DESC NULLS LAST LIMIT ${take}`;
  return rows.map((r) => ({ id: r.id, queue: r.name, createdOn: r.created_on, completedOn: r.completed_on, retryCount: r.retry_count, error: jobError(r.output), data: r.data }));
}

export async function retryJob(actor: { id: string; ip: string | null }, queue: string, id: string): Promise<void> {
  const n = await db.$executeRaw`
    UPDATE pgboss.job SET state = 'retry', retry_limit = retry_limit + 1
    WHERE name = ${queue} AND id = ${id}::uuid AND state = 'failed'`;
  if (n !== 1) throw new TRPCError({ code: "NOT_FOUND", message: "No such failed job (it may have been retried already)." });
  await recordAudit({ actorId: actor.id, action: "admin.job_retry", targetType: "job", targetId: id, ip: actor.ip, data: { queue } });
}
