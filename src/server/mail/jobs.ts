import PgBoss from "pg-boss";
import { logger } from "../log/logger";
import { ensureQueue } from "../jobs/ensure-queue";

/**
 * Durable delivery jobs (outgoing email, webhook calls) on pg-boss in the portal's PostgreSQL. A
 * job carries only the id of its row (MailMessage, WebhookDelivery); the row is the truth about
 * whether it was sent, so a duplicate job or a retry after success is a no-op. Failures are retried
 * with exponential backoff.
 */
const log = logger.child({ module: "delivery.jobs" });

export type DeliveryQueue = {
  name: string;
  retryLimit: number;
  /** Seconds; doubled (with jitter) each retry. */
  retryDelay: number;
  handle: (id: string) => Promise<void>;
};
type State = { boss: PgBoss; workers: Map<string, string> };
const g = globalThis as unknown as { __zlhDelivery?: State };

export function deliveryJobsRunning(): boolean {
  return Boolean(g.__zlhDelivery);
}

export async function startDeliveryJobs(queues: DeliveryQueue[], opts: { connectionString?: string } = {}): Promise<void> {
  if (g.__zlhDelivery) return;
  const connectionString = opts.connectionString ?? process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start the database first");
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: 3, application_name: "zlh-delivery" });
  boss.on("error", (err) => log.error({ err }, "delivery queue error"));
  await boss.start();
  const workers = new Map<string, string>();
  for (const q of queues) {
    const retry = { retryLimit: q.retryLimit, retryDelay: q.retryDelay, retryBackoff: true };
    await ensureQueue(boss, q.name, { policy: "standard", ...retry, expireInSeconds: 300 }, { update: true });
    const id = await boss.work<{ id: string }>(q.name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job) await q.handle(job.data.id);
    });
    workers.set(q.name, id);
  }
  g.__zlhDelivery = { boss, workers };
}

export async function stopDeliveryJobs(): Promise<void> {
  const state = g.__zlhDelivery;
  if (!state) return;
  g.__zlhDelivery = undefined;
  await state.boss.stop({ graceful: true, timeout: 10_000, wait: true });
}

/**
 * Queues the delivery of one row. Without a running queue (a process that only writes rows) the
 * row stays queued and the sweeper of a running portal picks it up.
 */
export async function kick(queue: string, id: string): Promise<void> {
  const state = g.__zlhDelivery;
  if (!state) return;
  try {
    await state.boss.send(queue, { id });
    const worker = state.workers.get(queue);
    if (worker) state.boss.notifyWorker(worker);
  } catch (err) {
    log.error({ err, queue, id }, "could not queue a delivery; the sweeper retries it");
  }
}
