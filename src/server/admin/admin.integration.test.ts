import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { createCaller, appRouter } = await import("../api/root");
const { createTRPCContext } = await import("../api/trpc");
const { db, closeDb } = await import("../db/client");
const { applyAdminEmails, setRole } = await import("./roles");
const { parseAdminEmails } = await import("./admin-emails");
const { assertCanStartServer, assertCanCreateServer } = await import("../billing/entitlements");
afterAll(closeDb);

async function user(role: "user" | "admin" = "user") {
  const u = await db.user.create({ data: { email: `admin-it-${randomUUID()}@example.test`, passwordHash: "x", role } });
  const caller = createCaller(await createTRPCContext({ headers: new Headers(), session: { user: { id: u.id, email: u.email }, expires: new Date(Date.now() + 60_000).toISOString() } }));
  return { user: u, caller };
}
const code = (p: Promise<unknown>) => p.then(() => "OK", (e: unknown) => (e instanceof TRPCError ? e.code : String(e)));

// Every admin procedure with a plausible input: a non-admin must get NOT_FOUND from each one.
const calls: Record<string, { kind: "query" | "mutation"; input?: unknown }> = {
  users: { kind: "query", input: {} },
  suspendUser: { kind: "mutation", input: { userId: "u", reason: "abuse" } },
  unsuspendUser: { kind: "mutation", input: { userId: "u" } },
  servers: { kind: "query", input: {} },
  serverPower: { kind: "mutation", input: { serverId: "s", action: "stop" } },
  queues: { kind: "query" },
  failedJobs: { kind: "query", input: {} },
  retryJob: { kind: "mutation", input: { queue: "server-create", id: randomUUID() } },
  catalog: { kind: "query" },
  builds: { kind: "query" },
  build: { kind: "mutation", input: { name: "node", version: "24.21.0" } },
  retryBuild: { kind: "mutation", input: { buildId: "b" } },
  promote: { kind: "mutation", input: { name: "node", version: "24.21.0", channel: "stable" } },
  rollback: { kind: "mutation", input: { name: "node", channel: "stable" } },
  verify: { kind: "mutation" },
  audit: { kind: "query", input: {} },
};

describe("admin procedures", () => {
  it("cover every procedure of the admin router in this test", () => {
    expect(Object.keys(appRouter._def.record.admin as object).sort()).toEqual(Object.keys(calls).sort());
  });

  it("answer NOT_FOUND to a signed-in non-admin and to a signed-out caller, for every procedure", async () => {
    const { caller } = await user();
    const anon = createCaller(await createTRPCContext({ headers: new Headers(), session: null }));
    for (const [name, c] of Object.entries(calls)) {
      const call = (x: typeof caller) => (x.admin as unknown as Record<string, (i?: unknown) => Promise<unknown>>)[name]!(c.input);
      expect([name, await code(call(caller))]).toEqual([name, "NOT_FOUND"]);
      expect([name, await code(call(anon))]).toEqual([name, "NOT_FOUND"]);
    }
  });

  it("take the role from the database on every call (revoking works at once)", async () => {
    const { user: u, caller } = await user("admin");
    expect(await code(caller.admin.users({}))).toBe("OK");
    await setRole(u.email, "user", "test");
    expect(await code(caller.admin.users({}))).toBe("NOT_FOUND");
  });
});

describe("ZLH_ADMIN_EMAILS at start-up and sign-in", () => {
  it("grants the role to listed accounts, once, with an audit row", async () => {
    const { user: u } = await user();
    expect(await applyAdminEmails(parseAdminEmails(u.email.toUpperCase()))).toEqual([u.email]);
    expect(await applyAdminEmails(parseAdminEmails(u.email))).toEqual([]);
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).role).toBe("admin");
    expect(await db.auditLog.count({ where: { action: "admin.role_grant", targetId: u.id } })).toBe(1);
  });
});

describe("suspending a user", () => {
  it("stops nothing it should not, refuses create and start with the reason, records both actions, and lifts cleanly", async () => {
    const { user: admin, caller } = await user("admin");
    const { user: u } = await user();
    const s = await db.server.create({ data: { userId: u.id, name: "w", kind: "game", vmid: 800_000 + Math.floor(Math.random() * 100_000), provider: "local", status: "stopped" } });
    await caller.admin.suspendUser({ userId: u.id, reason: "chargeback under review" });
    await expect(assertCanCreateServer(u.id, { kind: "dev", memoryMb: 512, enableCodeServer: false })).rejects.toThrow(/Your account is suspended: chargeback under review/);
    const row = await db.server.findUniqueOrThrow({ where: { id: s.id } });
    expect(row.suspendedReason).toBe("Account suspended: chargeback under review");
    await expect(assertCanStartServer(row)).rejects.toThrow(/suspended/);
    expect(await code(caller.admin.suspendUser({ userId: admin.id, reason: "self" }))).toBe("BAD_REQUEST");

    await caller.admin.unsuspendUser({ userId: u.id });
    const after = await db.server.findUniqueOrThrow({ where: { id: s.id } });
    expect(after.suspendedReason).toBeNull();
    await expect(assertCanStartServer(after)).resolves.toBeUndefined();
    const actions = (await db.auditLog.findMany({ where: { targetId: u.id, actorId: admin.id }, orderBy: { createdAt: "asc" } })).map((r) => r.action);
    expect(actions).toEqual(["admin.user_suspend", "admin.user_unsuspend"]);
    const audit = await caller.admin.audit({ actor: admin.email });
    expect(audit.items.map((i) => i.action)).toEqual(["admin.user_unsuspend", "admin.user_suspend"]);
  });
});
