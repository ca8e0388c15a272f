import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

/** The embedded default: no Stripe keys. Billing says so, and everyone is on the free plan. */
useTestDatabase();
for (const k of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE_STARTER", "STRIPE_PRICE_PRO", "STRIPE_API_BASE"]) delete process.env[k];
const { POST } = await import("../../app/api/stripe/webhook/route");
const { db, closeDb } = await import("../db/client");
const { billingOverview, createCheckoutSession, createPortalSession, listPlans } = await import("./service");
const { planFor } = await import("./entitlements");
afterAll(closeDb);

describe("billing without Stripe keys", () => {
  it("answers the webhook with 503, signed or not, and records nothing", async () => {
    const payload = JSON.stringify({ id: "evt_unconfigured", object: "event", type: "checkout.session.completed", data: { object: {} } });
    const header = new Stripe("sk_test_x").webhooks.generateTestHeaderString({ payload, secret: "whsec_anything" });
    for (const headers of [{ "stripe-signature": header }, {}] as Record<string, string>[]) {
      const res = await POST(new Request("http://localhost/api/stripe/webhook", { method: "POST", headers, body: payload }));
      expect(res.status).toBe(503);
    }
    expect(await db.stripeEvent.findUnique({ where: { id: "evt_unconfigured" } })).toBeNull();
  });

  it("puts everyone on the free plan, whatever rows exist", async () => {
    const user = await db.user.create({ data: { email: `nokeys-${randomUUID()}@example.test`, passwordHash: "x" } });
    await db.subscription.create({ data: { userId: user.id, stripeSubscriptionId: `sub_${randomUUID()}`, plan: "pro", status: "active" } });
    expect(await planFor(user.id)).toBe("free");
    expect(await billingOverview(user.id)).toMatchObject({ configured: false, plan: "free", subscription: null, hasBillingAccount: false });
    expect(listPlans().every((p) => !p.purchasable)).toBe(true);
  });

  it("refuses checkout and portal with a clear message instead of pretending", async () => {
    const user = await db.user.create({ data: { email: `nokeys-${randomUUID()}@example.test`, passwordHash: "x" } });
    for (const p of [createCheckoutSession(user.id, "pro"), createPortalSession(user.id)]) {
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("PRECONDITION_FAILED");
      expect((err as TRPCError).message).toBe("Billing is not configured on this deployment.");
    }
  });
});
