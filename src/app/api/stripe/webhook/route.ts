import { handleStripeWebhook } from "~/server/billing/webhook";
import { logger } from "~/server/log/logger";
import { countWebhook } from "~/server/metrics/webhooks";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Stripe events are small; anything much larger is not from Stripe. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * Stripe webhook endpoint. The signature covers the exact bytes Stripe sent, so the body is read
 * raw (`req.text()`) and handed over untouched.
 */
export async function POST(req: Request) {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return (countWebhook("stripe", 413), Response.json({ error: "Payload too large." }, { status: 413 }));
  const raw = await req.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return (countWebhook("stripe", 413), Response.json({ error: "Payload too large." }, { status: 413 }));
  try {
    const result = await handleStripeWebhook(raw, req.headers.get("stripe-signature"));
    countWebhook("stripe", result.status, result.body);
    return Response.json(result.body, { status: result.status, headers: { "cache-control": "no-store" } });
  } catch (err) {
    // Not recorded as processed: Stripe retries the delivery later.
    logger.error({ err }, "stripe webhook processing failed");
    countWebhook("stripe", 500);
    return Response.json({ error: "Processing failed; retry later." }, { status: 500 });
  }
}
