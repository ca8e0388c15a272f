import { db } from "~/server/db/client";
import { logger } from "~/server/log/logger";

export const dynamic = "force-dynamic";

// A database that hangs is as down as one that refuses: answer within this bound either way.
const DB_TIMEOUT_MS = 3_000;

/** Liveness for load balancers and the README: the process answers and PostgreSQL answers `SELECT 1`. */
export async function GET() {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS);
      }),
    ]);
    return Response.json({ ok: true, db: "up" }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    logger.warn({ err }, "health check: database unreachable");
    return Response.json({ ok: false, db: "down" }, { status: 503, headers: { "cache-control": "no-store" } });
  } finally {
    clearTimeout(timer);
  }
}
