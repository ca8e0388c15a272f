import { env, type Env } from "../../env";
import type { PlanId } from "./plans";

/**
 * Billing configuration, derived from the environment. Billing is "configured" only when both the
 * secret key and the webhook secret are present; otherwise the portal runs without billing and
 * everyone is on the free plan.
 */
export type StripeApiBase = { host: string; port: number; protocol: "http" | "https" };

export type BillingConfig =
  | { configured: false; graceDays: number }
  | {
      configured: true;
      secretKey: string;
      webhookSecret: string;
      /** Paid plans that have a price in this deployment. */
      prices: Partial<Record<Exclude<PlanId, "free">, string>>;
      /** Where the Stripe SDK sends requests; undefined means Stripe's own API. */
      apiBase: StripeApiBase | undefined;
      graceDays: number;
    };

type BillingEnv = Pick<
  Env,
  "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "STRIPE_PRICE_STARTER" | "STRIPE_PRICE_PRO" | "STRIPE_API_BASE" | "ZLH_BILLING_GRACE_DAYS"
>;

export function parseApiBase(url: string): StripeApiBase {
  const u = new URL(url);
  const protocol = u.protocol === "http:" ? "http" : "https";
  const port = u.port ? Number(u.port) : protocol === "http" ? 80 : 443;
  return { host: u.hostname, port, protocol };
}

export function billingConfigFrom(e: BillingEnv): BillingConfig {
  const graceDays = e.ZLH_BILLING_GRACE_DAYS;
  if (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET) return { configured: false, graceDays };
  const prices: Partial<Record<Exclude<PlanId, "free">, string>> = {};
  if (e.STRIPE_PRICE_STARTER) prices.starter = e.STRIPE_PRICE_STARTER;
  if (e.STRIPE_PRICE_PRO) prices.pro = e.STRIPE_PRICE_PRO;
  return {
    configured: true,
    secretKey: e.STRIPE_SECRET_KEY,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET,
    prices,
    apiBase: e.STRIPE_API_BASE ? parseApiBase(e.STRIPE_API_BASE) : undefined,
    graceDays,
  };
}

let cached: BillingConfig | undefined;

export function billingConfig(): BillingConfig {
  cached ??= billingConfigFrom(env);
  return cached;
}

/** The plan a Stripe price buys, or null for a price this deployment does not sell. */
export function planForPrice(config: BillingConfig, priceId: string | null | undefined): Exclude<PlanId, "free"> | null {
  if (!config.configured || !priceId) return null;
  for (const [plan, price] of Object.entries(config.prices)) if (price === priceId) return plan as Exclude<PlanId, "free">;
  return null;
}
