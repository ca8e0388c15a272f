import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { recordAudit } = await import("./audit");
afterAll(closeDb);

describe("recordAudit (real PostgreSQL)", () => {
  it("stores the action with its actor, target, address and redacted data", async () => {
    const actorId = `actor-${randomUUID()}`;
    await recordAudit({ actorId, action: "ssh_key.add", targetType: "ssh_key", targetId: "k1", ip: "127.0.0.1", data: { fingerprint: "SHA256:x", token: "t0p" } });
    const rows = await db.auditLog.findMany({ where: { actorId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "ssh_key.add", targetType: "ssh_key", targetId: "k1", ip: "127.0.0.1", data: { fingerprint: "SHA256:x", token: "[redacted]" } });
  });

  it("never throws into the caller: a bad action is logged and nothing is stored", async () => {
    const actorId = `actor-${randomUUID()}`;
    await expect(recordAudit({ actorId, action: "not an action" })).resolves.toBeUndefined();
    expect(await db.auditLog.count({ where: { actorId } })).toBe(0);
  });

  it("never throws when the database refuses the row", async () => {
    // A target id is capped, but an actor id of a non-string sneaks past types only at runtime.
    await expect(recordAudit({ action: "auth.sign_in", actorId: { bad: true } as unknown as string })).resolves.toBeUndefined();
  });
});
