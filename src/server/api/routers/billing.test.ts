import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../../test/db";
import { PRICES, SECRET_KEY, serverRow, startBillingHarness } from "../../../../test/billing/harness";

/** The billing router through tRPC callers, with the official SDK talking to the local Stripe fake. */
useTestDatabase();
const harness = await startBillingHarness();
const { fake } = harness;
const { createCaller } = await import("../root");
const { createTRPCContext } = await import("../trpc");
const { db, closeDb } = await import("../../db/client");
const { assertCanCreateServer } = await import("../../billing/entitlements");
afterAll(async () => {
  await harness.stop();
  await closeDb();
});

async function newUser() {
  return db.user.create({ data: { email: `router-${randomUUID()}@example.test`, name: "Router Test", passwordHash: "x", emailVerifiedAt: new Date() } });
}
const as = async (user: { id: string; email: string }) =>
  createCaller(await createTRPCContext({ headers: new Headers(), session: { user, expires: new Date(Date.now() + 60_000).toISOString() } }));
const anonymous = async () => createCaller(await createTRPCContext({ headers: new Headers(), session: null }));

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

async function subscribe(user: { id: string; email: string }, plan: "starter" | "pro") {
  const { url } = await (await as(user)).billing.createCheckoutSession({ plan });
  const from = fake.events.length;
  fake.completeCheckout(url.split("/").pop()!);
  for (const e of fake.events.slice(from)) expect(await fake.deliver(e.id)).toBe(200);
}

describe("billing router", () => {
  it("lists the plans, with the paid ones purchasable", async () => {
    const plans = await (await anonymous()).billing.plans();
    expect(plans.map((p) => [p.id, p.purchasable])).toEqual([
      ["free", false],
      ["starter", true],
      ["pro", true],
    ]);
  });

  it("requires a session for the caller's billing", async () => {
    expect((await trpcError((await anonymous()).billing.overview())).code).toBe("UNAUTHORIZED");
    expect((await trpcError((await anonymous()).billing.createCheckoutSession({ plan: "pro" }))).code).toBe("UNAUTHORIZED");
    expect((await trpcError((await anonymous()).billing.createPortalSession())).code).toBe("UNAUTHORIZED");
  });

  it("refuses plans that cannot be bought", async () => {
    const user = await newUser();
    const err = await trpcError((await as(user)).billing.createCheckoutSession({ plan: "free" as "pro" }));
    expect(err.code).toBe("BAD_REQUEST");
  });

  it("creates the Stripe customer once and reuses it, with idempotency keys on creates", async () => {
    const user = await newUser();
    const caller = await as(user);
    const before = fake.customers.size;
    const first = await caller.billing.createCheckoutSession({ plan: "starter" });
    const second = await caller.billing.createCheckoutSession({ plan: "pro" });
    expect(fake.customers.size).toBe(before + 1);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.stripeCustomerId).toMatch(/^cus_/);
    const sessions = [first, second].map((r) => fake.sessions.get(r.url.split("/").pop()!)!);
    for (const s of sessions) {
      expect(s).toMatchObject({ mode: "subscription", customer: stored.stripeCustomerId, client_reference_id: user.id, cancel_url: "http://portal.test/billing?checkout=canceled" });
      expect(String(s.success_url)).toBe("http://portal.test/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}");
    }
    expect((sessions[0]!._line_items as { price: string }[])[0]!.price).toBe(PRICES.starter);
    expect((sessions[1]!._line_items as { price: string }[])[0]!.price).toBe(PRICES.pro);
    const creates = fake.requests.filter((r) => r.method === "POST" && r.idempotencyKey?.includes(user.id));
    expect(creates.map((r) => r.path)).toEqual(["/v1/customers", "/v1/checkout/sessions", "/v1/checkout/sessions"]);
  });

  it("a repeated click returns the same Checkout Session (idempotent replay)", async () => {
    const user = await newUser();
    const caller = await as(user);
    const [a, b] = await Promise.all([caller.billing.createCheckoutSession({ plan: "pro" }), caller.billing.createCheckoutSession({ plan: "pro" })]);
    expect(a.url).toBe(b.url);
    expect([...fake.customers.values()].filter((c) => (c.metadata as Record<string, string>).userId === user.id)).toHaveLength(1);
  });

  it("shows the plan bought, refuses a second subscription and opens the Customer Portal", async () => {
    const user = await newUser();
    const caller = await as(user);
    expect(await caller.billing.overview()).toMatchObject({ configured: true, plan: "free", state: "none", hasBillingAccount: false });
    expect((await trpcError(caller.billing.createPortalSession())).code).toBe("PRECONDITION_FAILED");
    await subscribe(user, "pro");
    const view = await caller.billing.overview();
    expect(view).toMatchObject({ plan: "pro", state: "active", hasBillingAccount: true, subscription: { plan: "pro", status: "active", latestInvoiceStatus: "paid" } });
    expect(view.subscription!.currentPeriodEnd!.getTime()).toBeGreaterThan(Date.now());
    expect((await trpcError(caller.billing.createCheckoutSession({ plan: "starter" }))).code).toBe("CONFLICT");
    const portal = await caller.billing.createPortalSession();
    expect(portal.url).toMatch(new RegExp(`^${fake.baseUrl}/p/session/bps_`));
    const session = [...fake.portalSessions.values()].at(-1)!;
    expect(session).toMatchObject({ return_url: "http://portal.test/billing" });
  });

  it("the fake answers in Stripe's error envelope, so the SDK raises its typed errors", async () => {
    const { default: Stripe } = await import("stripe");
    const wrong = new Stripe("sk_test_wrong", { host: fake.host, port: fake.port, protocol: "http" });
    await expect(wrong.customers.create({ email: "x@example.test" })).rejects.toMatchObject({ type: "StripeAuthenticationError", statusCode: 401 });
    const right = new Stripe(SECRET_KEY, { host: fake.host, port: fake.port, protocol: "http" });
    await expect(right.subscriptions.retrieve("sub_missing")).rejects.toMatchObject({ type: "StripeInvalidRequestError", statusCode: 404, code: "resource_missing" });
  });
});

describe("limits enforced on create", () => {
  it("free plan: one small server, then a refusal naming the limit and linking to /billing", async () => {
    const user = await newUser();
    await expect(assertCanCreateServer(user.id, { kind: "game", memoryMb: 2048, enableCodeServer: false })).rejects.toThrow(
      "Your plan allows 1024 MB of memory per server. Upgrade on the billing page: /billing",
    );
    await expect(assertCanCreateServer(user.id, { kind: "game", memoryMb: 1024, enableCodeServer: false })).resolves.toBeUndefined();
    await db.server.create({ data: serverRow(user.id) });
    const err = await trpcError(assertCanCreateServer(user.id, { kind: "dev", memoryMb: 512, enableCodeServer: true }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toBe("Your plan allows 1 server in total. Upgrade on the billing page: /billing");
    const usage = await (await as(user)).billing.overview();
    expect(usage).toMatchObject({ usage: { game: 1, dev: 0, total: 1 }, limits: { servers: 1 } });
  });

  it("after upgrading, the paid plan's limits apply", async () => {
    const user = await newUser();
    await db.server.create({ data: serverRow(user.id) });
    await subscribe(user, "starter");
    await expect(assertCanCreateServer(user.id, { kind: "game", memoryMb: 4096, enableCodeServer: false })).resolves.toBeUndefined();
    await db.server.create({ data: serverRow(user.id) });
    await expect(assertCanCreateServer(user.id, { kind: "game", memoryMb: 1024, enableCodeServer: false })).rejects.toThrow("Your plan allows 2 game servers.");
    await expect(assertCanCreateServer(user.id, { kind: "dev", memoryMb: 8192, enableCodeServer: false })).rejects.toThrow("Your plan allows 4096 MB of memory per server.");
    // Deleted servers do not count.
    await db.server.updateMany({ where: { userId: user.id }, data: { status: "deleted" } });
    await expect(assertCanCreateServer(user.id, { kind: "game", memoryMb: 1024, enableCodeServer: false })).resolves.toBeUndefined();
  });
});
