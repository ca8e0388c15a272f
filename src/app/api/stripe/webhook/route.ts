import { handleStripeWebhook } from "~/server/billing/webhook";
import { payloadTooLarge, readBounded } from "~/server/http/bounded-body";
import { logger } from "~/server/log/logger";
import { countWebhook } from "~/server/metrics/webhooks";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Stripe events are small; anything much larger is not from Stripe. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * Stripe webhook endpoint. The signature covers the exact bytes Stripe sent, so the body is read
 * raw and handed over untouched.
 */
export async function POST(req: Request) {
  // Streamed with a limit: a chunked body has no Content-Length to check up front.
  const body = await readBounded(req, MAX_BODY_BYTES);
  if (!body.ok) return (countWebhook("stripe", 413), payloadTooLarge(MAX_BODY_BYTES));
  const raw = body.bytes.toString("utf8");
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
