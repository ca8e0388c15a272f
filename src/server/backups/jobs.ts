import { setMaxListeners } from "node:events";
import PgBoss from "pg-boss";
import { logger } from "../log/logger";
import { runBackup, runRestore } from "./runner";
import { ensureQueue } from "../jobs/ensure-queue";

/**
 * Backups and restores as durable pg-boss jobs (schema "pgboss", like provisioning). A portal that
 * stops mid-backup aborts it (the store keeps nothing) and pg-boss retries it later; a restore is
 * not retried on its own (a person decides again).
 */
const log = logger.child({ module: "backups.jobs" });
export const BACKUP_QUEUE = "server-backup";
export const RESTORE_QUEUE = "server-restore";
const BACKUP_OPTS = { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 3 * 3600 } as const;
const RESTORE_OPTS = { retryLimit: 0, expireInSeconds: 3 * 3600 } as const;

type State = { boss: PgBoss; inflight: Set<AbortController>; workers: string[] };
const g = globalThis as unknown as { __zlhBackupJobs?: State };

export async function startBackupJobs(connectionString = process.env.DATABASE_URL): Promise<void> {
  if (g.__zlhBackupJobs) return;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start the database first");
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: 2, application_name: "zlh-backups" });
  boss.on("error", (err) => log.error({ err }, "backup job queue error"));
  await boss.start();
  await ensureQueue(boss, BACKUP_QUEUE, { policy: "standard", ...BACKUP_OPTS });
  await ensureQueue(boss, RESTORE_QUEUE, { policy: "standard", ...RESTORE_OPTS });
  const state: State = { boss, inflight: new Set(), workers: [] };
  const run = <T>(fn: (data: T, signal: AbortSignal, job: PgBoss.JobWithMetadata<T>) => Promise<void>) => async (jobs: PgBoss.JobWithMetadata<T>[]) => {
    for (const job of jobs) {
      const ac = new AbortController();
      setMaxListeners(0, ac.signal);
      state.inflight.add(ac);
      try {
        await fn(job.data, ac.signal, job);
      } finally {
        state.inflight.delete(ac);
      }
    }
  };
  const opts = { batchSize: 1, includeMetadata: true as const, pollingIntervalSeconds: 1 };
  state.workers.push(await boss.work<{ backupId: string }>(BACKUP_QUEUE, opts, run((d, signal, job) => runBackup(d.backupId, signal, { finalAttempt: job.retryCount >= job.retryLimit }))));
  state.workers.push(await boss.work<{ serverId: string; backupId: string }>(RESTORE_QUEUE, opts, run((d, signal) => runRestore(d.serverId, d.backupId, signal))));
  g.__zlhBackupJobs = state;
  log.info("backup jobs started");
}

export async function stopBackupJobs(): Promise<void> {
  const state = g.__zlhBackupJobs;
  if (!state) return;
  g.__zlhBackupJobs = undefined;
  for (const ac of state.inflight) ac.abort(new Error("portal shutting down"));
  await state.boss.stop({ graceful: true, timeout: 10_000, wait: true });
}

function boss(): State {
  const s = g.__zlhBackupJobs;
  if (!s) throw new Error("the backup job queue is not running");
  return s;
}

export async function enqueueBackup(backupId: string): Promise<void> {
  const s = boss();
  // The backup id is the singleton key: the same backup is never queued twice.
  await s.boss.send(BACKUP_QUEUE, { backupId }, { ...BACKUP_OPTS, singletonKey: backupId });
  for (const w of s.workers) s.boss.notifyWorker(w);
}

export async function enqueueRestore(serverId: string, backupId: string): Promise<void> {
  const s = boss();
  const id = await s.boss.send(RESTORE_QUEUE, { serverId, backupId }, { ...RESTORE_OPTS, singletonKey: `restore:${serverId}` });
  if (!id) throw new Error("a restore of this server is already queued");
  for (const w of s.workers) s.boss.notifyWorker(w);
}

export const backupJobsService = { name: "backup-jobs", start: () => startBackupJobs(), stop: () => stopBackupJobs() };
