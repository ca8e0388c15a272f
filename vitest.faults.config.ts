import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The fault suite (`npm run test:faults`): real portal processes, agents, PostgreSQL restarts and
 * full disks. One file at a time: the faults are global to the machine's processes.
 */
export default defineConfig({
  resolve: {
    alias: { "~": path.resolve("src"), "@agent": path.resolve("agent/src") },
  },
  test: {
    include: ["test/faults/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: { NODE_ENV: "test", LOG_LEVEL: "warn" },
  },
});
