import { db } from "../db/client";
import { logger } from "../log/logger";
import { DEAD_AFTER_MS, canJudgeOthers, runId } from "../cluster/heartbeat";

/**
 * Leases tie a running job to the portal process running it. A process killed mid-job (kill -9,
 * OOM, host loss) leaves its lease behind; once its heartbeat is stale another instance fails the
 * job back to pg-boss, which retries it right away (every pipeline step is idempotent), instead of
 * the job sitting "active" until pg-boss's 20-minute expiry.
 */
const log = logger.child({ module: "provisioning.leases" });

export async function takeLease(jobId: string, queue: string): Promise<void> {
  await db.jobLease.upsert({ where: { jobId }, create: { jobId, queue, runId: runId() }, update: { queue, runId: runId() } });
}

export async function releaseLease(jobId: string): Promise<void> {
  await db.jobLease.deleteMany({ where: { jobId, runId: runId() } }).catch(() => {});
}

/** Leases held by processes that stopped heartbeating (or whose row is gone). */
export async function orphanedLeases(deadAfterMs = DEAD_AFTER_MS): Promise<{ jobId: string; queue: string; runId: string }[]> {
  return db.$queryRaw`
    SELECT l."jobId", l."queue", l."runId" FROM "JobLease" l
    LEFT JOIN "PortalInstance" i ON i."runId" = l."runId"
    WHERE l."runId" <> ${runId()}
      AND (i."runId" IS NULL OR i."heartbeatAt" < now() - make_interval(secs => ${deadAfterMs / 1000}))`;
}

/** Hands every orphaned job back to its queue; `fail` is pg-boss's fail (retry while retries remain). */
export async function sweepOrphanedJobs(
  fail: (queue: string, jobId: string, reason: string) => Promise<void>,
  canJudge: () => boolean = canJudgeOthers,
): Promise<string[]> {
  if (!canJudge()) return [];
  const handed: string[] = [];
  for (const l of await orphanedLeases()) {
    // Deleting first makes the hand-back happen once even when several instances sweep together.
    const gone = await db.jobLease.deleteMany({ where: { jobId: l.jobId, runId: l.runId } });
    if (gone.count !== 1) continue;
    await fail(l.queue, l.jobId, "the portal process running it stopped");
    log.warn({ jobId: l.jobId, queue: l.queue, deadRun: l.runId }, "job handed back for retry: its portal process stopped");
    handed.push(l.jobId);
  }
  return handed;
}

/**
 * This process's own leases whose handler is no longer running: the handler ended while PostgreSQL
 * was unreachable, so neither pg-boss's completion nor the lease release could be written and the
 * job would sit "active" until its expiry. Failing it hands it back; a job that had in fact
 * finished is retried as a no-op (every step looks at what is already done), and one that pg-boss
 * did complete is left alone (fail only touches unfinished jobs).
 */
export async function sweepOwnLeftovers(
  running: ReadonlySet<string>,
  fail: (queue: string, jobId: string, reason: string) => Promise<void>,
): Promise<string[]> {
  const mine = await db.jobLease.findMany({ where: { runId: runId() } });
  const handed: string[] = [];
  for (const l of mine) {
    if (running.has(l.jobId)) continue;
    await fail(l.queue, l.jobId, "its handler ended while the database was unreachable");
    await db.jobLease.deleteMany({ where: { jobId: l.jobId, runId: runId() } });
    log.warn({ jobId: l.jobId, queue: l.queue }, "job handed back for retry: its end could not be recorded");
    handed.push(l.jobId);
  }
  return handed;
}

/**
 * Active jobs that nobody holds a lease on: a handler that could not even take its lease (the
 * database went away as the job was fetched). Past a grace period no process is running them.
 */
export async function sweepUnleased(
  queues: readonly string[],
  running: ReadonlySet<string>,
  fail: (queue: string, jobId: string, reason: string) => Promise<void>,
  canJudge: () => boolean = canJudgeOthers,
  graceSeconds = 30,
): Promise<string[]> {
  if (!canJudge()) return [];
  const rows = await db.$queryRaw<{ id: string; name: string }[]>`
    SELECT j.id::text AS id, j.name FROM pgboss.job j
    WHERE j.name = ANY(${[...queues]}) AND j.state = 'active' AND j.started_on < now() - make_interval(secs => ${graceSeconds})
      AND NOT EXISTS (SELECT 1 FROM "JobLease" l WHERE l."jobId" = j.id::text)`;
  const handed: string[] = [];
  for (const r of rows) {
    if (running.has(r.id)) continue;
    await fail(r.name, r.id, "no portal process held it");
    log.warn({ jobId: r.id, queue: r.name }, "job handed back for retry: nobody held it");
    handed.push(r.id);
  }
  return handed;
}
