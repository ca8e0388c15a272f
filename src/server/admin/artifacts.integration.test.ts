import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { openStore, publishFile } = await import("../artifacts/store");
const { adminCatalog, promoteArtifact, rollbackArtifact, verifyArtifacts, requestBuild, retryBuild } = await import("./artifacts");

let tmp: string;
const saved = { ...process.env };
const actor = { id: `admin-${randomUUID()}`, ip: "127.0.0.1" };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-admin-artifacts-"));
  process.env.ZLH_DATA_DIR = path.join(tmp, "data");
  delete process.env.ZLH_ARTIFACTS_URL;
  delete process.env.ZLH_ARTIFACTS_SIGNING_KEY;
  const store = await openStore(process.env.ZLH_DATA_DIR);
  for (const v of ["1.0.0", "2.0.0"]) {
    const f = path.join(tmp, `tool-${v}.tar.gz`);
    writeFileSync(f, `tool ${v}`);
    await publishFile(store, f, { kind: "runtime", name: "tool", version: v, bin: [] }, ["stable"]);
  }
});
afterAll(async () => {
  process.env = { ...saved };
  await db.artifactBuild.deleteMany({ where: { requestedBy: actor.id } });
  await rm(tmp, { recursive: true, force: true });
  await closeDb();
});

describe("artifacts in the operator console (same store code as the CLI)", () => {
  it("shows the catalog with channel stacks, promotes, rolls back and verifies, each audited", async () => {
    const stack = () => adminCatalog().channels.find((c) => c.name === "tool" && c.channel === "stable")!.stack;
    expect(stack().at(-1)).toBe("2.0.0");
    expect(await promoteArtifact(actor, "tool", "1.0.0", "stable")).toMatchObject({ from: "2.0.0", to: "1.0.0", changed: true });
    expect(stack().at(-1)).toBe("1.0.0");
    expect(adminCatalog().entries.find((e) => e.version === "1.0.0")?.channels).toEqual(["stable"]);
    expect(await rollbackArtifact(actor, "tool", "stable")).toMatchObject({ from: "1.0.0", to: "2.0.0" });
    await expect(promoteArtifact(actor, "tool", "9.9.9", "stable")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const report = await verifyArtifacts(actor);
    expect(report).toMatchObject({ ok: true, signature: { ok: true } });
    expect(report.items.map((i) => i.status)).toEqual(["ok", "ok"]);
    const actions = (await db.auditLog.findMany({ where: { actorId: actor.id }, orderBy: { createdAt: "asc" } })).map((r) => r.action);
    expect(actions).toEqual(["admin.artifact_promote", "admin.artifact_rollback", "admin.artifact_verify"]);
  });

  it("queues builds once, and retries only failed ones", async () => {
    const name = `b${randomUUID().slice(0, 6)}`;
    const a = await requestBuild(actor, name, "1.0.0");
    const b = await requestBuild(actor, name, "1.0.0");
    expect(b.id).toBe(a.id);
    await expect(retryBuild(actor, a.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await db.artifactBuild.update({ where: { id: a.id }, data: { status: "failed", error: "x" } });
    const again = await retryBuild(actor, a.id);
    expect(again).toMatchObject({ name, version: "1.0.0", status: "queued" });
    expect(again.id).not.toBe(a.id);
  });

  it("refuses to change a store published elsewhere", async () => {
    process.env.ZLH_ARTIFACTS_URL = "https://artifacts.example.com/";
    try {
      expect(adminCatalog()).toMatchObject({ remote: "https://artifacts.example.com/", entries: [] });
      await expect(promoteArtifact(actor, "tool", "1.0.0", "stable")).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    } finally {
      delete process.env.ZLH_ARTIFACTS_URL;
    }
  });
});
