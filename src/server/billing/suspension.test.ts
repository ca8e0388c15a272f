import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { serverRow, startBillingHarness } from "../../../test/billing/harness";

/**
 * Payment failed -> grace -> suspended -> paid -> resumed, with the Stripe fake, the real webhook
 * route, provisioning's real suspension lever (stopServerAsSystem) and PostgreSQL. Time is passed in
 * (the check is a function of the subscription and now). The servers here have no container, so the
 * lever's stop is a state change; provisioning's own tests stop real containers.
 */
useTestDatabase();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "zlh-billing-"));
process.env.ZLH_DATA_DIR = dataDir;
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const harness = await startBillingHarness({ graceDays: 7 });
const { fake } = harness;
const { db, closeDb } = await import("../db/client");
const { billingConfig } = await import("./config");
const { createCheckoutSession, billingOverview } = await import("./service");
const { planFor, assertCanStartServer } = await import("./entitlements");
const { reconcileSuspensions } = await import("./suspension");
const { stopServerAsSystem } = await import("../provisioning/service");
afterAll(async () => {
  await harness.stop();
  await closeDb();
  rmSync(dataDir, { recursive: true, force: true });
});

const DAY = 24 * 60 * 60 * 1000;

/** Stands in for provisioning's stopServerAsSystem: records the call and stops the record. */
function recordingStopper(fail = false) {
  const calls: { serverId: string; reason: string }[] = [];
  const stop = async (serverId: string, reason: string) => {
    calls.push({ serverId, reason });
    if (fail) throw new Error("agent unreachable");
    await db.server.update({ where: { id: serverId }, data: { status: "stopped" } });
  };
  return { calls, stop };
}

async function payingUser(plan: "starter" | "pro") {
  const user = await db.user.create({ data: { email: `grace-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  const { url } = await createCheckoutSession(user.id, plan);
  const from = fake.events.length;
  fake.completeCheckout(url.split("/").pop()!);
  for (const e of fake.events.slice(from)) expect(await fake.deliver(e.id)).toBe(200);
  const sub = await db.subscription.findUniqueOrThrow({ where: { userId: user.id } });
  return { user, subscriptionId: sub.stripeSubscriptionId };
}

async function deliverNew(from: number) {
  for (const e of fake.events.slice(from)) expect(await fake.deliver(e.id)).toBe(200);
}

const suspendedCount = (userId: string) => db.server.count({ where: { userId, suspendedReason: { not: null } } });

async function startRefusal(serverId: string): Promise<string | null> {
  const server = await db.server.findUniqueOrThrow({ where: { id: serverId } });
  return assertCanStartServer(server).then(
    () => null,
    (e: unknown) => (e instanceof TRPCError ? e.message : String(e)),
  );
}

describe("payment failed -> grace -> suspended -> paid -> resumed", () => {
  it("walks the whole cycle", async () => {
    const config = billingConfig();
    const { user, subscriptionId } = await payingUser("pro");
    const running = await db.server.create({ data: serverRow(user.id, { status: "running" }) });
    const starting = await db.server.create({ data: serverRow(user.id, { kind: "dev", status: "starting" }) });
    const stopped = await db.server.create({ data: serverRow(user.id, { status: "stopped" }) });

    // The renewal payment fails.
    let from = fake.events.length;
    fake.failPayment(subscriptionId);
    await deliverNew(from);
    const failedAt = (await db.subscription.findUniqueOrThrow({ where: { userId: user.id } })).paymentFailedAt!;
    expect(failedAt).toBeInstanceOf(Date);

    // Inside the grace period: nothing is suspended and the paid plan holds.
    const inGrace = new Date(failedAt.getTime() + 6 * DAY);
    await reconcileSuspensions(config, stopServerAsSystem, inGrace);
    expect(await suspendedCount(user.id)).toBe(0);
    expect(await planFor(user.id, inGrace)).toBe("pro");
    const graceView = await billingOverview(user.id, inGrace);
    expect(graceView).toMatchObject({ state: "grace", plan: "pro", subscription: { status: "past_due", latestInvoiceStatus: "open" } });
    expect(graceView.graceEndsAt).toEqual(new Date(failedAt.getTime() + 7 * DAY));

    // The grace period is over: every server is suspended, the live ones are stopped.
    const after = new Date(failedAt.getTime() + 7 * DAY + 1000);
    // (The test database is shared: other users' servers may be counted in the totals too.)
    const result = await reconcileSuspensions(config, stopServerAsSystem, after);
    expect(result.suspended).toBeGreaterThanOrEqual(3);
    expect(result.stopped).toBeGreaterThanOrEqual(2);
    expect(await suspendedCount(user.id)).toBe(3);
    const states = await db.server.findMany({ where: { userId: user.id }, select: { status: true, suspendedReason: true } });
    expect(states.map((s) => s.status)).toEqual(["stopped", "stopped", "stopped"]);
    for (const s of states) expect(s.suspendedReason).toMatch(/^Billing: a payment failed and the grace period ended/);
    expect(await db.serverEvent.count({ where: { serverId: running.id, message: { startsWith: "Suspended: Billing:" } } })).toBe(1);
    for (const s of [running, starting, stopped]) expect(await startRefusal(s.id)).toMatch(/suspended: Billing: .*\/billing/);
    expect(await planFor(user.id, after)).toBe("free");
    const lapsedView = await billingOverview(user.id, after);
    expect(lapsedView.state).toBe("lapsed");
    expect(lapsedView.suspendedServers).toHaveLength(3);
    expect(lapsedView.suspendedServers[0]!.reason).toContain("grace period ended");

    // Running the check again changes nothing.
    const eventsBefore = await db.serverEvent.count({ where: { server: { userId: user.id } } });
    await reconcileSuspensions(config, stopServerAsSystem, after);
    expect(await db.serverEvent.count({ where: { server: { userId: user.id } } })).toBe(eventsBefore);
    expect(await suspendedCount(user.id)).toBe(3);

    // The customer pays: the webhook lifts the suspension in the same transaction.
    from = fake.events.length;
    fake.payLatestInvoice(subscriptionId);
    await deliverNew(from);
    for (const s of [running, starting, stopped]) expect(await startRefusal(s.id)).toBeNull();
    expect(await db.serverEvent.count({ where: { serverId: running.id, message: "Suspension lifted: payment received" } })).toBe(1);
    expect(await planFor(user.id, after)).toBe("pro");
    expect(await billingOverview(user.id, after)).toMatchObject({ state: "active", suspendedServers: [] });
  });

  it("retries a stop that failed on the next run", async () => {
    const config = billingConfig();
    const { user, subscriptionId } = await payingUser("starter");
    const server = await db.server.create({ data: serverRow(user.id, { status: "running" }) });
    const from = fake.events.length;
    fake.failPayment(subscriptionId);
    await deliverNew(from);
    const later = new Date(Date.now() + 8 * DAY);
    const broken = recordingStopper(true);
    const first = await reconcileSuspensions(config, broken.stop, later);
    expect(first.stopFailures).toBeGreaterThanOrEqual(1);
    expect(broken.calls.some((c) => c.serverId === server.id)).toBe(true);
    const working = recordingStopper();
    await reconcileSuspensions(config, working.stop, later);
    expect(working.calls.some((c) => c.serverId === server.id)).toBe(true);
    expect((await db.server.findUniqueOrThrow({ where: { id: server.id } })).status).toBe("stopped");
  });

  it("leaves suspensions that billing did not make alone", async () => {
    const config = billingConfig();
    const { user } = await payingUser("starter");
    const server = await db.server.create({ data: { ...serverRow(user.id, { status: "stopped" }), suspendedReason: "Suspended by an administrator." } });
    await reconcileSuspensions(config, recordingStopper().stop, new Date());
    expect((await db.server.findUniqueOrThrow({ where: { id: server.id } })).suspendedReason).toBe("Suspended by an administrator.");
  });

  it("without billing configured, lifts billing suspensions", async () => {
    const user = await db.user.create({ data: { email: `nobill-${randomUUID()}@example.test`, passwordHash: "x" } });
    const server = await db.server.create({ data: { ...serverRow(user.id, { status: "stopped" }), suspendedReason: "Billing: a payment failed." } });
    const result = await reconcileSuspensions({ configured: false, graceDays: 7 }, recordingStopper().stop, new Date());
    expect(result.lifted).toBeGreaterThanOrEqual(1);
    expect((await db.server.findUniqueOrThrow({ where: { id: server.id } })).suspendedReason).toBeNull();
  });
});
