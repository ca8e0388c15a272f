import path from "node:path";
import { defineConfig } from "prisma/config";

// process.env, not env(): `prisma generate` must work with DATABASE_URL unset (embedded default).
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
