import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The hostile-tenant suite (`npm run test:hostile`): real LXC containers attacking the host and each
 * other. It runs on its own, after the other tests: its latency bounds (another tenant's console
 * echoes within 100 ms during a fork bomb) judge the containers' limits, not how many test files
 * happen to share the two cores at that moment.
 */
export default defineConfig({
  resolve: {
    alias: { "~": path.resolve("src"), "@agent": path.resolve("agent/src") },
  },
  test: {
    include: ["test/hostile/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: { NODE_ENV: "test", LOG_LEVEL: "warn" },
  },
});
