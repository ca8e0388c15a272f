import { z } from "zod";
import { planForPrice, type BillingConfig } from "./config";

/**
 * How a subscription fetched from Stripe becomes our Subscription row. Pure: the webhook handler
 * fetches the current state from Stripe (never trusting event order) and applies what this returns.
 */
export const stripeSubscriptionSchema = z.object({
  id: z.string().min(1),
  customer: z.union([z.string(), z.object({ id: z.string() })]),
  status: z.string().min(1),
  cancel_at_period_end: z.boolean(),
  metadata: z.record(z.string(), z.string()).nullish(),
  items: z.object({
    data: z.array(z.object({ price: z.object({ id: z.string() }), current_period_end: z.number().int().nullish() })),
  }),
  latest_invoice: z
    .union([z.string(), z.object({ id: z.string(), status: z.string().nullable(), attempted: z.boolean().nullish() })])
    .nullish(),
});
export type StripeSubscriptionState = z.infer<typeof stripeSubscriptionSchema>;

export type SubscriptionRow = {
  stripeSubscriptionId: string;
  plan: string;
  status: string;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  paymentFailedAt: Date | null;
  latestInvoiceStatus: string | null;
};

export type ExistingRow = Pick<SubscriptionRow, "stripeSubscriptionId" | "status" | "paymentFailedAt" | "latestInvoiceStatus">;

const LIVE = new Set(["active", "trialing", "past_due", "unpaid"]);
const DUNNING = new Set(["past_due", "unpaid"]);
const PAID = new Set(["active", "trialing"]);

export function customerIdOf(sub: StripeSubscriptionState): string {
  return typeof sub.customer === "string" ? sub.customer : sub.customer.id;
}

/**
 * One row per user: a different subscription replaces the stored one only when it is live or the
 * stored one is not, so a late event about an old canceled subscription cannot hide the new one.
 */
export function shouldReplace(existing: ExistingRow | null, incoming: StripeSubscriptionState): boolean {
  if (!existing || existing.stripeSubscriptionId === incoming.id) return true;
  return LIVE.has(incoming.status) || !LIVE.has(existing.status);
}

export function rowFromStripe(
  sub: StripeSubscriptionState,
  config: BillingConfig,
  existing: ExistingRow | null,
  failureSeenAt: Date,
): SubscriptionRow {
  const invoice = typeof sub.latest_invoice === "object" ? sub.latest_invoice : null;
  const invoiceStatus = invoice?.status ?? (existing?.stripeSubscriptionId === sub.id ? existing.latestInvoiceStatus : null);
  const invoiceUnpaidAfterAttempt = Boolean(invoice && invoice.attempted && (invoice.status === "open" || invoice.status === "uncollectible"));
  const paid = PAID.has(sub.status) || invoice?.status === "paid";
  const failing = !paid && (DUNNING.has(sub.status) || invoiceUnpaidAfterAttempt);
  const previousFailure = existing?.stripeSubscriptionId === sub.id ? existing.paymentFailedAt : null;
  // The grace period starts at the first failure we learn of and is not restarted by later retries.
  const paymentFailedAt = failing ? (previousFailure ?? failureSeenAt) : null;
  const periodEnds = sub.items.data.map((i) => i.current_period_end).filter((n): n is number => typeof n === "number");
  const plan = planForPrice(config, sub.items.data[0]?.price.id) ?? "free";
  return {
    stripeSubscriptionId: sub.id,
    plan,
    status: sub.status,
    currentPeriodEnd: periodEnds.length ? new Date(Math.max(...periodEnds) * 1000) : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    paymentFailedAt,
    latestInvoiceStatus: invoiceStatus,
  };
}
