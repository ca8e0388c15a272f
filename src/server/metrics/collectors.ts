import { Gauge } from "prom-client";
import type { Pool } from "pg";
import { db } from "../db/client";
import { addCollector } from "./registry";

/**
 * Gauges read at scrape time from the database and the connection pool. Each query is bounded to a
 * few rows (grouped by queue/state or kind/status), so a scrape costs the same with 200 or 20,000
 * servers. A failing query leaves that gauge out of the scrape rather than failing it.
 */
const g = globalThis as unknown as { __zlhPool?: Pool };

/** pg-boss job states that count as waiting work (queue depth) or as failed. */
const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;

export function registerCollectors(): void {
  addCollector("jobs", (registry) => {
    new Gauge({
      name: "zlh_jobs",
      help: "pg-boss jobs by queue and state (created+retry = queue depth; failed kept for inspection)",
      labelNames: ["queue", "state"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.$queryRaw<{ name: string; state: string; n: bigint }[]>`
          select name, state::text as state, count(*)::bigint as n from pgboss.job group by name, state`.catch(() => []);
        const queues = new Set(rows.map((r) => r.name));
        for (const q of queues) for (const s of JOB_STATES) this.set({ queue: q, state: s }, 0);
        for (const r of rows) if ((JOB_STATES as readonly string[]).includes(r.state)) this.set({ queue: r.name, state: r.state }, Number(r.n));
      },
    });
  });
  addCollector("servers", (registry) => {
    new Gauge({
      name: "zlh_servers",
      help: "Servers by kind and status",
      labelNames: ["kind", "status"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.server.groupBy({ by: ["kind", "status"], _count: { _all: true } }).catch(() => []);
        for (const r of rows) this.set({ kind: r.kind, status: r.status }, r._count._all);
      },
    });
  });
  addCollector("db-pool", (registry) => {
    new Gauge({
      name: "zlh_db_pool_connections",
      help: "Portal database pool connections by state (total, idle, waiting clients)",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const pool = g.__zlhPool;
        if (!pool) return;
        this.set({ state: "total" }, pool.totalCount);
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "waiting" }, pool.waitingCount);
      },
    });
    new Gauge({
      name: "zlh_db_pool_max",
      help: "Portal database pool size limit",
      registers: [registry],
      collect() {
        const pool = g.__zlhPool;
        if (pool) this.set(pool.options.max ?? 10);
      },
    });
  });
}
