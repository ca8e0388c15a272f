import path from "node:path";
import type { TestProject } from "vitest/node";
import { bootstrapDatabase } from "../src/server/db/bootstrap";

/**
 * Integration tests run against a real PostgreSQL: DATABASE_URL when set, otherwise an embedded
 * cluster under .data/test (separate from the dev data). Migrations are applied first.
 */
export default async function setup(project: TestProject) {
  const db = await bootstrapDatabase(path.resolve(".data/test"));
  project.provide("databaseUrl", process.env.DATABASE_URL!);
  return async () => {
    await db.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
