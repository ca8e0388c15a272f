import { logger } from "../log/logger";
import { startEmbeddedPostgres, type EmbeddedDb } from "./embedded";
import { migrate } from "./migrate";

/**
 * Makes DATABASE_URL usable: an external database is used as it is; without one, the embedded
 * PostgreSQL under the data folder is started (or reused). Migrations are applied either way.
 */
export async function bootstrapDatabase(dataDir: string): Promise<{ stop: () => Promise<void> }> {
  let embedded: EmbeddedDb | undefined;
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres(dataDir);
    process.env.DATABASE_URL = embedded.url;
  }
  const applied = await migrate(process.env.DATABASE_URL!);
  logger.info({ applied: applied.length, embedded: Boolean(embedded) }, "database ready");
  return { stop: async () => embedded?.stop() };
}
