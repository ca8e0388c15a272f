import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/server/db/embedded";
import { migrate } from "../src/server/db/migrate";

/**
 * Integration tests run against a real PostgreSQL: the server of DATABASE_URL when set, otherwise an
 * embedded cluster under .data/test (separate from the dev data), in a fresh database per run that
 * is dropped at the end. Several vitest runs may share the cluster; the last one out stops it.
 */
const dir = path.resolve(".data/test");
const users = path.join(dir, "users");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject) {
  mkdirSync(users, { recursive: true });
  writeFileSync(path.join(users, String(process.pid)), "");
  // Local-provider tests start the bundled agent: make sure it matches the sources.
  // @ts-expect-error plain ESM build script without type declarations
  const { ensureAgentBundle } = await import("../scripts/build-agent.mjs");
  await ensureAgentBundle({ quiet: true });
  const cluster = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(dir);
  const serverUrl = process.env.DATABASE_URL ?? cluster!.url;
  // Every run gets a database of its own, migrated from scratch: concurrent runs and migrations
  // edited during development never meet a database that an earlier version set up.
  const name = `zlh_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  admin.on("error", () => {});
  await admin.connect();
  const stale = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'zlh\\_test\\_%'");
  for (const { datname } of stale.rows) {
    const pid = Number(/^zlh_test_(\d+)_/.exec(datname)?.[1]);
    if (pid && !alive(pid)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  // No connection stays open for the run: a cluster restarted under it must not crash the runner.
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  await migrate(process.env.DATABASE_URL);
  project.provide("databaseUrl", process.env.DATABASE_URL);
  return async () => {
    const dropper = new pg.Client({ connectionString: serverUrl });
    dropper.on("error", () => {});
    await dropper
      .connect()
      .then(() => dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
      .catch(() => {})
      .finally(() => dropper.end().catch(() => {}));
    rmSync(path.join(users, String(process.pid)), { force: true });
    const others = readdirSync(users).filter((f) => Number(f) !== process.pid && alive(Number(f)));
    if (others.length === 0) await cluster?.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
