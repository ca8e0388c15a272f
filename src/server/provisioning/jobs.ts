import { setMaxListeners } from "node:events";
import PgBoss from "pg-boss";
import { logger } from "../log/logger";
import { recordEvent } from "./events";
import { timeJob } from "../metrics/jobs";
import { runInRequestScope } from "../log/request-scope";
import { runCreate, runDelete, type JobContext } from "./pipeline";
import { releaseLease, sweepOrphanedJobs, sweepOwnLeftovers, sweepUnleased, takeLease } from "./job-leases";
import { HEARTBEAT_MS } from "../cluster/heartbeat";
import { ensureQueue } from "../jobs/ensure-queue";

/**
 * Durable create/delete jobs on pg-boss (schema "pgboss" in the portal's PostgreSQL). A job that
 * fails transiently is retried with backoff; stopping the portal aborts running handlers, which
 * pg-boss records as failed-for-retry, so the next start resumes them (every step is idempotent).
 */
const log = logger.child({ module: "provisioning.jobs" });

export const CREATE_QUEUE = "server-create";
export const DELETE_QUEUE = "server-delete";
export type JobQueue = typeof CREATE_QUEUE | typeof DELETE_QUEUE;
type JobData = { serverId: string };

const RETRY = { retryLimit: 3, retryDelay: 1, retryBackoff: true } as const;
// A job whose worker vanished (portal killed) is retried after this long by pg-boss's maintenance.
const EXPIRE_SECONDS = 20 * 60;

type State = { boss: PgBoss; inflight: Set<AbortController>; running: Set<string>; workers: Record<JobQueue, string[]>; sweeper?: NodeJS.Timeout };
const g = globalThis as unknown as { __zlhJobs?: State };

export function jobsRunning(): boolean {
  return Boolean(g.__zlhJobs);
}

export async function startJobs(opts: { connectionString?: string; concurrency?: number } = {}): Promise<void> {
  if (g.__zlhJobs) return;
  const connectionString = opts.connectionString ?? process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start the database first");
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: 4, application_name: "zlh-jobs" });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  await boss.start();
  for (const q of [CREATE_QUEUE, DELETE_QUEUE]) {
    await ensureQueue(boss, q, { policy: "standard", ...RETRY, expireInSeconds: EXPIRE_SECONDS });
  }
  const state: State = { boss, inflight: new Set(), running: new Set(), workers: { [CREATE_QUEUE]: [], [DELETE_QUEUE]: [] } };
  const handler = (run: (id: string, ctx: JobContext) => Promise<unknown>) => async (jobs: PgBoss.JobWithMetadata<JobData>[]) => {
    for (const job of jobs) {
      const ac = new AbortController();
      // Every agent call of a long job derives a timeout signal from this one.
      setMaxListeners(0, ac.signal);
      state.inflight.add(ac);
      state.running.add(job.id);
      try {
        await takeLease(job.id, job.name);
        // The job id plays the request id: its log lines and agent calls carry it.
        return await runInRequestScope({ reqId: job.id, serverId: job.data.serverId }, () =>
          timeJob(job.name, () => run(job.data.serverId, { signal: ac.signal, attempt: job.retryCount, finalAttempt: job.retryCount >= job.retryLimit, jobId: job.id })),
        );
      } finally {
        state.inflight.delete(ac);
        state.running.delete(job.id);
        await releaseLease(job.id);
      }
    }
  };
  const workOpts = { batchSize: 1, includeMetadata: true as const, pollingIntervalSeconds: 0.5 };
  for (let i = 0; i < (opts.concurrency ?? 3); i++) {
    state.workers[CREATE_QUEUE].push(await boss.work<JobData>(CREATE_QUEUE, workOpts, handler(runCreate)));
    state.workers[DELETE_QUEUE].push(await boss.work<JobData>(DELETE_QUEUE, workOpts, handler(runDelete)));
  }
  // Jobs of a portal process that died mid-run go back to the queue as soon as it is seen dead.
  state.sweeper = setInterval(() => {
    const fail = async (queue: string, id: string, reason: string) => void (await boss.fail(queue, id, { message: reason }));
    sweepOrphanedJobs(fail)
      .then(() => sweepOwnLeftovers(state.running, fail))
      .then(() => sweepUnleased([CREATE_QUEUE, DELETE_QUEUE], state.running, fail))
      .catch((err) => log.warn({ err: (err as Error).message }, "orphaned job sweep failed"));
  }, HEARTBEAT_MS);
  state.sweeper.unref();
  g.__zlhJobs = state;
  log.info("provisioning jobs started");
}

export async function stopJobs(): Promise<void> {
  const state = g.__zlhJobs;
  if (!state) return;
  g.__zlhJobs = undefined;
  clearInterval(state.sweeper);
  // Abort running handlers now: they throw, pg-boss marks them for retry, the next start resumes.
  for (const ac of state.inflight) ac.abort(new Error("portal shutting down"));
  await state.boss.stop({ graceful: true, timeout: 10_000, wait: true });
  log.info("provisioning jobs stopped");
}

function jobs(): State {
  const state = g.__zlhJobs;
  if (!state) throw new Error("the provisioning job queue is not running");
  return state;
}
const boss = () => jobs().boss;

export async function enqueue(queue: JobQueue, serverId: string): Promise<string> {
  const id = await boss().send(queue, { serverId }, { ...RETRY, expireInSeconds: EXPIRE_SECONDS });
  if (!id) throw new Error(`could not queue ${queue} for ${serverId}`);
  // Wake this process's workers now instead of at their next poll (other instances poll as usual).
  for (const w of jobs().workers[queue]) boss().notifyWorker(w);
  await recordEvent(serverId, "job", "queued", queue === CREATE_QUEUE ? "Provisioning queued" : "Delete queued", { jobId: id, queue });
  return id;
}

/** The job's state, or null when pg-boss no longer has it. */
export async function jobState(queue: JobQueue, id: string): Promise<PgBoss.JobWithMetadata["state"] | null> {
  const job = await boss().getJobById(queue, id, { includeArchive: true });
  return job?.state ?? null;
}
