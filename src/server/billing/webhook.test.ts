import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startBillingHarness, WEBHOOK_SECRET } from "../../../test/billing/harness";

/**
 * The webhook over real HTTP: the official SDK talks to the local Stripe fake, the fake signs and
 * posts events to the real route handler, PostgreSQL records them.
 */
useTestDatabase();
const harness = await startBillingHarness();
const { fake, webhookUrl } = harness;
const { db, closeDb } = await import("../db/client");
const { createCheckoutSession } = await import("./service");
const { planFor } = await import("./entitlements");
afterAll(async () => {
  await harness.stop();
  await closeDb();
});

const signer = new Stripe("sk_test_signer");

async function newUser() {
  return db.user.create({ data: { email: `billing-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
}

/** A user who went through Checkout for a plan; events are generated but not yet delivered. */
async function checkedOut(plan: "starter" | "pro" = "pro") {
  const user = await newUser();
  const { url } = await createCheckoutSession(user.id, plan);
  const sessionId = url.split("/").pop()!;
  const from = fake.events.length;
  fake.completeCheckout(sessionId);
  const session = fake.sessions.get(sessionId)!;
  return { user, sessionId, subscriptionId: String(session.subscription), events: fake.events.slice(from) };
}

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const subscriptionOf = (userId: string) => db.subscription.findUnique({ where: { userId } });
const eventRecorded = async (id: string) => Boolean(await db.stripeEvent.findUnique({ where: { id } }));

beforeEach(() => {
  fake.autoDeliver = false;
});

describe("stripe webhook: signatures", () => {
  it("refuses a forged signature with 400 and changes nothing", async () => {
    const { user, events } = await checkedOut();
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const payload = JSON.stringify(completed);
    const forged = signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_not_the_real_secret" });
    expect(await post(payload, { "stripe-signature": forged })).toMatchObject({ status: 400, body: { error: "Invalid signature." } });
    expect(await post(payload, { "stripe-signature": "t=1,v1=deadbeef" })).toMatchObject({ status: 400 });
    expect(await eventRecorded(completed.id)).toBe(false);
    expect(await subscriptionOf(user.id)).toBeNull();
  });

  it("refuses a body altered after signing", async () => {
    const { user, events } = await checkedOut();
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const header = signer.webhooks.generateTestHeaderString({ payload: JSON.stringify(completed), secret: WEBHOOK_SECRET });
    const tampered = JSON.stringify({ ...completed, id: "evt_tampered" });
    expect((await post(tampered, { "stripe-signature": header })).status).toBe(400);
    expect(await subscriptionOf(user.id)).toBeNull();
  });

  it("refuses a stale signature (replay outside Stripe's tolerance) with 400", async () => {
    const { user, events } = await checkedOut();
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const payload = JSON.stringify(completed);
    const stale = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await post(payload, { "stripe-signature": stale })).status).toBe(400);
    expect(await eventRecorded(completed.id)).toBe(false);
    expect(await subscriptionOf(user.id)).toBeNull();
  });

  it("refuses an unsigned request with 400", async () => {
    const res = await post(JSON.stringify({ id: "evt_unsigned", type: "checkout.session.completed", data: { object: {} } }), {});
    expect(res.status).toBe(400);
    expect(await eventRecorded("evt_unsigned")).toBe(false);
  });
});

describe("stripe webhook: events", () => {
  it("checkout.session.completed puts the user on the plan they bought", async () => {
    const { user, events } = await checkedOut("pro");
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    expect(await fake.deliver(completed.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ plan: "pro", status: "active", latestInvoiceStatus: "paid", paymentFailedAt: null });
    expect(await planFor(user.id)).toBe("pro");
    expect(await eventRecorded(completed.id)).toBe(true);
  });

  it("a replayed event changes nothing", async () => {
    const { user, subscriptionId, events } = await checkedOut("starter");
    const created = events.find((e) => e.type === "customer.subscription.created")!;
    expect(await fake.deliver(created.id)).toBe(200);
    const before = await subscriptionOf(user.id);
    expect(before).toMatchObject({ plan: "starter", status: "active" });
    // Stripe's state moves on (a payment fails) but only the old event is replayed.
    fake.failPayment(subscriptionId);
    expect(await fake.deliver(created.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toEqual(before);
    expect(await db.stripeEvent.count({ where: { id: created.id } })).toBe(1);
  });

  it("concurrent deliveries of one event apply it once", async () => {
    const { user, events } = await checkedOut("pro");
    const created = events.find((e) => e.type === "customer.subscription.created")!;
    const statuses = await Promise.all([1, 2, 3].map(() => post(JSON.stringify(created), { "stripe-signature": signer.webhooks.generateTestHeaderString({ payload: JSON.stringify(created), secret: WEBHOOK_SECRET }) })));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(statuses.filter((s) => s.body.outcome === "applied")).toHaveLength(1);
    expect(await subscriptionOf(user.id)).toMatchObject({ plan: "pro" });
  });

  it("subscription updated before created: the final state is Stripe's current one", async () => {
    const { user, subscriptionId, events } = await checkedOut("pro");
    const created = events.find((e) => e.type === "customer.subscription.created")!;
    // The customer schedules a cancellation; Stripe emits customer.subscription.updated.
    const stripe = new Stripe("sk_test_zerolaghub_billing", { host: fake.host, port: fake.port, protocol: "http" });
    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    const updated = fake.events.filter((e) => e.type === "customer.subscription.updated" && e.data.object.id === subscriptionId).at(-1)!;
    // Delivered out of order: updated first, then the older created event.
    expect(await fake.deliver(updated.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ plan: "pro", status: "active", cancelAtPeriodEnd: true });
    expect(await fake.deliver(created.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ plan: "pro", status: "active", cancelAtPeriodEnd: true });
  });

  it("customer.subscription.deleted returns the user to the free plan", async () => {
    const { user, subscriptionId, events } = await checkedOut("pro");
    await fake.deliver(events.find((e) => e.type === "customer.subscription.created")!.id);
    expect(await planFor(user.id)).toBe("pro");
    fake.cancelSubscription(subscriptionId);
    const deleted = fake.eventsOfType("customer.subscription.deleted").at(-1)!;
    expect(await fake.deliver(deleted.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ status: "canceled" });
    expect(await planFor(user.id)).toBe("free");
  });

  it("invoice.payment_failed records the failure from Stripe's state; invoice.paid clears it", async () => {
    const { user, subscriptionId, events } = await checkedOut("starter");
    await fake.deliver(events.find((e) => e.type === "checkout.session.completed")!.id);
    fake.failPayment(subscriptionId);
    const failed = fake.eventsOfType("invoice.payment_failed").at(-1)!;
    expect(await fake.deliver(failed.id)).toBe(200);
    const failing = await subscriptionOf(user.id);
    expect(failing).toMatchObject({ status: "past_due", latestInvoiceStatus: "open" });
    expect(failing!.paymentFailedAt).toEqual(new Date(failed.created * 1000));
    // Still within grace: the paid plan holds.
    expect(await planFor(user.id)).toBe("starter");
    fake.payLatestInvoice(subscriptionId);
    const paid = fake.eventsOfType("invoice.paid").at(-1)!;
    expect(await fake.deliver(paid.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ status: "active", latestInvoiceStatus: "paid", paymentFailedAt: null });
  });

  it("a late invoice.payment_failed after the invoice was paid does not bring the failure back", async () => {
    const { user, subscriptionId, events } = await checkedOut("starter");
    await fake.deliver(events.find((e) => e.type === "checkout.session.completed")!.id);
    fake.failPayment(subscriptionId);
    const failed = fake.eventsOfType("invoice.payment_failed").at(-1)!;
    fake.payLatestInvoice(subscriptionId);
    const paid = fake.eventsOfType("invoice.paid").at(-1)!;
    expect(await fake.deliver(paid.id)).toBe(200);
    expect(await fake.deliver(failed.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ status: "active", paymentFailedAt: null });
  });

  it("acknowledges and records events it does not handle", async () => {
    const { events } = await checkedOut();
    const unknown = events.find((e) => e.type === "invoice.finalized")!;
    const res = await post(JSON.stringify(unknown), { "stripe-signature": signer.webhooks.generateTestHeaderString({ payload: JSON.stringify(unknown), secret: WEBHOOK_SECRET }) });
    expect(res).toEqual({ status: 200, body: { received: true, outcome: "ignored" } });
    expect(await eventRecorded(unknown.id)).toBe(true);
  });

  it("delivers a whole checkout, in Stripe's order, with every delivery acknowledged", async () => {
    const { user, events } = await checkedOut("pro");
    for (const e of events) expect(await fake.deliver(e.id)).toBe(200);
    expect(await subscriptionOf(user.id)).toMatchObject({ plan: "pro", status: "active" });
  });
});
