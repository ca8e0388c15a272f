import Stripe from "stripe";
import { z } from "zod";
import { db } from "../db/client";
import type { Prisma } from "../../generated/prisma/client";
import { logger } from "../log/logger";
import { billingConfig, type BillingConfig } from "./config";
import { shouldSuspend, standingOf } from "./standing";
import { liftBillingSuspensions } from "./suspension";
import { stripeClient } from "./stripe-client";
import { sendBillingNoticesSafely } from "../notify/billing-notices";
import { customerIdOf, rowFromStripe, shouldReplace, stripeSubscriptionSchema, type StripeSubscriptionState } from "./subscription-sync";

/**
 * Stripe webhooks. The signature is checked on the raw body; each event id is recorded in the same
 * transaction as its effect, so a replay changes nothing. Every handled event is reduced to "sync
 * subscription X": its current state is fetched from Stripe, so the order events arrive in does not
 * matter.
 */
type Configured = Extract<BillingConfig, { configured: true }>;
export type WebhookResult = { status: number; body: Record<string, unknown> };
export type EventOutcome = "applied" | "duplicate" | "ignored" | "unmatched" | "kept" | "missing";

const log = logger.child({ domain: "billing" });

const idOrObject = z.union([z.string(), z.object({ id: z.string() })]).nullish();
const idOf = (v: z.infer<typeof idOrObject>): string | null => (v ? (typeof v === "string" ? v : v.id) : null);

const checkoutSessionSchema = z.object({
  id: z.string(),
  mode: z.string(),
  subscription: idOrObject,
  client_reference_id: z.string().nullish(),
});
const subscriptionRefSchema = z.object({ id: z.string() });
const invoiceSchema = z.object({
  id: z.string(),
  parent: z.object({ subscription_details: z.object({ subscription: idOrObject }).nullish() }).nullish(),
  // Invoices rendered with API versions before 2025-03-31 name the subscription at the top level.
  subscription: idOrObject,
});

export const HANDLED_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
] as const;

type SyncTarget = { subscriptionId: string; userHint: string | null; failureSeenAt: Date };

/** Which subscription an event is about; null for events that need no sync. */
export function syncTargetOf(event: Stripe.Event, now: Date): SyncTarget | null {
  const object: unknown = event.data.object;
  switch (event.type) {
    case "checkout.session.completed": {
      const s = checkoutSessionSchema.parse(object);
      const subscriptionId = idOf(s.subscription);
      if (s.mode !== "subscription" || !subscriptionId) return null;
      return { subscriptionId, userHint: s.client_reference_id ?? null, failureSeenAt: now };
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return { subscriptionId: subscriptionRefSchema.parse(object).id, userHint: null, failureSeenAt: now };
    case "invoice.paid":
    case "invoice.payment_failed": {
      const inv = invoiceSchema.parse(object);
      const subscriptionId = idOf(inv.parent?.subscription_details?.subscription) ?? idOf(inv.subscription);
      if (!subscriptionId) return null;
      // A failure's grace period starts when Stripe saw the failure, not when we processed it.
      const failureSeenAt = event.type === "invoice.payment_failed" ? new Date(event.created * 1000) : now;
      return { subscriptionId, userHint: null, failureSeenAt };
    }
    default:
      return null;
  }
}

export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookResult> {
  const config = billingConfig();
  if (!config.configured) return { status: 503, body: { error: "Billing is not configured." } };
  if (!signature) return { status: 400, body: { error: "Missing Stripe-Signature header." } };
  let event: Stripe.Event;
  try {
    event = stripeClient(config).webhooks.constructEvent(rawBody, signature, config.webhookSecret);
  } catch (err) {
    log.warn({ reason: (err as Error).message.split("\n")[0] }, "stripe webhook refused: bad signature");
    return { status: 400, body: { error: "Invalid signature." } };
  }
  const outcome = await processStripeEvent(event, config);
  return { status: 200, body: { received: true, outcome } };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

export async function processStripeEvent(event: Stripe.Event, config: Configured, now: Date = new Date()): Promise<EventOutcome> {
  const elog = log.child({ eventId: event.id, type: event.type });
  // Fast path for replays; the insert below is what actually guarantees once-only.
  if (await db.stripeEvent.findUnique({ where: { id: event.id }, select: { id: true } })) {
    elog.info("stripe event already processed");
    return "duplicate";
  }
  const target = syncTargetOf(event, now);
  try {
    const outcome = await db.$transaction(
      async (tx) => {
        await tx.stripeEvent.create({ data: { id: event.id, type: event.type } });
        if (!target) return "ignored" as const;
        // One writer per subscription at a time, fetching inside the lock: a slower delivery can
        // never write an older snapshot over a newer one.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${target.subscriptionId}))`;
        const sub = await fetchSubscription(config, target.subscriptionId);
        if (!sub) return "missing" as const;
        return applySubscription(tx, sub, target, config, now);
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    if (outcome === "ignored") {
      if ((HANDLED_EVENTS as readonly string[]).includes(event.type)) elog.info("stripe event needs no change");
      else elog.info("stripe event type not handled: acknowledged");
    } else elog.info({ outcome, subscriptionId: target?.subscriptionId }, "stripe event processed");
    // A failed or recovered payment is told to the account owner now, not at the next billing check.
    if (outcome === "applied") await sendBillingNoticesSafely(config);
    return outcome;
  } catch (err) {
    if (isUniqueViolation(err)) return "duplicate";
    throw err;
  }
}

async function fetchSubscription(config: Configured, id: string): Promise<StripeSubscriptionState | null> {
  try {
    const raw = await stripeClient(config).subscriptions.retrieve(id, { expand: ["latest_invoice"] });
    return stripeSubscriptionSchema.parse(raw);
  } catch (err) {
    // A subscription Stripe does not know cannot be synced; retrying would not change that.
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404) {
      log.warn({ subscriptionId: id }, "stripe subscription not found");
      return null;
    }
    throw err;
  }
}

async function applySubscription(
  tx: Prisma.TransactionClient,
  sub: StripeSubscriptionState,
  target: SyncTarget,
  config: Configured,
  now: Date,
): Promise<EventOutcome> {
  const customerId = customerIdOf(sub);
  let user = await tx.user.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
  if (!user && target.userHint) {
    // Checkout names our user (client_reference_id): link the customer if the user has none yet.
    const linked = await tx.user.updateMany({ where: { id: target.userHint, stripeCustomerId: null }, data: { stripeCustomerId: customerId } });
    if (linked.count === 1) user = { id: target.userHint };
  }
  if (!user) {
    log.warn({ subscriptionId: sub.id, customerId }, "stripe subscription for a customer we do not know");
    return "unmatched";
  }
  const existing = await tx.subscription.findUnique({ where: { userId: user.id } });
  if (!shouldReplace(existing, sub)) {
    log.info({ subscriptionId: sub.id, kept: existing?.stripeSubscriptionId }, "older subscription left alone");
    return "kept";
  }
  const row = rowFromStripe(sub, config, existing, target.failureSeenAt);
  await tx.subscription.upsert({ where: { userId: user.id }, create: { userId: user.id, ...row }, update: row });
  // Payment lifts billing's own suspensions, in this same transaction (other reasons stay).
  if (!shouldSuspend(standingOf(row, now, config.graceDays))) await liftBillingSuspensions(tx, { userId: user.id }, "Suspension lifted: payment received");
  return "applied";
}
