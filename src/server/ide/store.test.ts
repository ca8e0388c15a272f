import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { createAccessResolver, createJtiStore } = await import("./store");
const { encryptToken } = await import("../provisioning/token-codec");
const { provisioningRuntime } = await import("../provisioning/runtime");

afterAll(closeDb);

describe("IdeTokenUse as the jti store", () => {
  it("lets exactly one of many concurrent presentations of a jti through", async () => {
    const store = createJtiStore(db);
    const jti = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.markUsed(jti, new Date(Date.now() + 60_000))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await createJtiStore(db).markUsed(jti, new Date(Date.now() + 60_000))).toBe(false);
  });

  it("sweeps rows whose tokens expired", async () => {
    const old = randomUUID();
    await db.ideTokenUse.create({ data: { jti: old, expiresAt: new Date(Date.now() - 3_600_000) } });
    await createJtiStore(db).markUsed(randomUUID(), new Date(Date.now() + 60_000));
    expect(await db.ideTokenUse.findUnique({ where: { jti: old } })).toBeNull();
  });
});

describe("access resolver", () => {
  it("serves a burst from one answer but asks the database again when told to, or after the TTL", async () => {
    const user = await db.user.create({ data: { email: `ide-store-${randomUUID()}@example.test`, passwordHash: "x" } });
    const vmid = 300_000 + Math.floor(Math.random() * 600_000_000);
    const server = await db.server.create({
      data: { userId: user.id, name: "s", kind: "dev", vmid, provider: "local", status: "running", enableCodeServer: true, agentUrl: "http://127.0.0.1:9" },
    });
    await db.server.update({ where: { id: server.id }, data: { agentTokenEnc: encryptToken("t".repeat(32), provisioningRuntime().secretKey, server.id) } });
    let t = 0;
    const resolve = createAccessResolver(db, 2000, () => t);
    const first = await resolve(vmid, user.id, { fresh: false });
    expect(first.ok && first.target).toEqual({ serverId: server.id, endpoint: { url: "http://127.0.0.1:9", pin: null }, token: "t".repeat(32) });
    await db.server.update({ where: { id: server.id }, data: { status: "stopped" } });
    expect((await resolve(vmid, user.id, { fresh: false })).ok).toBe(true);
    expect(await resolve(vmid, user.id, { fresh: true })).toEqual({ ok: false, reason: "stopped" });
    await db.server.update({ where: { id: server.id }, data: { status: "running" } });
    t = 2000;
    expect((await resolve(vmid, user.id, { fresh: false })).ok).toBe(true);
    expect(await resolve(vmid, "someone-else", { fresh: false })).toEqual({ ok: false, reason: "not-found" });
    await db.user.delete({ where: { id: user.id } });
  });
});
