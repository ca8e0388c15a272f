import type PgBoss from "pg-boss";

/**
 * Creates a pg-boss queue when it is missing, or brings its options up to date. Portal instances
 * starting together on one database create the same queues at the same moment, and pg-boss's
 * create_queue (a partition table plus a row) then deadlocks or collides: PostgreSQL fails one
 * side, which would have crashed that portal's start. The failed side is retried after a short
 * random pause, by when the other has usually created the queue.
 */
type Boss = Pick<PgBoss, "getQueue" | "createQueue" | "updateQueue">;

/** deadlock_detected, unique_violation, duplicate_table: the codes a concurrent create gives. */
const RACE_CODES = new Set(["40P01", "23505", "42P07"]);

export function isCreateRace(err: unknown): boolean {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "string" && RACE_CODES.has(code);
}

export async function ensureQueue(boss: Boss, name: string, options: Omit<PgBoss.Queue, "name">, opts: { update?: boolean; attempts?: number } = {}): Promise<void> {
  const attempts = opts.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, ...options });
      else if (opts.update) await boss.updateQueue(name, { name, ...options });
      return;
    } catch (err) {
      if (attempt >= attempts || !isCreateRace(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 100 * attempt));
    }
  }
}
