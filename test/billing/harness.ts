import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe/server";

/**
 * Billing test harness: the local Stripe fake plus a loopback HTTP server that runs the real
 * webhook route handler (src/app/api/stripe/webhook/route.ts), so events travel over HTTP with
 * signatures exactly as they do in production. Call before importing anything that reads env.
 */
export const WEBHOOK_SECRET = "whsec_test_zerolaghub_billing";
export const SECRET_KEY = "sk_test_zerolaghub_billing";
export const PRICES = { starter: "price_fake_starter", pro: "price_fake_pro" } as const;

export type BillingHarness = { fake: FakeStripe; webhookUrl: string; stop: () => Promise<void> };

export async function startBillingHarness(opts: { graceDays?: number } = {}): Promise<BillingHarness> {
  const fake = await startFakeStripe({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, autoDeliver: false });
  process.env.STRIPE_SECRET_KEY = SECRET_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_PRICE_STARTER = PRICES.starter;
  process.env.STRIPE_PRICE_PRO = PRICES.pro;
  process.env.STRIPE_API_BASE = fake.baseUrl;
  process.env.ZLH_BILLING_GRACE_DAYS = String(opts.graceDays ?? 7);
  process.env.ZLH_PUBLIC_URL = "http://portal.test";

  const { POST } = await import("../../src/app/api/stripe/webhook/route");
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = await POST(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) }));
    res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook`;
  fake.webhookUrl = webhookUrl;
  return {
    fake,
    webhookUrl,
    stop: async () => {
      await fake.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let vmid = 700_000 + Math.floor(Math.random() * 100_000);
export function serverRow(userId: string, over: { kind?: "game" | "dev"; status?: string; name?: string } = {}) {
  return {
    userId,
    name: over.name ?? `srv-${randomUUID().slice(0, 8)}`,
    kind: over.kind ?? "game",
    vmid: vmid++,
    provider: "local",
    status: over.status ?? "running",
  };
}
