import { describe, expect, it } from "vitest";
import { billingConfigFrom } from "./config";
import { rowFromStripe, shouldReplace, type StripeSubscriptionState } from "./subscription-sync";

const config = billingConfigFrom({
  STRIPE_SECRET_KEY: "sk_test_x",
  STRIPE_WEBHOOK_SECRET: "whsec_x",
  STRIPE_PRICE_STARTER: "price_starter",
  STRIPE_PRICE_PRO: "price_pro",
  STRIPE_API_BASE: undefined,
  ZLH_BILLING_GRACE_DAYS: 7,
});
const seen = new Date("2026-11-26T00:00:00Z");

function sub(over: Partial<StripeSubscriptionState> = {}): StripeSubscriptionState {
  return {
    id: "sub_1",
    customer: "cus_1",
    status: "active",
    cancel_at_period_end: false,
    metadata: {},
    items: { data: [{ price: { id: "price_pro" }, current_period_end: 1_800_000_000 }] },
    latest_invoice: { id: "in_1", status: "paid", attempted: true },
    ...over,
  };
}

describe("rowFromStripe", () => {
  it("maps the price to our plan and the item's period end", () => {
    const row = rowFromStripe(sub(), config, null, seen);
    expect(row).toEqual({
      stripeSubscriptionId: "sub_1",
      plan: "pro",
      status: "active",
      currentPeriodEnd: new Date(1_800_000_000_000),
      cancelAtPeriodEnd: false,
      paymentFailedAt: null,
      latestInvoiceStatus: "paid",
    });
  });

  it("grants nothing for a price this deployment does not sell", () => {
    expect(rowFromStripe(sub({ items: { data: [{ price: { id: "price_other" } }] } }), config, null, seen).plan).toBe("free");
  });

  it("starts the grace period at the first failure and keeps it through retries", () => {
    const failing = sub({ status: "past_due", latest_invoice: { id: "in_2", status: "open", attempted: true } });
    const first = rowFromStripe(failing, config, null, seen);
    expect(first.paymentFailedAt).toEqual(seen);
    const later = rowFromStripe(failing, config, { ...first }, new Date("2026-11-28T00:00:00Z"));
    expect(later.paymentFailedAt).toEqual(seen);
  });

  it("clears the failure once Stripe reports the subscription paid", () => {
    const existing = { stripeSubscriptionId: "sub_1", status: "past_due", paymentFailedAt: seen, latestInvoiceStatus: "open" };
    expect(rowFromStripe(sub(), config, existing, seen).paymentFailedAt).toBeNull();
  });

  it("keeps an unpaid attempted invoice of a canceled subscription as a failure", () => {
    const row = rowFromStripe(sub({ status: "canceled", latest_invoice: { id: "in_3", status: "open", attempted: true } }), config, null, seen);
    expect(row.paymentFailedAt).toEqual(seen);
    const paidLater = rowFromStripe(sub({ status: "canceled", latest_invoice: { id: "in_3", status: "paid", attempted: true } }), config, row, seen);
    expect(paidLater.paymentFailedAt).toBeNull();
  });

  it("does not carry another subscription's failure over", () => {
    const existing = { stripeSubscriptionId: "sub_old", status: "canceled", paymentFailedAt: seen, latestInvoiceStatus: "open" };
    const row = rowFromStripe(sub({ id: "sub_new", latest_invoice: "in_9" }), config, existing, seen);
    expect(row.paymentFailedAt).toBeNull();
    expect(row.latestInvoiceStatus).toBeNull();
  });
});

describe("shouldReplace", () => {
  const stored = (id: string, status: string) => ({ stripeSubscriptionId: id, status, paymentFailedAt: null, latestInvoiceStatus: null });
  it("always updates the same subscription", () => {
    expect(shouldReplace(stored("sub_1", "active"), sub({ status: "canceled" }))).toBe(true);
  });
  it("lets a late event about an old ended subscription not hide the live one", () => {
    expect(shouldReplace(stored("sub_new", "active"), sub({ id: "sub_old", status: "canceled" }))).toBe(false);
  });
  it("replaces an ended subscription with a new one", () => {
    expect(shouldReplace(stored("sub_old", "canceled"), sub({ id: "sub_new", status: "active" }))).toBe(true);
    expect(shouldReplace(null, sub())).toBe(true);
  });
});
