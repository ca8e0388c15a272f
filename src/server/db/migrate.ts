import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { logger } from "../log/logger";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction, under
 * an advisory lock, writing the same `_prisma_migrations` rows as `prisma migrate deploy` so a
 * deployment with Prisma's schema engine can take over.
 */
const LOCK_KEY = 72707369; // same key Prisma's migrate uses for its advisory lock

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

/** Which migrations still need applying; a changed applied migration is an error, as in Prisma. */
export function pendingMigrations(
  all: Migration[],
  applied: { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }[],
): Migration[] {
  const done = new Map(applied.filter((a) => a.finished_at && !a.rolled_back_at).map((a) => [a.migration_name, a]));
  const failed = applied.find((a) => !a.finished_at && !a.rolled_back_at);
  if (failed) throw new Error(`migration ${failed.migration_name} failed earlier; resolve it before migrating`);
  for (const m of all) {
    const row = done.get(m.name);
    if (row && row.checksum !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied`);
  }
  return all.filter((m) => !done.has(m.name));
}

export async function migrate(databaseUrl: string, dir = path.resolve("prisma/migrations")): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const appliedNow: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const applied = await client.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    for (const m of pendingMigrations(readMigrations(dir), applied.rows)) {
      const id = randomUUID();
      const t0 = Date.now();
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, now(), 1)`,
          [id, m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      appliedNow.push(m.name);
      logger.info({ migration: m.name, ms: Date.now() - t0 }, "migration applied");
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return appliedNow;
}
