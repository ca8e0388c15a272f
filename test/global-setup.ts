import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { bootstrapDatabase } from "../src/server/db/bootstrap";

/**
 * Integration tests run against a real PostgreSQL: DATABASE_URL when set, otherwise an embedded
 * cluster under .data/test (separate from the dev data). Migrations are applied first. Several
 * vitest runs may share the cluster; the last one out stops it.
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
  const db = await bootstrapDatabase(dir);
  project.provide("databaseUrl", process.env.DATABASE_URL!);
  return async () => {
    rmSync(path.join(users, String(process.pid)), { force: true });
    const others = readdirSync(users).filter((f) => Number(f) !== process.pid && alive(Number(f)));
    if (others.length === 0) await db.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
