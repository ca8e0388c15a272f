import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { z } from "zod";
import { PrismaClient } from "../../generated/prisma/client";

/**
 * One Prisma client per process. Next bundles route handlers separately from server.ts, so the
 * instance lives on globalThis to be shared by both. DATABASE_URL is set by the bootstrap (embedded
 * PostgreSQL) before anything asks for the client.
 */
const g = globalThis as unknown as { __zlhPrisma?: PrismaClient; __zlhPool?: pg.Pool };

export function getDb(): PrismaClient {
  if (!g.__zlhPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: the database bootstrap has not run");
    // Our own pool (the adapter ends it on disconnect) so /metrics can report its use.
    g.__zlhPool = new pg.Pool({ connectionString: url, max: poolMax(process.env.ZLH_DB_POOL_MAX) });
    g.__zlhPrisma = new PrismaClient({ adapter: new PrismaPg(g.__zlhPool, { disposeExternalPool: true }) });
  }
  return g.__zlhPrisma;
}

/**
 * Connections of the portal's pool (ZLH_DB_POOL_MAX, default 20). Under load a connection comes back
 * only when the event loop gets to its answer, so a busy process needs more of them than the
 * database's own speed suggests: with 10, the load bench's calls queued for the pool (hundreds
 * waiting) while PostgreSQL sat mostly idle.
 */
export function poolMax(raw: string | undefined): number {
  const n = z.coerce.number().int().min(1).max(500).default(20).safeParse(raw === "" ? undefined : raw);
  if (!n.success) throw new Error(`ZLH_DB_POOL_MAX must be a whole number from 1 to 500 (got ${JSON.stringify(raw)})`);
  return n.data;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get: (_t, prop) => Reflect.get(getDb(), prop, getDb()),
});

export async function closeDb(): Promise<void> {
  if (g.__zlhPrisma) {
    await g.__zlhPrisma.$disconnect();
    g.__zlhPrisma = undefined;
    g.__zlhPool = undefined;
  }
}

export type { PrismaClient };
