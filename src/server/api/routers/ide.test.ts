import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../../test/db";

useTestDatabase();
process.env.ZLH_SECRET_KEY = randomBytes(32).toString("hex");
const { createCaller } = await import("../root");
const { createTRPCContext } = await import("../trpc");
const { db, closeDb } = await import("../../db/client");
const { verifyIdeToken } = await import("../../ide/token");
const { ideKey } = await import("../../ide/keys");

const vmid = 200_000 + Math.floor(Math.random() * 700_000_000);
const users = { a: { id: "", email: "" }, b: { id: "", email: "" } };
const servers = { running: "", stopped: "", noIde: "" };

const as = async (user: { id: string; email: string } | null) =>
  createCaller(await createTRPCContext({ headers: new Headers(), session: user ? { user, expires: new Date(Date.now() + 60_000).toISOString() } : null }));

async function code(p: Promise<unknown>): Promise<TRPCError["code"]> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  return (err as TRPCError).code;
}

beforeAll(async () => {
  for (const k of ["a", "b"] as const) {
    const email = `ide-router-${k}-${randomUUID()}@example.test`;
    users[k] = { id: (await db.user.create({ data: { email, passwordHash: "x" } })).id, email };
  }
  const make = async (n: number, status: string, enableCodeServer: boolean) =>
    (await db.server.create({
      data: { userId: users.a.id, name: `s${n}`, kind: "dev", vmid: vmid + n, provider: "local", status, enableCodeServer, agentUrl: "http://127.0.0.1:1" },
    })).id;
  servers.running = await make(0, "running", true);
  servers.stopped = await make(1, "stopped", true);
  servers.noIde = await make(2, "running", false);
});

afterAll(async () => {
  await db.server.deleteMany({ where: { vmid: { in: [vmid, vmid + 1, vmid + 2] } } });
  await db.user.deleteMany({ where: { id: { in: [users.a.id, users.b.id] } } });
  await closeDb();
});

describe("ide.createToken", () => {
  it("gives the owner the hosted URL with a one-shot token bound to the vmid and the user", async () => {
    const { url } = await (await as(users.a)).ide.createToken({ serverId: servers.running });
    const u = new URL(url);
    expect(u.hostname).toBe(`dev-${vmid}.localhost`);
    expect(u.pathname).toBe("/__zlh/auth");
    const r = await verifyIdeToken(ideKey("zlh/ide-token/v1"), u.searchParams.get("token")!, { vmid });
    expect(r.ok && r.claims.userId).toBe(users.a.id);
    expect(r.ok && r.claims.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it("refuses another user, signed-out callers, stopped servers and servers without code-server", async () => {
    expect(await code((await as(users.b)).ide.createToken({ serverId: servers.running }))).toBe("NOT_FOUND");
    expect(await code((await as(null)).ide.createToken({ serverId: servers.running }))).toBe("UNAUTHORIZED");
    expect(await code((await as(users.a)).ide.createToken({ serverId: servers.stopped }))).toBe("PRECONDITION_FAILED");
    expect(await code((await as(users.a)).ide.createToken({ serverId: servers.noIde }))).toBe("PRECONDITION_FAILED");
    expect(await code((await as(users.a)).ide.createToken({ serverId: "no-such-server" }))).toBe("NOT_FOUND");
    expect(await code((await as(users.a)).ide.createToken({ serverId: "" }))).toBe("BAD_REQUEST");
  });
});
