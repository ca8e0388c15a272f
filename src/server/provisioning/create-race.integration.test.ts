import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { tinyRuntimeDir } from "../../../test/provisioning/harness";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { createServer } = await import("./service");
const { runtimeFromEnv, setProvisioningRuntime } = await import("./runtime");

/**
 * Regression (#16): 12 concurrent creates on the free plan (one server) made 3 servers, because the
 * plan check and the insert were separate steps. No job queue runs here: the rows are what counts.
 */
let artifacts: TestArtifactServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "zlh-race-"));
  artifacts = await startTestArtifactServer();
  const rt = tinyRuntimeDir("node", "20.20.2");
  await artifacts.publishDir(rt, { kind: "runtime", name: "node", version: "20.20.2", bin: ["bin"], verify: { command: "bin/node", args: ["--version"], expect: "v20.20.2" } });
  rmSync(rt, { recursive: true, force: true });
  process.env.ZLH_DATA_DIR = dataDir;
  process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
  process.env.ZLH_ARTIFACTS_URL = artifacts.url;
  process.env.ZLH_ARTIFACTS_PUBLIC_KEY = artifacts.publicKey;
  setProvisioningRuntime(runtimeFromEnv());
}, 60_000);
afterAll(async () => {
  setProvisioningRuntime(undefined);
  await artifacts?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await closeDb();
});

describe("plan limits under concurrency", () => {
  it("12 concurrent creates on the free plan make exactly one server; the rest are refused by the plan", async () => {
    const user = await db.user.create({ data: { email: `race-${randomBytes(6).toString("hex")}@example.test`, passwordHash: "x" } });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        createServer(user.id, { kind: "dev", name: `race-${i}`, runtimeId: "node", enableCodeServer: false, memoryMb: 1024 }),
      ),
    );
    const made = await db.server.count({ where: { userId: user.id } });
    await db.server.deleteMany({ where: { userId: user.id } });
    expect(made).toBe(1);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(String((r.reason as Error).message)).toMatch(/Your plan allows 1 server/);
  }, 60_000);
});
