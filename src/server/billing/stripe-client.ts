import Stripe from "stripe";
import type { BillingConfig } from "./config";

/**
 * The one Stripe SDK instance of the process. A deployment and the tests take the same code path;
 * only STRIPE_API_BASE (host/port/protocol) differs when pointing at a local fake.
 */
type Configured = Extract<BillingConfig, { configured: true }>;

const g = globalThis as unknown as { __zlhStripe?: { key: string; client: Stripe } };

export function stripeClient(config: Configured): Stripe {
  const key = `${config.secretKey}@${config.apiBase ? `${config.apiBase.protocol}://${config.apiBase.host}:${config.apiBase.port}` : "stripe"}`;
  if (g.__zlhStripe?.key !== key) {
    g.__zlhStripe = {
      key,
      client: new Stripe(config.secretKey, {
        maxNetworkRetries: 2,
        timeout: 20_000,
        telemetry: false,
        appInfo: { name: "ZeroLagHub" },
        ...(config.apiBase ?? {}),
      }),
    };
  }
  return g.__zlhStripe.client;
}
