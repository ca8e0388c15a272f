import { TRPCError } from "@trpc/server";
import { env } from "../../env";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { billingConfig, type BillingConfig } from "./config";
import { usageFor } from "./entitlements";
import { planById, plans, type PlanId, type PlanLimits } from "./plans";
import { BILLING_SUSPENSION_PREFIX, isBillingSuspension, standingOf, type StandingState } from "./standing";
import { stripeClient } from "./stripe-client";
import { assertVerified } from "../account/verification";

/**
 * What the billing page and router need: plans, the caller's standing and usage, and the Stripe
 * Checkout / Customer Portal sessions. Stripe calls carry idempotency keys, so a double click or an
 * SDK retry never creates a second customer or session.
 */
type Configured = Extract<BillingConfig, { configured: true }>;
export type PaidPlanId = Exclude<PlanId, "free">;

const log = logger.child({ domain: "billing" });

/** Absolute portal URL that Stripe sends the browser back to. */
export function portalBaseUrl(): string {
  return (env.ZLH_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

function requireConfigured(): Configured {
  const config = billingConfig();
  if (!config.configured) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Billing is not configured on this deployment." });
  return config;
}

export type PlanView = {
  id: PlanId;
  name: string;
  tagline: string;
  priceMonthlyUsd: number;
  limits: PlanLimits;
  features: string[];
  purchasable: boolean;
};

export function listPlans(config: BillingConfig = billingConfig()): PlanView[] {
  return plans.map((p) => ({
    id: p.id,
    name: p.name,
    tagline: p.tagline,
    priceMonthlyUsd: p.priceMonthlyUsd,
    limits: p.limits,
    features: p.features,
    purchasable: p.id !== "free" && config.configured && Boolean(config.prices[p.id]),
  }));
}

export type BillingOverview = {
  configured: boolean;
  graceDays: number;
  plan: PlanId;
  state: StandingState;
  graceEndsAt: Date | null;
  subscription: {
    plan: string;
    status: string;
    currentPeriodEnd: Date | null;
    cancelAtPeriodEnd: boolean;
    paymentFailedAt: Date | null;
    latestInvoiceStatus: string | null;
  } | null;
  hasBillingAccount: boolean;
  usage: { game: number; dev: number; total: number };
  limits: PlanLimits;
  suspendedServers: { id: string; name: string; reason: string }[];
};

export async function billingOverview(userId: string, now: Date = new Date()): Promise<BillingOverview> {
  const config = billingConfig();
  const [user, usage, suspended] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true, subscription: true } }),
    usageFor(userId),
    db.server.findMany({
      where: { userId, suspendedReason: { not: null }, status: { not: "deleted" } },
      select: { id: true, name: true, suspendedReason: true },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const sub = config.configured ? (user?.subscription ?? null) : null;
  const standing = config.configured ? standingOf(sub, now, config.graceDays) : standingOf(null, now, config.graceDays);
  return {
    configured: config.configured,
    graceDays: config.graceDays,
    plan: standing.plan,
    state: standing.state,
    graceEndsAt: standing.graceEndsAt,
    subscription: sub && {
      plan: sub.plan,
      status: sub.status,
      currentPeriodEnd: sub.currentPeriodEnd,
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      paymentFailedAt: sub.paymentFailedAt,
      latestInvoiceStatus: sub.latestInvoiceStatus,
    },
    hasBillingAccount: config.configured && Boolean(user?.stripeCustomerId),
    usage: { ...usage, total: usage.game + usage.dev },
    limits: planById(standing.plan).limits,
    suspendedServers: suspended.map((s) => ({
      id: s.id,
      name: s.name,
      reason: isBillingSuspension(s.suspendedReason) ? s.suspendedReason!.slice(BILLING_SUSPENSION_PREFIX.length).trim() : s.suspendedReason!,
    })),
  };
}

/** The user's Stripe customer, created once (idempotently) and stored on the user. */
async function ensureCustomer(config: Configured, userId: string): Promise<string> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, name: true, stripeCustomerId: true } });
  if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const customer = await stripeClient(config).customers.create(
    { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { userId } },
    // Two concurrent first checkouts get the same customer back from Stripe.
    { idempotencyKey: `zlh-customer-${userId}` },
  );
  const stored = await db.user.updateMany({ where: { id: userId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  if (stored.count === 0) {
    const again = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { stripeCustomerId: true } });
    return again.stripeCustomerId!;
  }
  log.info({ userId, customerId: customer.id }, "stripe customer created");
  return customer.id;
}

const LIVE_STATUSES = new Set(["active", "trialing", "past_due", "unpaid"]);
/** Repeated clicks within this window reuse the same Checkout Session. */
const CHECKOUT_KEY_WINDOW_MS = 10 * 60 * 1000;

export async function createCheckoutSession(userId: string, planId: PaidPlanId, now: Date = new Date()): Promise<{ url: string }> {
  const config = requireConfigured();
  await assertVerified(userId, "choose a paid plan");
  const price = config.prices[planId];
  if (!price) throw new TRPCError({ code: "BAD_REQUEST", message: `The ${planById(planId).name} plan is not sold on this deployment.` });
  const existing = await db.subscription.findUnique({ where: { userId }, select: { status: true } });
  if (existing && LIVE_STATUSES.has(existing.status)) {
    throw new TRPCError({ code: "CONFLICT", message: "You already have a subscription: change or cancel it under Manage billing." });
  }
  const customer = await ensureCustomer(config, userId);
  const base = portalBaseUrl();
  const session = await stripeClient(config).checkout.sessions.create(
    {
      mode: "subscription",
      customer,
      client_reference_id: userId,
      line_items: [{ price, quantity: 1 }],
      success_url: `${base}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${base}/billing?checkout=canceled`,
      metadata: { userId, plan: planId },
      subscription_data: { metadata: { userId, plan: planId } },
    },
    { idempotencyKey: `zlh-checkout-${userId}-${planId}-${Math.floor(now.getTime() / CHECKOUT_KEY_WINDOW_MS)}` },
  );
  if (!session.url) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Stripe returned a Checkout Session without a URL." });
  log.info({ userId, plan: planId, sessionId: session.id }, "checkout session created");
  return { url: session.url };
}

export async function createPortalSession(userId: string, now: Date = new Date()): Promise<{ url: string }> {
  const config = requireConfigured();
  const user = await db.user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } });
  if (!user?.stripeCustomerId) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "There is no billing account yet: choose a plan first." });
  const session = await stripeClient(config).billingPortal.sessions.create(
    { customer: user.stripeCustomerId, return_url: `${portalBaseUrl()}/billing` },
    { idempotencyKey: `zlh-portal-${userId}-${Math.floor(now.getTime() / 60_000)}` },
  );
  return { url: session.url };
}
