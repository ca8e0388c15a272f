import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

// Billing configured (the plan then comes from the subscription row); no Stripe call is made here.
process.env.STRIPE_SECRET_KEY = "sk_test_plan_enforcement";
process.env.STRIPE_WEBHOOK_SECRET = "whsec_test_plan_enforcement";
useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { reconcilePlanLimits } = await import("./plan-enforcement");
const { startServer, stopServerAsSystem } = await import("../provisioning/service");
afterAll(closeDb);

/**
 * Regression (#16): when a paid plan ended (cancelled or downgraded), servers beyond the new plan's
 * limits kept running and could be started again at will.
 */
describe("plan limits after a cancellation", () => {
  it("stops the newest servers beyond the plan with a clear reason, refuses to start them, and lifts that once the plan allows", async () => {
    const user = await db.user.create({ data: { email: `plan-${randomUUID()}@example.test`, passwordHash: "x" } });
    await db.subscription.create({ data: { userId: user.id, stripeSubscriptionId: `sub_${randomUUID()}`, plan: "pro", status: "active" } });
    const vmid = 700_000_000 + Math.floor(Math.random() * 90_000_000);
    const mk = (name: string, kind: string, i: number) =>
      db.server.create({ data: { userId: user.id, name, kind, vmid: vmid + i, provider: "local", status: "stopped", memoryMb: 1024, createdAt: new Date(Date.now() - (10 - i) * 60_000) } });
    const oldest = await mk("oldest", "game", 0);
    const middle = await mk("middle", "game", 1);
    const newest = await mk("newest", "dev", 2);

    // Other test files share the database: judge this user's servers, not the global counts.
    const held = () => db.server.count({ where: { userId: user.id, suspendedReason: { startsWith: "Plan:" } } });
    await reconcilePlanLimits(stopServerAsSystem);
    expect(await held()).toBe(0);

    // The paid period ended: Stripe reports the subscription cancelled, the user is on the free plan.
    await db.subscription.update({ where: { userId: user.id }, data: { status: "canceled" } });
    const first = await reconcilePlanLimits(stopServerAsSystem);
    expect(first.stopped).toBeGreaterThanOrEqual(2);
    expect(await held()).toBe(2);
    const after = await db.server.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(after.map((s) => [s.name, s.suspendedReason?.slice(0, 5) ?? null])).toEqual([["oldest", null], ["middle", "Plan:"], ["newest", "Plan:"]]);
    expect(after[2]!.suspendedReason).toMatch(/Upgrade on \/billing/);
    await expect(startServer(user.id, newest.id)).rejects.toThrow(/suspended: Plan: stopped because your plan allows 1 server/);
    await reconcilePlanLimits(stopServerAsSystem);
    expect(await held()).toBe(2);

    // Upgrading again covers them: the reason is cleared (they stay stopped until started).
    await db.subscription.update({ where: { userId: user.id }, data: { status: "active" } });
    expect((await reconcilePlanLimits(stopServerAsSystem)).lifted).toBeGreaterThanOrEqual(2);
    expect(await db.server.count({ where: { id: { in: [oldest.id, middle.id, newest.id] }, suspendedReason: null } })).toBe(3);
    await db.server.deleteMany({ where: { userId: user.id } });
  });
});
