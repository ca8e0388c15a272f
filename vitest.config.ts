import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": path.resolve("src"), "@agent": path.resolve("agent/src") },
  },
  test: {
    include: ["src/**/*.test.ts", "agent/**/*.test.ts", "scripts/**/*.test.ts", "server/**/*.test.ts", "test/**/*.test.ts"],
    // The fault suite (npm run test:faults) and the hostile-tenant suite (npm run test:hostile) run
    // on their own, one file at a time, after these.
    exclude: ["node_modules", ".data", "e2e", "test/faults/**", "test/hostile/**"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes (agents, game servers, PostgreSQL): keep the 2-core machine calm.
    maxWorkers: 2,
    env: { NODE_ENV: "test", LOG_LEVEL: "warn" },
  },
});
