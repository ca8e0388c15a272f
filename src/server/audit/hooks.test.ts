import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
process.env.ZLH_SECRET_KEY ??= "ab".repeat(32);
const { db, closeDb } = await import("../db/client");
const { addKey, removeKey } = await import("../ssh/keys");
const { issueIdeUrl } = await import("../ide/service");

const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-audit-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeDb();
});

describe("security-relevant actions leave an audit row", () => {
  it("SSH key added and removed", async () => {
    const u = await db.user.create({ data: { email: `audit-${randomUUID()}@example.test`, passwordHash: "x" } });
    execFileSync("ssh-keygen", ["-q", "-N", "", "-t", "ed25519", "-C", "laptop", "-f", path.join(dir, "k")]);
    const key = await addKey(u.id, { name: "laptop", publicKey: readFileSync(path.join(dir, "k.pub"), "utf8") });
    await removeKey(u.id, key.id);
    const rows = await db.auditLog.findMany({ where: { actorId: u.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["ssh_key.add", "ssh_key.remove"]);
    expect(rows[0]!.data).toMatchObject({ fingerprint: key.fingerprint });
  });

  it("IDE token issued: the fact, never the token", async () => {
    const u = await db.user.create({ data: { email: `audit-${randomUUID()}@example.test`, passwordHash: "x" } });
    const vmid = 900_000 + Math.floor(Math.random() * 90_000);
    const s = await db.server.create({
      data: { userId: u.id, name: "dev", kind: "dev", vmid, provider: "local", status: "running", enableCodeServer: true, agentUrl: "http://127.0.0.1:1" },
    });
    const r = await issueIdeUrl(db, u.id, { id: s.id }, () => "http://dev.localhost");
    expect(r.ok).toBe(true);
    const token = new URL((r as { url: string }).url).searchParams.get("token")!;
    const rows = await db.auditLog.findMany({ where: { actorId: u.id, action: "ide.token_issued" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ targetType: "server", targetId: s.id, data: { vmid } });
    expect(JSON.stringify(rows[0])).not.toContain(token);
  });
});
